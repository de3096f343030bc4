import Database from 'better-sqlite3';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, polledDataDir, ZH_REQUEST, intake } from '../support/review';

jest.setTimeout(60_000);

/** What an attacker with the database file can do: SQL, guards removed first. */
function tamper(dataDir: string, ...statements: string[]) {
  const db = new Database(join(dataDir, 'cancel-desk.db'));
  db.exec('DROP TRIGGER request_events_are_append_only_update; DROP TRIGGER request_events_are_append_only_delete;');
  for (const statement of statements) db.exec(statement);
  db.close();
}

describe('the event log', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startApp();
    await addStaff(harness, 'alice');
    const [zh] = await intake(harness, ZH_REQUEST, EN_REQUEST);
    harness.app.review.decide(zh, { kind: 'approve', by: 'alice', note: 'checked' });
  });
  afterEach(() => harness.app.close());

  it('is one intact chain of hashes after normal work', () => {
    const verdict = harness.app.audit.verify();
    expect(verdict.intact).toBe(true);
    expect(verdict.logs[0]).toMatchObject({ log: 'request_events', unchained: 0, broken: [] });
    expect(verdict.logs[0].chained).toBeGreaterThan(4);
    expect(harness.app.audit.missingGuards()).toEqual([]);
  });

  it.each([
    ['an edited event', "UPDATE request_events SET detail = '{\"note\":\"not checked\"}' WHERE type = 'approved'", /does not match its hash/],
    ['a removed event', "DELETE FROM request_events WHERE id = 2", /event 2 is missing/],
    ['two events swapped', "UPDATE request_events SET type = CASE id WHEN 1 THEN (SELECT type FROM request_events WHERE id = 2) ELSE (SELECT type FROM request_events WHERE id = 1) END WHERE id IN (1, 2)", /does not match its hash/],
  ])('finds %s', (_, statement, why) => {
    harness.app.close();
    tamper(harness.dataDir, statement);
    return startApp({}, {}, harness.dataDir).then((reopened) => {
      harness = reopened;
      const verdict = harness.app.audit.verify();
      expect(verdict.intact).toBe(false);
      expect(verdict.logs[0].broken.map((broken) => broken.why).join('\n')).toMatch(why);
    });
  });
});

describe('a database whose guards were dropped', () => {
  it('stops every command but audit, which finds the deletion and puts the guards back', async () => {
    const { dataDir, env } = await polledDataDir([ZH_REQUEST]);
    tamper(dataDir, 'DELETE FROM request_events WHERE id = 1');

    const refused = await runCli(['queue', 'list'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/guards are gone.*request_events_are_append_only_update.*cancel-desk audit verify/);

    const verify = await runCli(['audit', 'verify'], { env });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('event 2: does not match its hash');
    expect(verify.stdout).toContain('the event log has been tampered with');

    expect((await runCli(['audit', 'restore-guards'], { env })).code).toBe(0);
    expect((await runCli(['queue', 'list'], { env })).code).toBe(0);
    const db = new Database(join(dataDir, 'cancel-desk.db'));
    expect(() => db.exec('DELETE FROM request_events')).toThrow(/append-only/);
    db.close();
  });
});
