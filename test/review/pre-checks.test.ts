import type { PreCheck, PreCheckName } from '../../src/review/review-service';
import { startApp, type Harness } from '../support/app-harness';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../support/fixtures';
import { intake } from '../support/review';

let harness: Harness;
beforeEach(async () => {
  harness = await startApp();
});
afterEach(() => harness.app.close());

const HEADER = 'username,email,registration_date,status';
/** Stated in the mail: liuyang_0712, 2019-07-12, from 1827364509@qq.com, DMARC pass, one valid ID photo. */
const COMPLETE = 'zh-qq-gb18030-base64-table';
/** Stated: river.song42, registered "June 2020" (a month only). */
const MONTH_ONLY = 'en-iphone-heic-prose';

interface Case {
  name: string;
  fixture: string;
  directory: string[] | null;
  check: PreCheckName;
  expected: Pick<PreCheck, 'result' | 'detail'>;
}

const cases: Case[] = [
  { name: 'an account found and active', fixture: COMPLETE, directory: ['liuyang_0712,1827364509@qq.com,2019-07-12,active'], check: 'account_found', expected: { result: 'pass', detail: 'found, active' } },
  { name: 'an account found but no longer active', fixture: COMPLETE, directory: ['liuyang_0712,1827364509@qq.com,2019-07-12,suspended'], check: 'account_found', expected: { result: 'warn', detail: 'found, status suspended' } },
  { name: 'a username the directory does not know', fixture: COMPLETE, directory: ['someone_else,1827364509@qq.com,2019-07-12,active'], check: 'account_found', expected: { result: 'fail', detail: 'no such username in the directory' } },
  { name: 'no directory imported', fixture: COMPLETE, directory: null, check: 'account_found', expected: { result: 'unknown', detail: 'no account directory imported' } },
  { name: 'the sender is the account’s email, whatever its case', fixture: COMPLETE, directory: ['LiuYang_0712,1827364509@QQ.com,2019-07-12,active'], check: 'sender_matches_account', expected: { result: 'pass', detail: "matches the account's email" } },
  { name: 'the sender is not the account’s email', fixture: COMPLETE, directory: ['liuyang_0712,liu.yang@163.com,2019-07-12,active'], check: 'sender_matches_account', expected: { result: 'fail', detail: 'differs (directory: liu.yang@163.com)' } },
  { name: 'the exact registration date', fixture: COMPLETE, directory: ['liuyang_0712,1827364509@qq.com,2019-07-12,active'], check: 'registration_date', expected: { result: 'pass', detail: 'exact' } },
  { name: 'a registration date within a month', fixture: COMPLETE, directory: ['liuyang_0712,1827364509@qq.com,2019-08-10,active'], check: 'registration_date', expected: { result: 'warn', detail: 'within a month (directory: 2019-08-10)' } },
  { name: 'a registration date further off', fixture: COMPLETE, directory: ['liuyang_0712,1827364509@qq.com,2018-07-12,active'], check: 'registration_date', expected: { result: 'fail', detail: 'mismatch (directory: 2018-07-12)' } },
  { name: 'a stated month containing the registration day', fixture: MONTH_ONLY, directory: ['river.song42,rsong.writes@icloud.com,2020-06-30,active'], check: 'registration_date', expected: { result: 'pass', detail: 'exact, month only' } },
  { name: 'a stated month a few days off the registration day', fixture: MONTH_ONLY, directory: ['river.song42,rsong.writes@icloud.com,2020-07-20,active'], check: 'registration_date', expected: { result: 'warn', detail: 'within a month, month only (directory: 2020-07-20)' } },
  { name: 'a stated month far off the registration day', fixture: MONTH_ONLY, directory: ['river.song42,rsong.writes@icloud.com,2021-06-15,active'], check: 'registration_date', expected: { result: 'fail', detail: 'mismatch (directory: 2021-06-15)' } },
  { name: 'sender authentication passed', fixture: COMPLETE, directory: null, check: 'sender_authentication', expected: { result: 'pass', detail: 'SPF/DKIM/DMARC pass' } },
  { name: 'sender authentication failed', fixture: 'zh-thunderbird-username-in-subject-forged-auth', directory: null, check: 'sender_authentication', expected: { result: 'fail', detail: 'SPF/DKIM/DMARC fail: the sender may be forged' } },
  { name: 'no sender authentication from our server', fixture: 'zh-oldclient-raw-gbk-subject-lf-only', directory: null, check: 'sender_authentication', expected: { result: 'warn', detail: 'absent: our mail server recorded no result' } },
  { name: 'a valid ID document', fixture: COMPLETE, directory: null, check: 'id_document', expected: { result: 'pass', detail: '1 valid' } },
  { name: 'a valid ID document next to an unusable one', fixture: 'zh-qq-nbsp-in-value-exe-and-pdf', directory: null, check: 'id_document', expected: { result: 'pass', detail: '1 valid, 1 unusable (unsupported_type)' } },
  { name: 'only an ID document that is not what it claims', fixture: 'en-outlook-com-html-only', directory: null, check: 'id_document', expected: { result: 'fail', detail: expect.stringMatching(/^none valid \(/) } },
  { name: 'a JPEG header followed by HTML and an HTML file with %PDF- inside', fixture: 'en-gmail-polyglot-jpeg-header-then-html-and-html-with-pdf-marker', directory: null, check: 'id_document', expected: { result: 'fail', detail: 'none valid (type_mismatch)' } },
  { name: 'no ID document at all', fixture: 'en-forgot-attachment-dmy-date', directory: null, check: 'id_document', expected: { result: 'fail', detail: 'none attached' } },
];

describe.each(cases)('$name', ({ fixture, directory, check, expected }) => {
  it(`${check}: ${expected.result}`, async () => {
    if (directory) expect(harness.app.importAccounts(Buffer.from([HEADER, ...directory].join('\n')))).toMatchObject({ ok: true, rejected: [] });
    const [reference] = await intake(harness, fixture);
    expect(harness.app.review.review(reference)!.checks.find((candidate) => candidate.name === check)).toMatchObject({ name: check, ...expected });
  });
});

it('lists every check for every request, in one order', async () => {
  const [reference] = await intake(harness, COMPLETE);
  expect(harness.app.review.review(reference)!.checks.map((check) => check.name)).toEqual(['account_found', 'sender_matches_account', 'registration_date', 'sender_authentication', 'id_document', 'document_reused', 'other_requests']);
});

it('fails a request whose ID document is byte-identical to one on another sender\'s request', async () => {
  const [first] = await intake(harness, COMPLETE);
  const raw = readFileSync(join(FIXTURES, `${COMPLETE}.eml`), 'latin1')
    .replace(/1827364509@qq\.com/g, 'someone.else@example.org')
    .replace(/Message-ID: <[^>]+>/i, 'Message-ID: <copy@example.org>')
    .replace(/liuyang_0712/g, 'other_user');
  harness.deliverRaw('copy.eml', Buffer.from(raw, 'latin1'));
  await harness.app.drainInbox();
  const copy = harness.app.queue.listRequests().find((request) => request.email === 'someone.else@example.org')!.reference;
  expect(harness.app.review.review(copy)!.checks.find((check) => check.name === 'document_reused')).toMatchObject({ result: 'fail', detail: expect.stringContaining(first) });
  expect(harness.app.review.review(first)!.checks.find((check) => check.name === 'document_reused')).toMatchObject({ result: 'fail', detail: expect.stringContaining(copy) });
  expect(harness.app.review.list({ page: 1, pageSize: 10, check: 'needs_closer_review' }).items.map((item) => item.reference).sort()).toEqual([first, copy].sort());
});

it('warns of another request for the same username, and lists it among the customer\'s other requests', async () => {
  const [first] = await intake(harness, COMPLETE);
  const raw = readFileSync(join(FIXTURES, `${COMPLETE}.eml`), 'latin1').replace(/Message-ID: <[^>]+>/i, 'Message-ID: <again@qq.com>');
  harness.deliverRaw('again.eml', Buffer.from(raw, 'latin1'));
  await harness.app.drainInbox();
  const second = harness.app.queue.listRequests().find((request) => request.reference !== first)!.reference;
  const review = harness.app.review.review(second)!;
  expect(review.checks.find((check) => check.name === 'other_requests')).toMatchObject({ result: 'warn', detail: `also ${first} (pending_review)` });
  expect(review.otherRequests.map((other) => other.reference)).toEqual([first]);
  // The same sender sending the same scan twice is not someone else's document.
  expect(review.checks.find((check) => check.name === 'document_reused')).toMatchObject({ result: 'pass' });
});

it('marks a request for closer review when a check fails, and not for a warning', async () => {
  harness.app.importAccounts(Buffer.from(`${HEADER}\nliuyang_0712,1827364509@qq.com,2019-08-10,active\nriver.song42,rsong.writes@icloud.com,2021-06-15,active\n`));
  const [withinAMonth, mismatch] = await intake(harness, COMPLETE, MONTH_ONLY);
  expect(harness.app.review.review(withinAMonth)!.needsCloserReview).toBe(false);
  expect(harness.app.review.review(mismatch)!.needsCloserReview).toBe(true);
});

it('never approves a request on its own, however clean its checks', async () => {
  harness.app.importAccounts(Buffer.from(`${HEADER}\nliuyang_0712,1827364509@qq.com,2019-07-12,active\n`));
  const [reference] = await intake(harness, COMPLETE);
  expect(harness.app.review.review(reference)).toMatchObject({ needsCloserReview: false, request: { status: 'pending_review' } });
});
