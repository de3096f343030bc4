import { createHash } from 'node:crypto';
import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, INCOMPLETE_REQUEST, intake, ZH_REQUEST } from '../support/review';

const FORGED = 'zh-thunderbird-username-in-subject-forged-auth';
const MONTH_ONLY = 'en-iphone-heic-prose';

let harness: Harness;
let zh: string, en: string, incomplete: string, forged: string, monthOnly: string;

beforeAll(async () => {
  harness = await startApp();
  await addStaff(harness, 'alice');
  [zh, en, incomplete, forged, monthOnly] = await intake(harness, ZH_REQUEST, EN_REQUEST, INCOMPLETE_REQUEST, FORGED, MONTH_ONLY);
  harness.app.review.decide(en, { kind: 'approve', by: 'alice', note: null });
});
afterAll(() => harness.app.close());

const everything = { page: 1, pageSize: 50 };
const references = (filter: Parameters<Harness['app']['review']['list']>[0]) => harness.app.review.list(filter).items.map((item) => item.reference);

describe('the queue listing', () => {
  it('lists every request oldest first, with the counts per status', () => {
    const listing = harness.app.review.list(everything);
    expect(listing.items.map((item) => item.reference)).toEqual([zh, en, incomplete, forged, monthOnly]);
    expect(listing.total).toBe(5);
    expect(listing.counts).toEqual({ needs_info: 1, pending_review: 3, approved: 1, closed: 0, rejected: 0 });
  });

  it('summarises each request with what the queue page shows', () => {
    expect(harness.app.review.list(everything).items[0]).toEqual({
      reference: zh,
      status: 'pending_review',
      email: '1827364509@qq.com',
      username: 'liuyang_0712',
      receivedAt: '2026-11-27T09:00:00.000Z',
      unreadSince: null,
      dueDate: '2026-12-02',
      assignedTo: null,
      needsCloserReview: false,
      checkState: 'open',
      checkCounts: { pass: 4, warn: 0, fail: 0, unknown: 3 },
    });
  });

  it('filters by status, keeping the counts of the whole queue', () => {
    const listing = harness.app.review.list({ ...everything, status: 'pending_review' });
    expect(listing.items.map((item) => item.reference)).toEqual([zh, forged, monthOnly]);
    expect(listing.counts.approved).toBe(1);
  });

  it('filters by check result: a failed check, or every check passed', () => {
    expect(references({ ...everything, check: 'needs_closer_review' })).toEqual([incomplete, forged]);
    // Without an account directory the account checks are unknown: nothing is clear.
    expect(references({ ...everything, check: 'clear' })).toEqual([]);
  });

  it('says how many checks are open when none failed, and "clear" only when all passed', () => {
    expect(harness.app.review.list(everything).items[0]).toMatchObject({ reference: zh, checkState: 'open', checkCounts: { pass: 4, warn: 0, fail: 0, unknown: 3 } });
    harness.app.importAccounts(Buffer.from('username,email,registration_date,status\nliuyang_0712,1827364509@qq.com,2019-07-12,active\n'));
    expect(harness.app.review.list(everything).items[0]).toMatchObject({ reference: zh, checkState: 'clear', checkCounts: { pass: 7, warn: 0, fail: 0, unknown: 0 } });
    expect(references({ ...everything, check: 'clear' })).toEqual([zh]);
  });

  it('searches references, emails and usernames, ignoring case', () => {
    expect(references({ ...everything, search: zh.slice(3, 9).toLowerCase() })).toEqual([zh]);
    expect(references({ ...everything, search: 'ICLOUD.com' })).toEqual([monthOnly]);
    expect(references({ ...everything, search: 'song42' })).toEqual([monthOnly]);
    expect(references({ ...everything, search: '  ' })).toHaveLength(5);
  });

  it('combines a filter, a search and a page', () => {
    const listing = harness.app.review.list({ status: 'pending_review', search: '.com', page: 2, pageSize: 1 });
    expect(listing.items.map((item) => item.reference)).toEqual([forged]);
    expect(listing.total).toBe(3);
  });

  it('pages through the queue', () => {
    expect(references({ page: 2, pageSize: 2 })).toEqual([incomplete, forged]);
    expect(references({ page: 3, pageSize: 2 })).toEqual([monthOnly]);
    expect(references({ page: 4, pageSize: 2 })).toEqual([]);
  });
});

describe('one request under review', () => {
  it('shows the original mail’s text', () => {
    expect(harness.app.review.review(monthOnly)!.bodyText).toContain('river.song42');
  });

  it('is absent for an unknown reference', () => {
    expect(harness.app.review.review('CR-NOSUCHREF2')).toBeNull();
  });
});

describe('opening an ID document', () => {
  it('decrypts it and records who looked at it, through which face, never its bytes', async () => {
    const opened = (await harness.app.review.openDocument(zh, 1, 'alice', 'web'))!;
    expect(createHash('sha256').update(opened.content).digest('hex')).toBe(opened.document.sha256);
    const events = harness.app.queue.findRequest(zh)!.events;
    expect(events.at(-1)).toEqual({
      at: harness.clock.now().toISOString(),
      actor: 'alice',
      type: 'document_viewed',
      detail: { via: 'web', position: 1, filename: opened.document.filename },
    });
  });

  it('returns nothing and records nothing for a document that is not there', async () => {
    const before = harness.app.queue.findRequest(zh)!.events.length;
    expect(await harness.app.review.openDocument(zh, 9, 'alice', 'cli')).toBeNull();
    expect(await harness.app.review.openDocument('CR-NOSUCHREF2', 1, 'alice', 'cli')).toBeNull();
    expect(harness.app.queue.findRequest(zh)!.events).toHaveLength(before);
  });
});
