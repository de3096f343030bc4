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

it('queue list says nothing on stderr when it printed every request', async () => {
  expect((await runCli(['queue', 'list', '--json'], { env })).stderr).toBe('');
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

describe('queue list on a queue longer than a page', () => {
  let manyEnv: Record<string, string>;

  beforeAll(async () => {
    const polled = await polledDataDir([]);
    manyEnv = polled.env;
    const harness = await startApp({}, {}, polled.dataDir);
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
  });

  const customers = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `customer${from + index}@example.com`);

  it('prints the oldest 100 by default and says on stderr how many there are and how to see more', async () => {
    const run = await runCli(['queue', 'list', '--json'], { env: manyEnv });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { email: string }[]).map((request) => request.email)).toEqual(customers(0, 100));
    expect(run.stderr).toBe('showing the first 100 of 450 requests, oldest first; --limit N or --all for more, --status S for one status\n');
  });

  it('prints as many as --limit asks, as lines under the header row without --json', async () => {
    const run = await runCli(['queue', 'list', '--limit', '3'], { env: manyEnv });
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toBe('REFERENCE\tSTATUS\tRECEIVED\tDUE\tEMAIL\tUSERNAME');
    expect(rows.map((row) => row.split('\t')[4])).toEqual(customers(0, 3));
    expect(run.stderr).toBe('showing the first 3 of 450 requests, oldest first; --limit N or --all for more, --status S for one status\n');
  });

  it('names --status in the note only when the listing is not of one status already', async () => {
    const [{ status }] = JSON.parse((await runCli(['queue', 'list', '--json', '--limit', '1'], { env: manyEnv })).stdout) as { status: string }[];
    const run = await runCli(['queue', 'list', '--status', status, '--limit', '3'], { env: manyEnv });
    expect(run.stderr).toMatch(/^showing the first 3 of [\d,]+ requests, oldest first; --limit N or --all for more\n$/);
  });

  it('says nothing on stderr when --limit covers them all', async () => {
    const run = await runCli(['queue', 'list', '--json', '--limit', '450'], { env: manyEnv });
    expect(JSON.parse(run.stdout)).toHaveLength(450);
    expect(run.stderr).toBe('');
  });

  it('--all --json streams every request, many pages, as one JSON array, oldest first', async () => {
    const run = await runCli(['queue', 'list', '--all', '--json'], { env: manyEnv });
    expect((JSON.parse(run.stdout) as { email: string }[]).map((request) => request.email)).toEqual(customers(0, 450));
    expect(run.stderr).toBe('');
  });

  it.each([
    [['--limit', '0'], /--limit must be a whole number from 1/],
    [['--limit', 'ten'], /--limit must be a whole number from 1/],
    [['--limit', '5', '--all'], /--limit or --all, not both/],
  ])('refuses queue list %j as a usage error', async (args, message) => {
    const run = await runCli(['queue', 'list', ...args], { env: manyEnv });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
