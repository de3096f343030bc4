import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { startDaemon, until } from '../support/daemon';
import { requestMail } from '../support/request-mail';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

jest.setTimeout(180_000);

const MAILS = 200;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.stop());
afterEach(() => {
  smtp.received.length = 0;
});

const smtpEnv = (port: number) => ({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_SECURE: 'false', MAIL_FROM: 'Support <support@example.test>' });

/**
 * A DATA_DIR with MAILS requests (one per sender) taken in and their acknowledgements queued: a
 * `poll` whose SMTP server was down sent none of them (the first one waits a minute for its retry).
 */
async function queuedDataDir(): Promise<{ dataDir: string; env: Record<string, string> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-two-senders-'));
  mkdirSync(join(dataDir, 'inbox'));
  for (let index = 0; index < MAILS; index++) {
    writeFileSync(join(dataDir, 'inbox', `${index}.eml`), requestMail({ from: `customer${index}@example.net`, messageId: `request-${index}@example.net` }));
  }
  const down = await startSmtpSink();
  await down.stop();
  const setUp = await runCli(['poll'], { env: { DATA_DIR: dataDir, ...smtpEnv(down.port) } });
  expect(setUp.stderr).toContain('mail_failed');
  return { dataDir, env: { DATA_DIR: dataDir, ...smtpEnv(smtp.port) } };
}

const deliveredIds = () => smtp.received.map((mail) => /^Message-ID: (.*)$/im.exec(mail.raw.toString('latin1'))![1].trim());

it('delivers every acknowledgement once when two `poll` processes flush one DATA_DIR at the same time', async () => {
  const { env } = await queuedDataDir();

  const [first, second] = await Promise.all([runCli(['poll'], { env }), runCli(['poll'], { env })]);

  expect([first.code, second.code]).toEqual([0, 0]);
  expect(new Set(deliveredIds()).size).toBe(MAILS - 1);
  expect(smtp.received).toHaveLength(MAILS - 1);
});

it('delivers every acknowledgement once when `poll` runs beside the daemon', async () => {
  const { dataDir, env } = await queuedDataDir();
  const daemon = startDaemon(dataDir, { ...env, OUTBOX_SCHEDULE: '* * * * * *' });
  const poll = await runCli(['poll'], { env });
  expect(poll.code).toBe(0);
  await until(() => smtp.received.length >= MAILS - 1, 60_000);
  // One more outbox run of the daemon after the last delivery: anything it would send twice, it has sent.
  const runs = daemon.lines.filter((line) => line.event === 'outbox_finished').length;
  await until(() => daemon.lines.filter((line) => line.event === 'outbox_finished').length > runs + 1, 10_000);
  daemon.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);

  expect(new Set(deliveredIds()).size).toBe(MAILS - 1);
  expect(smtp.received).toHaveLength(MAILS - 1);
});

it('refuses a second daemon on the same DATA_DIR, naming the first one, with exit code 1', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-two-daemons-'));
  const first = startDaemon(dataDir);
  await until(() => first.lines.some((line) => line.event === 'daemon_started'), 20_000);

  const second = await runCli(['run'], { env: { DATA_DIR: dataDir, WEB_PORT: '0' } });

  expect(second.code).toBe(1);
  expect(second.stderr).toContain(`cancel-desk: another daemon (pid ${first.pid} `);
  first.kill('SIGTERM');
  expect(await first.exited).toBe(0);
});

it('lets a daemon start where the previous one was killed without a chance to clean up', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-killed-daemon-'));
  const killed = startDaemon(dataDir);
  await until(() => killed.lines.some((line) => line.event === 'daemon_started'), 20_000);
  killed.kill('SIGKILL');
  await killed.exited;

  const next = startDaemon(dataDir);
  await until(() => next.lines.some((line) => line.event === 'daemon_started'), 20_000);
  next.kill('SIGTERM');
  expect(await next.exited).toBe(0);
});
