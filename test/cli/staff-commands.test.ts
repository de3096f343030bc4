import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/cli';
import { STAFF_PASSWORD } from '../support/review';

jest.setTimeout(60_000);

let env: Record<string, string>;
beforeEach(() => {
  env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'cancel-desk-staff-')) };
});

const staff = (args: string[], stdin?: string) => runCli(['staff', ...args], { env, stdin });

/** Runs the CLI on a real terminal (util-linux `script`), answering each prompt as it appears. */
function onTerminal(args: string[], answers: string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = ['node', join(ROOT, 'dist', 'cli.js'), ...args].map((word) => `'${word}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ENV_FILE: '/dev/null', ...env } });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      if (/Password(?: again)?: $/.test(screen)) child.stdin.write(`${answers.shift()}\r`);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, screen }));
  });
}

it('staff add reads the password from standard input with --password-stdin', async () => {
  const added = await staff(['add', 'alice', '--password-stdin'], `${STAFF_PASSWORD}\n`);
  expect(added).toMatchObject({ code: 0, stdout: 'added staff member alice\n' });
  expect((await staff(['list'])).stdout).toMatch(/^alice\tenabled\t\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
});

it('staff add asks twice for the password on a terminal, without echoing it', async () => {
  const run = await onTerminal(['staff', 'add', 'carol'], [STAFF_PASSWORD, STAFF_PASSWORD]);
  expect(run.code).toBe(0);
  expect(run.screen).toContain('added staff member carol');
  expect(run.screen).not.toContain(STAFF_PASSWORD);
});

it('staff add adds nobody when the two passwords typed differ', async () => {
  const run = await onTerminal(['staff', 'add', 'carol'], [STAFF_PASSWORD, `${STAFF_PASSWORD}.`]);
  expect(run.code).toBe(1);
  expect(run.screen).toContain('the two passwords differ');
  expect((await staff(['list'])).stdout).toBe('');
});

it('staff add wants --password-stdin when standard input is no terminal', async () => {
  const run = await staff(['add', 'alice'], STAFF_PASSWORD);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('--password-stdin');
});

it('staff add refuses a short password and a taken name', async () => {
  expect(await staff(['add', 'alice', '--password-stdin'], 'too short')).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 12 characters') });
  await staff(['add', 'alice', '--password-stdin'], STAFF_PASSWORD);
  expect(await staff(['add', 'ALICE', '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 1, stderr: expect.stringContaining('already a staff member') });
});

it('staff disable marks a member disabled, and names a member that does not exist', async () => {
  await staff(['add', 'bob', '--password-stdin'], STAFF_PASSWORD);
  expect(await staff(['disable', 'bob'])).toMatchObject({ code: 0, stdout: 'disabled staff member bob\n' });
  expect((await staff(['list'])).stdout).toMatch(/^bob\tdisabled\t/);
  expect(await staff(['disable', 'nobody'])).toMatchObject({ code: 1, stderr: 'cancel-desk: no staff member nobody\n' });
});

it('staff with an unknown action or option is a usage error', async () => {
  expect((await staff(['promote', 'bob'])).code).toBe(2);
  expect((await staff(['list', '--all'])).code).toBe(2);
});
