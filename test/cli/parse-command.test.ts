import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { FIXTURES, fixtureNames, loadFixture } from '../support/fixtures';
import { mailWithAttachmentOf, manyParts, nestedMultipart } from '../support/hostile-mail';

const fixtureEnv = { TRUSTED_AUTHSERV_ID: 'mx.example.test', MAIL_FROM: 'Support <support@example.test>' };
const scratch = mkdtempSync(join(tmpdir(), 'cancel-desk-parse-'));
const CONTRACT_KEYS = ['messageId', 'from', 'subject', 'language', 'kind', 'reference', 'senderAuthentication', 'fields', 'idDocuments', 'problems', 'disposition', 'acknowledge', 'evidence', 'fieldDoubts'];

function writeScratch(name: string, content: Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

it('prints one JSON line per file, in order, matching every fixture', async () => {
  const names = fixtureNames();
  const run = await runCli(['parse', ...names.map((name) => join(FIXTURES, `${name}.eml`))], { env: fixtureEnv });
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(names.length);
  lines.forEach((line, index) => expect(JSON.parse(line)).toMatchObject(loadFixture(names[index]).expected));
});

it('prints exactly the contract fields', async () => {
  const [name] = fixtureNames();
  const run = await runCli(['parse', join(FIXTURES, `${name}.eml`)], { env: fixtureEnv });
  expect(Object.keys(JSON.parse(run.stdout))).toEqual(CONTRACT_KEYS);
});

it('reads standard input when the file is -', async () => {
  const [name] = fixtureNames();
  const { raw, expected } = loadFixture(name);
  const run = await runCli(['parse', '-'], { env: fixtureEnv, stdin: raw });
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject(expected);
});

it('reports an unreadable file on stderr, exits 2 and still prints the others', async () => {
  const [name] = fixtureNames();
  const run = await runCli(['parse', join(scratch, 'missing.eml'), join(FIXTURES, `${name}.eml`)], { env: fixtureEnv });
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/missing\.eml.*ENOENT/)]);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
});

it('exits 0 on garbage that is not MIME at all', async () => {
  const path = writeScratch('garbage.eml', Buffer.from([0, 255, 1, 254, 10, 13, 0, 7]));
  const run = await runCli(['parse', path]);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ disposition: 'quarantine', acknowledge: false, problems: ['malformed_mime', 'no_sender'] });
});

// Large inputs on a shared machine: their speed is a bench figure, only memory is specified here.
const LARGE_INPUT_TIMEOUT = 120_000;

it('quarantines a 40 MB mail as too large in under 512 MB', async () => {
  const path = writeScratch('forty-megabytes.eml', mailWithAttachmentOf(30 * 1024 * 1024));
  const run = await runCli(['parse', path]);
  expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'cancellation_request', problems: ['message_too_large'], disposition: 'quarantine', acknowledge: false });
  expect(run.maxRssKb).toBeLessThan(512 * 1024);
}, LARGE_INPUT_TIMEOUT);

it('parses a 40 MB mail in full in under 512 MB when the limit allows it', async () => {
  const path = writeScratch('forty-megabytes-allowed.eml', mailWithAttachmentOf(30 * 1024 * 1024));
  const run = await runCli(['parse', path], { env: { MAX_MESSAGE_BYTES: String(50 * 1024 * 1024), MAX_ATTACHMENT_BYTES: String(40 * 1024 * 1024) } });
  const result = JSON.parse(run.stdout);
  expect(result.idDocuments).toEqual([expect.objectContaining({ size: 30 * 1024 * 1024, problem: 'unsupported_type' })]);
  expect(run.maxRssKb).toBeLessThan(512 * 1024);
}, LARGE_INPUT_TIMEOUT);

it('quarantines a 1000-level nested multipart as too deep in under 512 MB', async () => {
  const path = writeScratch('nested.eml', nestedMultipart(1000));
  const run = await runCli(['parse', path]);
  expect(JSON.parse(run.stdout)).toMatchObject({ problems: ['mime_too_deep'], disposition: 'quarantine' });
  expect(run.maxRssKb).toBeLessThan(512 * 1024);
}, LARGE_INPUT_TIMEOUT);

it('quarantines a mail of 10,000 parts as too many parts', async () => {
  const path = writeScratch('many-parts.eml', manyParts(10_000));
  const run = await runCli(['parse', path]);
  expect(JSON.parse(run.stdout)).toMatchObject({ problems: ['too_many_parts'], disposition: 'quarantine' });
}, LARGE_INPUT_TIMEOUT);

it('refuses an invalid setting it reads with a clear message', async () => {
  const [name] = fixtureNames();
  const run = await runCli(['parse', join(FIXTURES, `${name}.eml`)], { env: { MAX_MIME_DEPTH: 'deep' } });
  expect(run.code).toBe(78);
  expect(run.stderr).toMatch(/MAX_MIME_DEPTH/);
});

it('reads a mail whatever the settings it does not read say', async () => {
  const [name] = fixtureNames();
  const run = await runCli(['parse', join(FIXTURES, `${name}.eml`)], { env: { POLL_SCHEDULE: 'often', WEB_PORT: 'x' } });
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ messageId: expect.any(String) });
});
