import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  maxRssKb: number;
  milliseconds: number;
}

/** Runs the built CLI (npm test builds it first) as a customer or operator would. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: Buffer | string; timeoutMs?: number; preload?: string } = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const preloads = [join(__dirname, 'report-max-rss.js'), ...(options.preload ? [options.preload] : [])].flatMap((file) => ['--require', file]);
    const child = spawn(process.execPath, [...preloads, CLI, ...args], {
      cwd: ROOT,
      // ENV_FILE: a developer's own .env in the checkout must not leak into a test; a test names its own.
      env: { PATH: process.env.PATH ?? '', TIME_ZONE: 'UTC', ENV_FILE: '/dev/null', ...options.env },
      timeout: options.timeoutMs ?? 60_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const err = Buffer.concat(stderr).toString('utf8');
      const rss = /max-rss-kb (\d+)/.exec(err);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: err.replace(/max-rss-kb \d+\n/, ''),
        maxRssKb: rss ? Number(rss[1]) : Number.NaN,
        milliseconds: Date.now() - started,
      });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
