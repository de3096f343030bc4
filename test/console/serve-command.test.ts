import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

jest.setTimeout(60_000);

/** `cancel-desk serve` or `run` as an operator starts it (the built CLI), its JSON log lines on stderr. */
function start(command: 'serve' | 'run', dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), command], {
    env: { PATH: process.env.PATH ?? '', ENV_FILE: '/dev/null', DATA_DIR: dataDir, WEB_PORT: '0', MAIL_FROM: 'support@example.test', POLL_SCHEDULE: '0 0 1 1 *', ...env },
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  let text = '';
  child.stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    buffered += chunk.toString('utf8');
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    lines.push(...complete.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const listening = async (): Promise<string> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const line = lines.find((candidate) => candidate.event === 'console_listening');
      if (line) return String(line.url);
      if (Date.now() > deadline) throw new Error(`the console did not start: ${JSON.stringify(lines)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, lines, exited, listening, stderr: () => text };
}

it('serve: creates the first admin once, its password in a 0600 file the log names, answers on WEB_PORT, and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-serve-'));
  const first = start('serve', dataDir);
  const url = await first.listening();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const created = first.lines.filter((line) => line.event === 'first_admin_created');
  expect(created).toEqual([expect.objectContaining({ level: 'warn', name: 'admin', passwordFile: join(dataDir, 'first-admin-password') })]);
  expect(created[0]).not.toHaveProperty('password');
  const password = readFileSync(join(dataDir, 'first-admin-password'), 'utf8').trim();
  expect(password).toMatch(/^.{16,}$/);
  expect(statSync(join(dataDir, 'first-admin-password')).mode & 0o777).toBe(0o600);
  expect(first.stderr()).not.toContain(password);

  const login = await fetch(`${url}/login`);
  expect(login.status).toBe(200);
  expect(login.headers.get('content-security-policy')).toContain("default-src 'none'");
  const anonymous = await fetch(`${url}/requests`, { redirect: 'manual' });
  expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/login']);

  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(first.lines.at(-1)).toMatchObject({ event: 'console_stopped' });

  const second = start('serve', dataDir);
  await second.listening();
  expect(second.lines.filter((line) => line.event === 'first_admin_created')).toEqual([]);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

it('run: the daemon starts the console too, and closes it on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-run-console-'));
  const daemon = start('run', dataDir);
  const url = await daemon.listening();
  expect((await fetch(`${url}/login`)).status).toBe(200);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
  const events = daemon.lines.map((line) => line.event);
  expect(events.indexOf('console_stopped')).toBeGreaterThan(events.indexOf('daemon_stopping'));
  expect(events.at(-1)).toBe('daemon_stopped');
  await expect(fetch(`${url}/login`)).rejects.toThrow();
});

it('serve: refuses plain HTTP on every interface, and when allowed, logs the address it really bound', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-serve-host-'));
  const refused = start('serve', dataDir, { WEB_HOST: '0.0.0.0' });
  expect(await refused.exited).toBe(78);
  expect(refused.stderr()).toMatch(/WEB_HOST: .*WEB_COOKIE_SECURE=true.*WEB_ALLOW_INSECURE_HTTP=true/);

  const allowed = start('serve', dataDir, { WEB_HOST: '0.0.0.0', WEB_ALLOW_INSECURE_HTTP: 'true' });
  const url = await allowed.listening();
  expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  expect(allowed.lines.find((line) => line.event === 'console_listening')).toMatchObject({ host: '0.0.0.0', secureCookie: false });
  expect((await fetch(`${url}/login`)).status).toBe(200);
  allowed.child.kill('SIGTERM');
  expect(await allowed.exited).toBe(0);
});
