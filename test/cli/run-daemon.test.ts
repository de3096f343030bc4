import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli';
import { FIXTURES } from '../support/fixtures';

jest.setTimeout(60_000);

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('runs an intake cycle at start and on its schedule, logs one line per message, and exits cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-daemon-'));
  const inbox = join(dataDir, 'inbox');
  mkdirSync(inbox);
  copyFileSync(join(FIXTURES, 'en-iphone-heic-prose.eml'), join(inbox, 'first.eml'));
  const outgoing = () => readdirSync(join(dataDir, 'outgoing'), { withFileTypes: true }).filter((entry) => entry.name.endsWith('.eml'));

  const daemon = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, POLL_SCHEDULE: '*/2 * * * * *', MAIL_FROM: 'support@example.test' },
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  daemon.stderr.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    lines.push(...complete.map((line) => JSON.parse(line) as Record<string, unknown>));
  });
  const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));

  await until(() => lines.some((line) => line.event === 'mail_sent'), 20_000);
  copyFileSync(join(FIXTURES, 'en-outlook-windows-table.eml'), join(inbox, 'second.eml'));
  await until(() => lines.filter((line) => line.event === 'mail_sent').length === 2, 20_000);
  expect(outgoing()).toHaveLength(2);

  daemon.kill('SIGTERM');
  expect(await exited).toBe(0);
  const handled = lines.filter((line) => line.event === 'message_handled');
  expect(handled).toHaveLength(2);
  expect(handled.every((line) => line.outcome === 'queued' && typeof line.reference === 'string')).toBe(true);
  expect(lines.at(-1)).toMatchObject({ event: 'daemon_stopped' });
  expect(JSON.stringify(lines)).not.toContain('river.song42');
});
