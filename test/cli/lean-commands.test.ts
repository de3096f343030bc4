import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { FIXTURES, fixtureNames } from '../support/fixtures';

/** The stacks only `run`, `serve`, `poll`, `preview` and `verify-receipt` need. */
const HEAVY = ['pdf-lib', 'fontkit', 'fastify', 'imapflow', 'nodemailer'];
const REPORTER = join(__dirname, '..', 'support', 'report-loaded-modules.js');

function loadedPackages(stderr: string): string[] {
  const line = /loaded-packages (.*)\n/.exec(stderr);
  if (!line) throw new Error(`the command did not report its modules:\n${stderr}`);
  return JSON.parse(line[1]) as string[];
}

it('parse loads neither the PDF, the web, the IMAP nor the SMTP stack', async () => {
  const run = await runCli(['parse', join(FIXTURES, `${fixtureNames()[0]}.eml`)], { preload: REPORTER });
  expect(run.code).toBe(0);
  const loaded = loadedPackages(run.stderr);
  expect(loaded).toContain('mailparser');
  expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
});

it('parse loads neither the database, the metrics nor the mail templates: it reads a mail and nothing else', async () => {
  const run = await runCli(['parse', join(FIXTURES, `${fixtureNames()[0]}.eml`)], { preload: REPORTER });
  const loaded = loadedPackages(run.stderr);
  expect(loaded.filter((name) => ['better-sqlite3', 'prom-client', 'mustache'].includes(name))).toEqual([]);
});

it('parse loads neither zod, pino, node-cron nor the public-suffix list: it checks only its own settings, and logs nothing', async () => {
  const run = await runCli(['parse', join(FIXTURES, `${fixtureNames()[0]}.eml`)], { preload: REPORTER });
  expect(run.code).toBe(0);
  const loaded = loadedPackages(run.stderr);
  expect(loaded.filter((name) => ['zod', 'pino', 'node-cron', 'tldts'].includes(name))).toEqual([]);
});

it('queue list loads neither the PDF, the web, the IMAP nor the SMTP stack', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-lean-'));
  const accounts = join(dataDir, 'accounts.csv');
  writeFileSync(accounts, 'username,email,registration_date,status\n');
  expect((await runCli(['accounts', 'import', accounts], { env: { DATA_DIR: dataDir } })).code).toBe(0);
  const run = await runCli(['queue', 'list', '--json'], { env: { DATA_DIR: dataDir }, preload: REPORTER });
  expect(run.code).toBe(0);
  const loaded = loadedPackages(run.stderr);
  expect(loaded).toContain('better-sqlite3');
  expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
});
