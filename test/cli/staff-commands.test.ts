import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../support/app-harness';
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
  expect((await staff(['list'])).stdout).toMatch(/^NAME\tROLE\tSTATE\tCREATED\nalice\tstaff\tenabled\t\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
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
  expect((await staff(['list'])).stdout).toMatch(/\nbob\tstaff\tdisabled\t/);
  expect(await staff(['disable', 'nobody'])).toMatchObject({ code: 1, stderr: 'cancel-desk: no staff member nobody\n' });
});

it('staff enable lets a disabled member in again', async () => {
  await staff(['add', 'bob', '--password-stdin'], STAFF_PASSWORD);
  await staff(['disable', 'bob']);
  expect(await staff(['enable', 'bob'])).toMatchObject({ code: 0, stdout: 'enabled staff member bob\n' });
  expect((await staff(['list'])).stdout).toMatch(/\nbob\tstaff\tenabled\t/);
  expect(await staff(['enable', 'nobody'])).toMatchObject({ code: 1, stderr: 'cancel-desk: no staff member nobody\n' });
});

it('staff add --admin adds an admin, who may manage staff in the console', async () => {
  expect(await staff(['add', 'root', '--admin', '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 0, stdout: 'added admin root\n' });
  expect((await staff(['list'])).stdout).toMatch(/\nroot\tadmin\tenabled\t/);
});

it('staff add takes names in any script, stored composed (NFC), and refuses names with padding, markup or control characters', async () => {
  expect(await staff(['add', '李娜', '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 0, stdout: 'added staff member 李娜\n' });
  expect(await staff(['add', 'Zoe\u0308', '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 0, stdout: 'added staff member Zoë\n' });
  expect(await staff(['add', "Mary O'Brien-Li", '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 0 });
  for (const name of [' lina', 'lina ', '<b>', 'a\u0007b', 'x'.repeat(65)]) {
    expect(await staff(['add', name, '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a staff name') });
  }
  expect((await staff(['list'])).stdout.split('\n').slice(1, -1).map((line) => line.split('\t')[0])).toEqual(["Mary O'Brien-Li", 'Zoë', '李娜']);
});

it('staff passwd sets a new password from standard input: the old one stops working', async () => {
  await staff(['add', '李娜', '--password-stdin'], STAFF_PASSWORD);
  const changed = await staff(['passwd', '李娜', '--password-stdin'], 'a brand new password\n');
  expect(changed).toMatchObject({ code: 0, stdout: 'set the password of 李娜\n' });
  const { app } = await startApp({}, {}, env.DATA_DIR);
  try {
    expect(await app.staff.verify('李娜', STAFF_PASSWORD)).toBe(false);
    expect(await app.staff.verify('李娜', 'a brand new password')).toBe(true);
  } finally {
    app.close();
  }
});

it('staff passwd asks twice on a terminal without echoing, and refuses a short password or an unknown member', async () => {
  await staff(['add', 'carol', '--password-stdin'], STAFF_PASSWORD);
  const run = await onTerminal(['staff', 'passwd', 'carol'], ['another good password', 'another good password']);
  expect(run.code).toBe(0);
  expect(run.screen).toContain('set the password of carol');
  expect(run.screen).not.toContain('another good password');
  expect(await staff(['passwd', 'carol', '--password-stdin'], 'too short')).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 12 characters') });
  expect(await staff(['passwd', 'nobody', '--password-stdin'], STAFF_PASSWORD)).toMatchObject({ code: 1, stderr: 'cancel-desk: no staff member nobody\n' });
});

it('staff with an unknown action or option is a usage error', async () => {
  expect((await staff(['promote', 'bob'])).code).toBe(2);
  expect((await staff(['list', '--all'])).code).toBe(2);
});
