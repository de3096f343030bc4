import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helpTopic, usageOf } from '../../src/cli/help';
import { runCli } from '../support/cli';

jest.setTimeout(60_000);

const emptyDataDir = () => join(mkdtempSync(join(tmpdir(), 'cancel-desk-nodb-')), 'data');

describe('asking for help', () => {
  it.each([['help'], ['--help'], ['-h']])('%s prints the usage on stdout and exits 0', async (word) => {
    const run = await runCli([word]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^usage: cancel-desk <command>/);
    expect(run.stdout).toContain('verify-receipt <file.pdf>');
  });

  it('after a command, prints only that command’s lines', async () => {
    const run = await runCli(['queue', 'show', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('queue show <reference> [--json]');
    expect(run.stdout).not.toContain('triage list');
  });

  it('no command at all is a usage error: the usage on stderr, exit 2', async () => {
    expect(await runCli([])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^usage: cancel-desk/) });
  });

  it('is found in the first words only, not in an option’s value', () => {
    expect(helpTopic(['help', 'queue'])).toBe('queue');
    expect(helpTopic(['--help'])).toBe('');
    expect(helpTopic(['staff', 'add', '-h'])).toBe('staff');
    expect(helpTopic(['queue', 'show', 'help'])).toBeNull();
    expect(helpTopic(['queue', 'reply', 'CR-7KQ2M9XW4T', '--message', '--help'])).toBeNull();
  });

  it('for a command, keeps its continuation lines and falls back to everything for an unknown one', () => {
    const usage = 'usage: x\n\n  a one        does a\n               and more\n  b two        does b\n\nExit codes.\n';
    expect(usageOf(usage, 'a')).toBe('usage: cancel-desk a …\n\n  a one        does a\n               and more\n');
    expect(usageOf(usage, 'zzz')).toBe(usage);
  });
});

describe('mistakes', () => {
  it('an unknown command is named, with a hint, exit 2', async () => {
    expect(await runCli(['frobnicate'])).toMatchObject({ code: 2, stdout: '', stderr: "cancel-desk: unknown command 'frobnicate'\n(cancel-desk help lists every command)\n" });
  });

  it('an unknown subcommand is named with the ones there are, exit 2', async () => {
    const run = await runCli(['queue', 'frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cancel-desk queue: unknown command 'frobnicate'; expected one of list, show,");
  });

  it('a name inherited by every JavaScript object is no command', async () => {
    expect((await runCli(['constructor'])).code).toBe(2);
    expect((await runCli(['queue', 'toString'])).code).toBe(2);
  });
});

describe('a DATA_DIR without a database', () => {
  it.each([
    [['queue', 'list']],
    [['queue', 'show', 'CR-7KQ2M9XW4T']],
    [['queue', 'approve', 'CR-7KQ2M9XW4T', '--by', 'alice']],
    [['triage', 'list']],
    [['triage', 'show', '1']],
    [['staff', 'list']],
    [['export', '--status', 'approved', '--format', 'csv']],
    [['verify-receipt', 'package.json']],
  ])('%j says there is none, exits 1 and creates nothing', async (args) => {
    const dataDir = emptyDataDir();
    const run = await runCli(args, { env: { DATA_DIR: dataDir } });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(`cancel-desk: no database at ${join(dataDir, 'cancel-desk.db')}: run \`cancel-desk run\` or \`poll\` first\n`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('poll starts one', async () => {
    const dataDir = emptyDataDir();
    expect((await runCli(['poll'], { env: { DATA_DIR: dataDir } })).code).toBe(0);
    expect(readdirSync(dataDir)).toContain('cancel-desk.db');
    expect(await runCli(['queue', 'list'], { env: { DATA_DIR: dataDir } })).toMatchObject({ code: 0, stdout: 'REFERENCE\tSTATUS\tRECEIVED\tDUE\tEMAIL\tUSERNAME\n' });
  });
});

it('verify-receipt on a file that is not there is one line on stderr, exit 2', async () => {
  const run = await runCli(['verify-receipt', 'no-such-receipt.pdf'], { env: { DATA_DIR: emptyDataDir() } });
  expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'cancel-desk verify-receipt: cannot read no-such-receipt.pdf: ENOENT\n' });
});
