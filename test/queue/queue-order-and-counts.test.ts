import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDatabase } from '../../src/queue/database';
import { migrations } from '../../src/queue/migrations';
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

it('pages a search that matches many requests in the same queue order as one that matches few', async () => {
  await pendingRequests();
  harness.app.close();
  // Copies of these four, 6,000 in all, seeded straight into SQLite as the bench seeds its queues.
  const { seedRequests } = require('../../bench/seed-requests') as { seedRequests: (file: string, size: number) => { db: Database.Database } };
  seedRequests(join(harness.dataDir, 'cancel-desk.db'), 6000).db.close();
  harness = await startApp({}, {}, harness.dataDir);
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
  const sorted = db
    .prepare(
      `SELECT reference FROM requests WHERE id IN (SELECT request_id FROM request_messages WHERE direction = 'in' AND instr(lower(text), 'close')
         UNION SELECT id FROM requests WHERE instr(lower(username), 'close') OR instr(lower(email), 'close') OR instr(lower(sender_name), 'close'))
       ORDER BY coalesce(due_at, substr(received_at, 1, 10)), received_at, id`,
    )
    .pluck()
    .all() as string[];
  db.close();
  expect(sorted.length).toBeGreaterThan(1000);

  const second = harness.app.review.list({ search: 'close', page: 2, pageSize: 50 });

  expect(second.total).toBe(sorted.length);
  expect(second.items.map((item) => item.reference)).toEqual(sorted.slice(50, 100));
});
