import { openDatabase } from '../../src/queue/database';
import { ConsoleSessions } from '../../src/queue/sessions';
import { FakeClock } from '../support/fake-clock';

const IDLE_MS = 30 * 60_000;

function sessionsAt(clock: FakeClock) {
  const db = openDatabase(':memory:');
  const sessions = new ConsoleSessions(db, clock, IDLE_MS);
  const lastSeen = (token: string) => {
    sessions.find(token);
    return (db.prepare('SELECT last_seen_at FROM console_sessions').pluck().get() as string).slice(11, 19);
  };
  return { sessions, lastSeen };
}

it('writes a use down at most every 30 seconds, so a page view seldom waits on a disk sync', () => {
  const clock = new FakeClock('2026-11-27T09:00:00Z');
  const { sessions, lastSeen } = sessionsAt(clock);
  const { token } = sessions.open('alice', 12 * 3_600_000);
  clock.advance(10_000);
  expect(lastSeen(token)).toBe('09:00:00');
  clock.advance(20_000);
  expect(lastSeen(token)).toBe('09:00:30');
  clock.advance(29_000);
  expect(lastSeen(token)).toBe('09:00:30');
});

it('ends a session unused for the idle time at most 30 seconds early, never late', () => {
  const clock = new FakeClock('2026-11-27T09:00:00Z');
  const { sessions } = sessionsAt(clock);
  const { token } = sessions.open('alice', 12 * 3_600_000);
  clock.advance(29_000);
  expect(sessions.find(token)).not.toBeNull();
  clock.advance(IDLE_MS - 29_000);
  expect(sessions.find(token)).toBeNull();
});
