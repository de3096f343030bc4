import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { runCli } from '../support/cli';
import { startApp } from '../support/app-harness';
import { FIXTURES } from '../support/fixtures';
import { polledDataDir } from '../support/review';

jest.setTimeout(60_000);

const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-cli-'));
const env = { DATA_DIR: dataDir, MAIL_FROM: 'Support <support@example.test>', TRUSTED_AUTHSERV_ID: 'mx.example.test' };

beforeAll(async () => {
  mkdirSync(join(dataDir, 'inbox'));
  for (const name of ['zh-qq-gb18030-base64-table', 'en-forgot-attachment-dmy-date', 'machine-dsn-bounce']) {
    copyFileSync(join(FIXTURES, `${name}.eml`), join(dataDir, 'inbox', `${name}.eml`));
  }
  const poll = await runCli(['poll'], { env });
  expect(poll.code).toBe(0);
});

async function listed(args: string[] = []) {
  const run = await runCli(['queue', 'list', '--json', ...args], { env });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>[];
}

it('poll leaves the embedded inbox empty and writes one acknowledgement per requester', () => {
  expect(readdirSync(join(dataDir, 'inbox')).filter((name) => name.endsWith('.eml'))).toEqual([]);
  expect(readdirSync(join(dataDir, 'outgoing'))).toHaveLength(2);
});

it('queue list --json prints one array of requests with their documents as metadata only', async () => {
  const requests = await listed();
  expect(requests).toHaveLength(2);
  for (const request of requests) {
    expect(Object.keys(request)).toEqual(expect.arrayContaining(['reference', 'status', 'email', 'language', 'fields', 'problems', 'idDocuments', 'events']));
    for (const document of request.idDocuments as Record<string, unknown>[]) expect(Object.keys(document)).not.toContain('vaultId');
  }
});

it('queue list --status filters by status', async () => {
  expect((await listed(['--status', 'needs_info'])).map((request) => request.email)).toEqual(['aoife@brennan.example']);
  expect((await listed(['--status', 'pending_review'])).map((request) => request.email)).toEqual(['1827364509@qq.com']);
});

it('queue list --status all lists every status', async () => {
  expect(await listed(['--status', 'all'])).toHaveLength(2);
});

it('queue list without --json is one tab-separated line per request under a header row', async () => {
  const run = await runCli(['queue', 'list'], { env });
  const [header, ...rows] = run.stdout.trimEnd().split('\n');
  expect(header).toBe('REFERENCE\tSTATUS\tRECEIVED\tDUE\tEMAIL\tUSERNAME');
  expect(rows.map((row) => row.split('\t')[4]).sort()).toEqual(['1827364509@qq.com', 'aoife@brennan.example']);
});

it('queue list refuses an unknown status', async () => {
  const run = await runCli(['queue', 'list', '--status', 'done'], { env });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--status must be one of/);
});

it('queue show --json prints one request with its event log', async () => {
  const [request] = await listed(['--status', 'pending_review']);
  const run = await runCli(['queue', 'show', String(request.reference), '--json'], { env });
  const shown = JSON.parse(run.stdout);
  expect(shown).toMatchObject({ reference: request.reference, status: 'pending_review', language: 'zh' });
  expect(shown.events.map((event: { type: string }) => event.type)).toEqual(['received', 'mail_queued', 'mail_sent']);
});

it('queue show without --json is a readable summary, whatever the letter case of the reference', async () => {
  const [request] = await listed(['--status', 'pending_review']);
  const run = await runCli(['queue', 'show', String(request.reference).toLowerCase()], { env });
  expect(run.code).toBe(0);
  expect(run.stdout.split('\n')[0]).toBe(`${request.reference}  Pending review`);
  for (const line of [/^From: +刘洋 <1827364509@qq\.com>$/m, /^ {2}Username: +liuyang_0712$/m, /^ {2}1\. 身份证正面\.jpg /m, /^Pre-checks$/m, /mail from 1827364509@qq\.com/, /Mail sent \(system\)/]) {
    expect(run.stdout).toMatch(line);
  }
});

it('queue show names a reference that does not exist', async () => {
  const run = await runCli(['queue', 'show', 'CR-NOSUCHREF'], { env });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('no request CR-NOSUCHREF');
});

it('verify-receipt accepts the receipt we sent and refuses it under another key', async () => {
  const outgoing = readdirSync(join(dataDir, 'outgoing'));
  const mail = await simpleParser(readFileSync(join(dataDir, 'outgoing', outgoing[0])));
  const pdf = join(dataDir, 'receipt.pdf');
  writeFileSync(pdf, mail.attachments[0].content);
  const genuine = await runCli(['verify-receipt', pdf], { env });
  expect(genuine.code).toBe(0);
  expect(genuine.stdout).toMatch(/^genuine: acknowledgement CR-/);

  const otherEnv = { ...env, DATA_DIR: mkdtempSync(join(tmpdir(), 'cancel-desk-other-')) };
  expect((await runCli(['poll'], { env: otherEnv })).code).toBe(0);
  const otherKey = await runCli(['verify-receipt', pdf], { env: otherEnv });
  expect(otherKey.code).toBe(1);
  expect(otherKey.stdout).toContain('NOT genuine');
});

it('verify-receipt says it verifies the facts recorded inside the PDF, not the printed page, and prints them', async () => {
  const outgoing = readdirSync(join(dataDir, 'outgoing'));
  const mail = await simpleParser(readFileSync(join(dataDir, 'outgoing', outgoing[0])));
  const pdf = join(dataDir, 'receipt-facts.pdf');
  writeFileSync(pdf, mail.attachments[0].content);
  const run = await runCli(['verify-receipt', pdf], { env });
  expect(run.stdout).toContain('Verified: the facts recorded inside this PDF');
  expect(run.stdout).toContain('Not verified: the printed page');
  expect(run.stdout).toMatch(/^ {2}reference: +CR-[A-Z0-9]+$/m);
});

it('queue list --json streams a queue of many pages as one JSON array, oldest first', async () => {
  const { dataDir, env: manyEnv } = await polledDataDir([]);
  const harness = await startApp({}, {}, dataDir);
  for (let index = 0; index < 450; index++) {
    harness.app.queue.openRequest(
      {
        email: `customer${index}@example.com`,
        senderName: '',
        language: 'en',
        fields: { username: `user${index}`, registrationDate: '2020-01-01', reason: 'moving' },
        registrationDateAmbiguous: false,
        senderAuthentication: 'pass',
        subject: 'Cancel',
        bodyText: 'Cancel',
        ownText: 'Cancel',
        messageId: null,
        repliesTo: [],
        evidence: [],
        fieldDoubts: [],
        documents: [],
        acknowledge: false,
      },
      'test',
      {},
    );
    harness.clock.advance(1000);
  }
  harness.app.close();
  const listed = JSON.parse((await runCli(['queue', 'list', '--json'], { env: manyEnv })).stdout) as { email: string }[];
  expect(listed.map((request) => request.email)).toEqual(Array.from({ length: 450 }, (_, index) => `customer${index}@example.com`));
});
