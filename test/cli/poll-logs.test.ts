import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../support/cli';
import { type DovecotServer, imapEnvFor, startDovecot } from '../support/dovecot';
import { FIXTURES, fixtureNames, loadFixture } from '../support/fixtures';

jest.setTimeout(180_000);

const MAIL_FROM = 'support@example.test';
const names = fixtureNames();

/**
 * What no log line may carry: each fixture's username and sender address in full, and a piece of
 * every base64 line of its MIME parts (the ID documents, and bodies sent base64).
 */
function personalData(): string[] {
  const found = new Set<string>();
  for (const name of names) {
    const { raw, expected } = loadFixture(name);
    const username = expected.fields?.username;
    // A registrar's notice names our own domain as the account: not a customer's data.
    if (username && username.length >= 6 && !MAIL_FROM.includes(username)) found.add(username);
    if (expected.from && expected.from !== MAIL_FROM) found.add(expected.from);
    for (const line of raw.toString('latin1').split(/\r?\n/)) {
      if (/^[A-Za-z0-9+/]{60,}={0,2}$/.test(line)) found.add(line.slice(8, 40));
    }
  }
  return [...found];
}

function logLines(run: CliRun): Record<string, unknown>[] {
  return run.stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectNoPersonalData(run: CliRun): void {
  const output = `${run.stdout}\n${run.stderr}`;
  const leaked = personalData().filter((secret) => output.includes(secret));
  expect(leaked).toEqual([]);
}

it('logs a poll of every fixture on the embedded default at debug without a username, an address or a document byte', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-poll-logs-'));
  mkdirSync(join(dataDir, 'inbox'));
  // Numbered: a fixture's file name describes its content, usernames included, and would be logged as its mailbox key.
  names.forEach((name, index) => copyFileSync(join(FIXTURES, `${name}.eml`), join(dataDir, 'inbox', `${index}.eml`)));

  const run = await runCli(['poll'], { env: { DATA_DIR: dataDir, LOG_LEVEL: 'debug', MAIL_FROM, TRUSTED_AUTHSERV_ID: 'mx.example.test' } });

  expect(run.code).toBe(0);
  const lines = logLines(run);
  expect(lines.filter((line) => line.event === 'message_handled')).toHaveLength(names.length);
  expect(lines.filter((line) => line.event === 'mail_sent').every((line) => typeof line.reference === 'string' || typeof line.triageId === 'number')).toBe(true);
  expectNoPersonalData(run);
});

describe('over IMAP', () => {
  let dovecot: DovecotServer;

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it("logs a poll at debug with imapflow's connection log, still without a username, an address or a document byte", async () => {
    for (const name of names) await dovecot.append(loadFixture(name).raw);
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cancel-desk-poll-imap-logs-')),
      LOG_LEVEL: 'debug',
      MAIL_FROM,
      TRUSTED_AUTHSERV_ID: 'mx.example.test',
      ...imapEnvFor(dovecot),
      VAULT_KEY: randomBytes(32).toString('base64'),
    };

    const run = await runCli(['poll'], { env });

    expect(run.code).toBe(0);
    const lines = logLines(run);
    expect(lines.filter((line) => line.event === 'message_handled')).toHaveLength(names.length);
    expect(lines.filter((line) => line.component === 'imapflow' && line.level === 'debug').length).toBeGreaterThan(0);
    expect(run.stderr).not.toContain(dovecot.password);
    expectNoPersonalData(run);
  });

  it("leaves imapflow's connection log out at info", async () => {
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cancel-desk-poll-imap-info-')),
      MAIL_FROM,
      ...imapEnvFor(dovecot),
      VAULT_KEY: randomBytes(32).toString('base64'),
    };

    const run = await runCli(['poll'], { env });

    expect(run.code).toBe(0);
    const lines = logLines(run);
    expect(lines.some((line) => line.event === 'imap.session_opened')).toBe(true);
    expect(lines.filter((line) => line.level === 'debug')).toEqual([]);
  });
});
