import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDatabase } from '../../src/queue/database';
import { EventLog } from '../../src/queue/event-log';
import { migrations } from '../../src/queue/migrations';
import { ReviewStore, type ListingFilter } from '../../src/queue/review-store';
import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, intake, ZH_REQUEST } from '../support/review';

let harness: Harness;

beforeEach(async () => {
  harness = await startApp();
  await addStaff(harness, 'alice');
});
afterEach(() => harness.app.close());

/** Four complete requests, waiting for staff, through the real intake. */
const pendingRequests = () => intake(harness, ZH_REQUEST, EN_REQUEST, 'zh-thunderbird-username-in-subject-forged-auth', 'en-iphone-heic-prose');

/** What counting the whole queue says, to hold the kept counts against. */
function countedAgain(): Record<string, number> {
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
  try {
    const counts: Record<string, number> = { needs_info: 0, pending_review: 0, approved: 0, closed: 0, rejected: 0 };
    for (const row of db.prepare('SELECT status, count(*) AS n FROM requests GROUP BY status').all() as { status: string; n: number }[]) counts[row.status] = row.n;
    return counts;
  } finally {
    db.close();
  }
}

it('keeps the count per status as requests arrive and are decided, closed and sent back', async () => {
  const [first, second, third, fourth] = await pendingRequests();
  harness.app.review.decide(first, { kind: 'approve', by: 'alice', note: null });
  harness.app.review.decide(first, { kind: 'close', by: 'alice', note: null });
  harness.app.review.decide(second, { kind: 'reject', by: 'alice', reason: 'not the holder' });
  harness.app.review.decide(third, { kind: 'request_info', by: 'alice', message: 'send your ID' });
  harness.app.review.decide(fourth, { kind: 'approve', by: 'alice', note: null });

  expect(harness.app.review.counts()).toEqual({ needs_info: 1, pending_review: 0, approved: 1, closed: 1, rejected: 1 });
  expect(harness.app.review.counts()).toEqual(countedAgain());
});

it('gives an unfiltered or status-only listing the total the counts give', async () => {
  const references = await pendingRequests();
  harness.app.review.decide(references[0], { kind: 'reject', by: 'alice', reason: 'not the holder' });

  expect(harness.app.review.list({ page: 1, pageSize: 1 }).total).toBe(4);
  expect(harness.app.review.list({ status: 'pending_review', page: 1, pageSize: 1 }).total).toBe(3);
  expect(harness.app.review.list({ status: 'approved', page: 1, pageSize: 1 }).total).toBe(0);
});

it('counts the requests assigned to a member, whatever their status', async () => {
  const [first, second] = await pendingRequests();
  harness.app.review.assign(first, 'alice', 'alice');
  harness.app.review.assign(second, 'alice', 'alice');
  harness.app.review.decide(second, { kind: 'reject', by: 'alice', reason: 'not the holder' });

  expect(harness.app.review.assignedCount('alice')).toBe(2);
  expect(harness.app.review.assignedCount('bob')).toBe(0);
});

it('counts the requests a desk held before the counts were kept', () => {
  const path = join(harness.dataDir, 'before-017.db');
  const before = new Database(path);
  for (const migration of migrations.filter((candidate) => candidate.version < 17)) before.exec(migration.sql);
  before.pragma('user_version = 16');
  const insert = before.prepare(`INSERT INTO requests (reference, status, email, sender_name, language, username, problems, sender_authentication, subject, body_text, received_at, updated_at)
    VALUES (?, ?, 'old@example.org', '', 'en', NULL, '[]', 'pass', 's', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
  insert.run('CR-OLD0000001', 'pending_review');
  insert.run('CR-OLD0000002', 'pending_review');
  insert.run('CR-OLD0000003', 'rejected');
  before.close();
  const db = openDatabase(path);
  try {
    expect(db.prepare('SELECT status, n FROM request_counts ORDER BY status').all()).toEqual([
      { status: 'pending_review', n: 2 },
      { status: 'rejected', n: 1 },
    ]);
  } finally {
    db.close();
  }
});

/**
 * Speed is the bench's to measure; what a test can hold is the plan: a page of the queue reads its
 * rows in order from an index, however long the queue, instead of sorting every match first.
 */
it.each([
  ['the whole queue', ''],
  ['one status', 'WHERE requests.status = ?'],
])('reads a page of %s in queue order from an index, sorting nothing', (_what, where) => {
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
  try {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT reference FROM requests ${where} ORDER BY coalesce(requests.due_at, substr(requests.received_at, 1, 10)), requests.received_at, requests.id LIMIT 50`)
      .all(...(where ? ['pending_review'] : [])) as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX requests_in_(queue_)?order/);
    expect(plan.map((step) => step.detail).join('\n')).not.toContain('TEMP B-TREE');
  } finally {
    db.close();
  }
});

it.each([
  ['the whole queue', ''],
  ['one status', 'status = ? AND'],
])("reads the first page of `queue list` for %s along an index in arrival order, sorting nothing", (_what, where) => {
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
  try {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM requests WHERE ${where} (received_at, id) > (?, ?) ORDER BY received_at, id LIMIT 100`)
      .all(...(where ? ['closed'] : []), '', 0) as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX requests_by_(arrival|status)/);
    expect(plan.map((step) => step.detail).join('\n')).not.toContain('TEMP B-TREE');
  } finally {
    db.close();
  }
});

it("gives `queue list` the kept count for the whole queue or one status", async () => {
  const [first] = await pendingRequests();
  harness.app.review.decide(first, { kind: 'reject', by: 'alice', reason: 'not the holder' });

  expect(harness.app.queue.listingCount({}, 2)).toEqual({ count: 4, capped: false });
  expect(harness.app.queue.listingCount({ status: 'pending_review' }, 2)).toEqual({ count: 3, capped: false });
  expect(harness.app.queue.listingCount({ status: 'approved' }, 2)).toEqual({ count: 0, capped: false });
});

it('counts an --unread listing no further than the cap it is given', async () => {
  const references = await pendingRequests();
  harness.app.close();
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'));
  db.prepare("UPDATE requests SET unread_since = '2026-01-01T00:00:00Z' WHERE reference IN (?, ?, ?)").run(...references.slice(0, 3));
  db.close();
  harness = await startApp({}, {}, harness.dataDir);

  expect(harness.app.queue.listingCount({ unread: true }, 10)).toEqual({ count: 3, capped: false });
  expect(harness.app.queue.listingCount({ unread: true }, 2)).toEqual({ count: 2, capped: true });
});

describe('a search over a long queue', () => {
  let seeded: string;

  /**
   * Copies of the four pending requests, 6,000 in all, seeded straight into SQLite as the bench seeds
   * its queues; then a third rejected and due days spread over a week, so that neither the status nor
   * the queue order follows arrival. Seeded once: listing changes nothing a search looks at.
   */
  beforeAll(async () => {
    const seeding = await startApp();
    await intake(seeding, ZH_REQUEST, EN_REQUEST, 'zh-thunderbird-username-in-subject-forged-auth', 'en-iphone-heic-prose');
    seeding.app.close();
    const { seedRequests } = require('../../bench/seed-requests') as { seedRequests: (file: string, size: number) => { db: Database.Database } };
    const { db } = seedRequests(join(seeding.dataDir, 'cancel-desk.db'), 6000);
    db.exec(`UPDATE requests SET status = 'rejected' WHERE id % 3 = 0;
      UPDATE requests SET due_at = date('2026-12-08', '-' || (id * 7919 % 7) || ' days')`);
    db.close();
    seeded = seeding.dataDir;
  }, 60_000);

  beforeEach(async () => {
    harness.app.close();
    harness = await startApp({}, {}, seeded);
  });

  /** What reading every row says matches, in queue order: the short fields always, the customer's mails from three characters. */
  function matchingInQueueOrder(search: string, status?: string): string[] {
    const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
    try {
      const inMails = [...search].length >= 3 ? `id IN (SELECT request_id FROM request_messages WHERE direction = 'in' AND instr(lower(text), lower(@search))) OR` : '';
      return db
        .prepare(
          `SELECT reference FROM requests
           WHERE (${inMails} instr(lower(reference), lower(@search)) OR instr(lower(email), lower(@search)) OR instr(lower(sender_name), lower(@search)) OR instr(lower(coalesce(username, '')), lower(@search)))
             ${status ? 'AND status = @status' : ''}
           ORDER BY coalesce(due_at, substr(received_at, 1, 10)), received_at, id`,
        )
        .pluck()
        .all({ search, ...(status ? { status } : {}) }) as string[];
    } finally {
      db.close();
    }
  }

  /** The plan of every statement the listing prepares for this filter, read through the desk's own store. */
  function plansOf(filter: ListingFilter, parameters: Record<string, unknown>): string[] {
    const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
    try {
      const prepared: string[] = [];
      const prepare = db.prepare.bind(db);
      jest.spyOn(db, 'prepare').mockImplementation((sql: string) => {
        prepared.push(sql);
        return prepare(sql);
      });
      new ReviewStore(db, new EventLog(db, harness.clock)).page(filter, 0, 50);
      return prepared.map((sql) => (prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ...parameters, limit: 50, offset: 0 }) as { detail: string }[]).map((step) => step.detail).join('\n'));
    } finally {
      db.close();
    }
  }

  it('pages a search that matches many requests in the same queue order as one that matches few', () => {
    const sorted = matchingInQueueOrder('close');
    expect(sorted.length).toBeGreaterThan(1000);

    const second = harness.app.review.list({ search: 'close', page: 2, pageSize: 50 });

    expect(second.total).toBe(sorted.length);
    expect(second.totalCapped).toBe(false);
    expect(second.items.map((item) => item.reference)).toEqual(sorted.slice(50, 100));
  });

  it('counts a search that matches many requests within one status, and lists nothing past its last page', () => {
    const sorted = matchingInQueueOrder('close', 'pending_review');
    const lastPage = Math.ceil(sorted.length / 50);

    const last = harness.app.review.list({ status: 'pending_review', search: 'close', page: lastPage, pageSize: 50 });
    const past = harness.app.review.list({ status: 'pending_review', search: 'close', page: lastPage + 1, pageSize: 50 });

    expect(last.total).toBe(sorted.length);
    expect(last.items.map((item) => item.reference)).toEqual(sorted.slice((lastPage - 1) * 50));
    expect(past.total).toBe(sorted.length);
    expect(past.items).toEqual([]);
  });

  it('finds the few requests of a longer search within one status, in queue order, and counts them all', () => {
    const sorted = matchingInQueueOrder('liuyang_0712.c1', 'pending_review');
    expect(sorted.length).toBeGreaterThan(60);
    expect(sorted.length).toBeLessThan(1000);

    const listing = harness.app.review.list({ status: 'pending_review', search: 'liuyang_0712.c1', page: 2, pageSize: 30 });

    expect(listing.total).toBe(sorted.length);
    expect(listing.totalCapped).toBe(false);
    expect(listing.items.map((item) => item.reference)).toEqual(sorted.slice(30, 60));
  });

  it('counts a one- or two-character search with more than 1,000 matches only to 1,000, and pages on past them in queue order', () => {
    const sorted = matchingInQueueOrder('.C', 'pending_review');
    expect(sorted.length).toBeGreaterThan(1100);

    const second = harness.app.review.list({ status: 'pending_review', search: '.C', page: 2, pageSize: 50 });
    const past = harness.app.review.list({ status: 'pending_review', search: '.C', page: 22, pageSize: 50 });

    expect(second.total).toBe(1000);
    expect(second.totalCapped).toBe(true);
    expect(second.items.map((item) => item.reference)).toEqual(sorted.slice(50, 100));
    expect(past.items.map((item) => item.reference)).toEqual(sorted.slice(1050, 1100));
  });

  it('counts a one- or two-character search with at most 1,000 matches exactly, in queue order', () => {
    // The copies' addresses start `c<number>.`: c7, c70 to c79, c700 to c799.
    const sorted = matchingInQueueOrder('C7', 'pending_review');
    expect(sorted.length).toBeGreaterThan(50);
    expect(sorted.length).toBeLessThanOrEqual(1000);

    const listing = harness.app.review.list({ status: 'pending_review', search: 'C7', page: 2, pageSize: 50 });

    expect(listing.total).toBe(sorted.length);
    expect(listing.totalCapped).toBe(false);
    expect(listing.items.map((item) => item.reference)).toEqual(sorted.slice(50, 100));
  });

  /** Left to itself SQLite would test every request of the status against the matches. */
  it('reads the few matches of a search by their ids, not every request of the status', () => {
    const plans = plansOf({ status: 'pending_review', search: 'liuyang_0712.c1' }, { status: 'pending_review', phrase: '"liuyang_0712.c1"', matches: '[]' });

    // Each index read once, up to 1,001 matches; the count and the page start from the matches gathered.
    expect(plans.join('\n').match(/SCAN (request|message)_search VIRTUAL TABLE/g)).toEqual(['SCAN request_search VIRTUAL TABLE', 'SCAN message_search VIRTUAL TABLE']);
    expect(plans.at(-1)).toMatch(/SCAN matched VIRTUAL TABLE[^]*SEARCH requests USING INTEGER PRIMARY KEY/);
    expect(plans.join('\n')).not.toMatch(/requests_in_queue_order \(status=\?\)/);
  });

  it('gathers the matches of a search that matches many requests once for its count and its page', () => {
    const plans = plansOf({ status: 'pending_review', search: 'close' }, { status: 'pending_review', phrase: '"close"', matches: '[]' });

    // Once to tell few from many (it stops at 1,001), once for the count and the page together.
    expect(plans.join('\n').match(/SCAN request_search VIRTUAL TABLE/g)).toHaveLength(2);
    expect(plans.join('\n').match(/SCAN message_search VIRTUAL TABLE/g)).toHaveLength(2);
    expect(plans.at(-1)).toMatch(/MATERIALIZE matched/);
    expect(plans.at(-1)).toMatch(/SEARCH requests USING INDEX requests_in_queue_order \(status=\?\)/);
  });

  it('gathers a short search from the narrow index of the short fields and pages many matches along the queue order, sorting nothing', () => {
    const plans = plansOf({ status: 'pending_review', search: '.C' }, { status: 'pending_review', pattern: '%.C%' });

    expect(plans[0]).toMatch(/SCAN requests USING INDEX requests_short_fields/);
    expect(plans.at(-1)).toMatch(/SEARCH requests USING INDEX requests_in_queue_order \(status=\?\)/);
    expect(plans.at(-1)).not.toContain('TEMP B-TREE');
  });
});
