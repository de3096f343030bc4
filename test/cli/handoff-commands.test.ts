import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startAccountSystem, type AccountSystem } from '../support/account-system';
import { ROOT, runCli } from '../support/cli';
import { EN_REQUEST, polledDataDir, referenceOf, STAFF_PASSWORD, ZH_REQUEST } from '../support/review';

jest.setTimeout(90_000);

let accountSystem: AccountSystem;
let env: Record<string, string>;

beforeAll(async () => {
  accountSystem = await startAccountSystem();
  const polled = await polledDataDir([ZH_REQUEST, EN_REQUEST]);
  env = { ...polled.env, ACCOUNT_WEBHOOK_URL: accountSystem.url, ACCOUNT_WEBHOOK_SECRET: 'sixteen or more characters' };
  await runCli(['staff', 'add', 'alice', '--password-stdin'], { env, stdin: STAFF_PASSWORD });
});
afterAll(() => accountSystem.stop());

const handoffOf = async (reference: string) => JSON.parse((await runCli(['queue', 'show', reference, '--json'], { env })).stdout).handoff;

it('poll hands an approval to the account system and shows it delivered', async () => {
  const reference = await referenceOf(env, ZH_REQUEST);
  await runCli(['queue', 'approve', reference, '--by', 'alice'], { env });
  expect(await handoffOf(reference)).toMatchObject({ state: 'pending', attempts: 0 });
  expect((await runCli(['poll'], { env })).code).toBe(0);
  expect(accountSystem.received.map(({ body }) => JSON.parse(body).reference)).toEqual([reference]);
  expect(await handoffOf(reference)).toMatchObject({ state: 'delivered', attempts: 1 });
});

it('the daemon hands off approvals on WEBHOOK_SCHEDULE', async () => {
  const reference = await referenceOf(env, EN_REQUEST);
  await runCli(['queue', 'approve', reference, '--by', 'alice'], { env });
  const daemon = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run'], {
    env: { PATH: process.env.PATH ?? '', ENV_FILE: '/dev/null', ...env, WEBHOOK_SCHEDULE: '* * * * * *', POLL_SCHEDULE: '0 0 1 1 *', WEB_PORT: '0' },
  });
  let log = '';
  daemon.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => daemon.on('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (!log.includes('"account_handoff_delivered"') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  daemon.kill('SIGTERM');
  expect(await exited).toBe(0);
  const lines = log.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toContainEqual(expect.objectContaining({ event: 'account_handoff_delivered', reference }));
  expect(await handoffOf(reference)).toMatchObject({ state: 'delivered' });
});

it('refuses to start with a webhook URL but no secret to sign with', async () => {
  const run = await runCli(['queue', 'list'], { env: { ...env, ACCOUNT_WEBHOOK_SECRET: '' } });
  expect(run.code).toBe(78);
  expect(run.stderr).toContain('ACCOUNT_WEBHOOK_SECRET: is required when ACCOUNT_WEBHOOK_URL is set');
});
