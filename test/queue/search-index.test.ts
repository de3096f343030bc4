import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { IncomingMail } from '../../src/queue/incoming-mail';
import { openDatabase } from '../../src/queue/database';
import { migrations } from '../../src/queue/migrations';
import { startApp, type Harness } from '../support/app-harness';
import { addStaff } from '../support/review';

let harness: Harness;
let mails = 0;

beforeEach(async () => {
  harness = await startApp();
  await addStaff(harness, 'alice');
});
afterEach(() => harness.app.close());

/** A mail as intake hands it over: a new request unless it names one of its sender's, or triage when intake was unsure. */
function incoming(options: { from: string; name?: string; username?: string | null; text: string; reference?: string; disposition?: 'queue' | 'triage' }): IncomingMail {
  mails += 1;
  return {
    messageKey: `search:${mails}`,
    result: {
      messageId: `<search-${mails}@example.org>`, from: options.from, subject: 'close my account', language: 'en', kind: 'cancellation_request', reference: options.reference ?? null,
      senderAuthentication: 'pass', fields: { username: options.username === undefined ? null : options.username, registrationDate: '2021-03-04', reason: 'moving abroad' }, idDocuments: [],
      problems: ['missing_id_document'], disposition: options.disposition ?? 'queue', acknowledge: false, evidence: [], fieldDoubts: [],
    },
    bodyText: options.text, ownText: options.text, senderName: options.name ?? '', repliesTo: [], registrationDateAmbiguous: false, standsAlone: options.reference === undefined, answerable: true, documents: [],
  };
}

function request(options: Parameters<typeof incoming>[0]): string {
  return harness.app.queue.recordIncoming(incoming(options)).reference!;
}

function found(search: string): string[] {
  return harness.app.review.list({ status: undefined, search, page: 1, pageSize: 100 }).items.map((item) => item.reference).sort();
}

it('finds a substring of a Chinese mail text', () => {
  const wanted = request({ from: 'wang@example.cn', text: '您好，我想注销我的账号，因为我已经移民海外了。' });
  request({ from: 'zhao@example.cn', text: '请帮我注销账号。' });
  expect(found('移民海外')).toEqual([wanted]);
});

it('finds English text, an email and a name whatever their letter case', () => {
  const wanted = request({ from: 'Hannah.Okafor@Example.com', name: 'Hannah OKAFOR', text: 'Please Terminate my SUBSCRIPTION today.' });
  request({ from: 'someone@example.org', text: 'Please close it.' });
  expect(found('terminate my subscription')).toEqual([wanted]);
  expect(found('HANNAH.okafor@')).toEqual([wanted]);
  expect(found('hannah okafor')).toEqual([wanted]);
});

it('finds a request by a reference typed in any case', () => {
  const wanted = request({ from: 'ref@example.org', text: 'close' });
  expect(found(wanted.slice(3, 9).toLowerCase())).toEqual([wanted]);
});

it('finds a corrected username by its new value and no longer by the old one', () => {
  const wanted = request({ from: 'okafor@example.com', username: 'hokafor_1939', text: 'close my account' });
  expect(harness.app.review.correct(wanted, { by: 'alice', field: 'username', value: 'hokafor_1993' })).toMatchObject({ ok: true });
  expect(found('hokafor_1993')).toEqual([wanted]);
  expect(found('hokafor_1939')).toEqual([]);
});

it("finds a follow-up mail's text", () => {
  const wanted = request({ from: 'li@example.cn', text: '请注销我的账号。' });
  expect(harness.app.queue.recordIncoming(incoming({ from: 'li@example.cn', reference: wanted, text: '补充一下：我的用户名是 lina_shanghai88' })).outcome).toBe('threaded');
  expect(found('lina_shanghai88')).toEqual([wanted]);
});

it('does not search our own mails and staff notes', () => {
  const wanted = request({ from: 'notes@example.org', text: 'close my account' });
  harness.app.review.write(wanted, { kind: 'note', by: 'alice', text: 'called the customer back' });
  expect(found('called the customer')).toEqual([]);
});

it('finds a mail staff promoted out of triage', () => {
  harness.app.queue.recordIncoming(incoming({ from: 'unsure@example.org', name: 'Quentin Unsure', text: 'I might want to stop the family plan', disposition: 'triage' }));
  const [item] = harness.app.triage.list();
  const promoted = harness.app.triage.act(item.id, { kind: 'promote', by: 'alice' });
  expect(promoted).toMatchObject({ ok: true });
  expect(found('stop the family plan')).toEqual([(promoted as { reference: string }).reference]);
  expect(found('quentin')).toEqual([(promoted as { reference: string }).reference]);
});

it('finds a two-character Chinese name and a single character in the short fields, not in mail texts', () => {
  const lina = request({ from: 'lina@example.cn', name: '李娜', text: '请注销账号' });
  const wangLina = request({ from: 'wanglina@example.cn', name: '王李娜', text: '注销' });
  request({ from: 'zhang@example.cn', name: '张伟', text: '李娜是我的朋友' });
  const underscored = request({ from: 'x@example.org', username: 'xa_vier', text: 'close' });
  expect(found('李娜')).toEqual([lina, wangLina].sort());
  expect(found('_')).toEqual([underscored]);
  expect(found('A_')).toEqual([underscored]);
  expect(found('%')).toEqual([]);
  expect(found('\\')).toEqual([]);
});

it.each([
  ['a double quote', '"'],
  ['quotes around words', '"close" "account"'],
  ['a star', 'clo*'],
  ['OR between words', 'nothing OR close'],
  ['NEAR(', 'NEAR(close account)'],
  ['a column filter', 'text: close'],
  ['a lone parenthesis and a caret', ')^close'],
])('takes %s in a search as plain text, never as query syntax', (_, search) => {
  request({ from: 'plain@example.org', text: 'please close my account' });
  expect(found(search)).toEqual([]);
});

it('finds text that looks like query syntax literally', () => {
  const wanted = request({ from: 'odd@example.org', text: 'my username is "zz*top" OR NEAR(me), okay' });
  request({ from: 'other@example.org', text: 'zz top or near me' });
  expect(found('"zz*top" OR NEAR(')).toEqual([wanted]);
});

it('finds nothing for a search with a NUL character, whatever surrounds it', () => {
  request({ from: 'nul@example.org', text: 'please close my account' });
  expect(found('\u0000')).toEqual([]);
  expect(found('close\u0000')).toEqual([]);
});

it('lists every request for an empty search', () => {
  const all = [request({ from: 'a@example.org', text: 'one' }), request({ from: 'b@example.org', text: 'two' })].sort();
  expect(found('')).toEqual(all);
  expect(found('   ')).toEqual(all);
});

it('no longer finds a customer mail text once emptied, as retention empties it', () => {
  const wanted = request({ from: 'purged@example.org', text: 'a sentence only this customer wrote' });
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'));
  db.prepare("UPDATE request_messages SET text = '' WHERE direction = 'in'").run();
  db.close();
  expect(found('only this customer')).toEqual([]);
  expect(found(wanted)).toEqual([wanted]);
});

it('finds requests stored before the search index existed', () => {
  const path = join(harness.dataDir, 'before-016.db');
  const before = new Database(path);
  for (const migration of migrations.filter((candidate) => candidate.version < 16)) before.exec(migration.sql);
  before.pragma('user_version = 15');
  before.exec(`INSERT INTO requests (id, reference, status, email, sender_name, language, username, problems, sender_authentication, subject, body_text, received_at, updated_at)
    VALUES (1, 'CR-OLD0000001', 'pending_review', 'old@example.org', '老客户', 'zh', 'old_user', '[]', 'pass', 's', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  before.exec(`INSERT INTO request_messages (request_id, direction, at, sender, text) VALUES (1, 'in', '2026-01-01T00:00:00Z', 'old@example.org', '我想注销旧号码'),
    (1, 'out', '2026-01-01T00:01:00Z', 'support@example.test', '我们已收到')`);
  before.close();
  const db = openDatabase(path);
  try {
    const match = (table: string, phrase: string): number[] => db.prepare(`SELECT rowid FROM ${table} WHERE ${table} MATCH ?`).pluck().all(`"${phrase}"`) as number[];
    expect(match('request_search', 'OLD_USER')).toEqual([1]);
    expect(match('message_search', '注销旧号码')).toEqual([1]);
    expect(match('message_search', '已收到')).toEqual([]);
  } finally {
    db.close();
  }
});
