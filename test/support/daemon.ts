import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli';

export interface RunningDaemon {
  pid: number;
  /** Its log lines as they come (stderr, one JSON object a line); a line that is no JSON as `{ text }`. */
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** `npm start` is `node dist/cli.js run`: the daemon on the embedded default, its logs on stderr. */
export function startDaemon(dataDir: string, env: Record<string, string> = {}, as: { uid?: number; gid?: number } = {}): RunningDaemon {
  const daemon = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run'], {
    env: {
      PATH: process.env.PATH ?? '',
      ENV_FILE: '/dev/null',
      DATA_DIR: dataDir,
      WEB_PORT: '0',
      POLL_SCHEDULE: '*/2 * * * * *',
      MAIL_FROM: 'support@example.test',
      TRUSTED_AUTHSERV_ID: 'mx.example.test',
      ...env,
    },
    ...as,
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  daemon.stderr.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    lines.push(...complete.map((line) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { text: line })));
  });
  const exited = new Promise<number | null>((resolve) => daemon.on('close', (code) => resolve(code)));
  return { pid: daemon.pid!, lines, exited, kill: (signal) => daemon.kill(signal) };
}

export async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
