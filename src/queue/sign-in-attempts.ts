import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { SignInPolicy } from '../config';
import type { Db } from './database';

/** A name as the throttle and the log know it: what was typed may be a mistyped password, so it is never kept. */
export function nameHash(name: string): string {
  return createHash('sha256').update(name.trim().toLowerCase(), 'utf8').digest('hex').slice(0, 16);
}

/** Past this the waits stop doubling, and a subject quiet this long is forgotten. */
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

interface Count {
  failures: number;
  lastAt: number;
}

/** How long after its last attempt a subject with this many failures may try again: nothing under the limit, then doubling. */
export function waitAfter(failures: number, allowed: number, firstWaitMs: number): number {
  if (failures < allowed) return 0;
  return Math.min(firstWaitMs * 2 ** Math.min(failures - allowed, 20), LONGEST_WAIT_MS);
}

/**
 * Failures under the limit are forgotten after one first-wait without any; past the limit, only after
 * the longest wait, so that waiting out one lock does not buy a fresh set of guesses.
 */
function current(count: Count | undefined, allowed: number, firstWaitMs: number, now: number): Count {
  if (!count) return { failures: 0, lastAt: now };
  const memory = count.failures < allowed ? firstWaitMs : LONGEST_WAIT_MS;
  return now - count.lastAt >= memory ? { failures: 0, lastAt: now } : count;
}

export type Reservation =
  | { allowed: true; attempt: SignInAttempt; nameSlowed: boolean }
  /** `who`: whose failures make this attempt wait, this name from this address, or this address. */
  | { allowed: false; retryAt: Date; who: 'name_from_address' | 'address' };

export interface SignInAttempt {
  readonly nameHash: string;
  readonly address: string;
}

/**
 * Sign-in throttling. Every attempt is counted as a failure *before* its password is checked, in one
 * immediate transaction, so a burst of simultaneous attempts gets no more checks than the limit; a
 * correct password then takes its own count back.
 *
 * Three counts: a name from one address (the limit, then waits that double), an address whatever the
 * names (the same, with a higher limit), and a name from everywhere. The last never refuses by itself:
 * anyone could then lock anyone out. Past its limit the name is slowed instead: each address gets a
 * single failure for it before waiting, while a first attempt from an address with no failures, like
 * the rightful owner's, is always checked.
 */
export class SignInAttempts {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: SignInPolicy,
  ) {}

  reserve(name: string, address: string): Reservation {
    const hash = nameHash(name);
    const subjects = { pair: `pair:${hash}:${address}`, address: `address:${address}`, name: `name:${hash}` };
    return this.db.transaction((): Reservation => {
      const now = this.clock.now().getTime();
      const { maxFailures, lockMs, addressMaxFailures, nameMaxFailures } = this.policy;
      const named = current(this.read(subjects.name), nameMaxFailures, lockMs, now);
      const nameSlowed = named.failures >= nameMaxFailures;
      const pairAllowed = nameSlowed ? Math.min(1, maxFailures) : maxFailures;
      const pair = current(this.read(subjects.pair), pairAllowed, lockMs, now);
      const fromAddress = current(this.read(subjects.address), addressMaxFailures, lockMs, now);

      const pairReady = pair.lastAt + waitAfter(pair.failures, pairAllowed, lockMs);
      const addressReady = fromAddress.lastAt + waitAfter(fromAddress.failures, addressMaxFailures, lockMs);
      if (pairReady > now || addressReady > now) {
        return pairReady >= addressReady ? { allowed: false, retryAt: new Date(pairReady), who: 'name_from_address' } : { allowed: false, retryAt: new Date(addressReady), who: 'address' };
      }
      this.write(subjects.pair, pair.failures + 1, now);
      this.write(subjects.address, fromAddress.failures + 1, now);
      this.write(subjects.name, named.failures + 1, now);
      return { allowed: true, attempt: { nameHash: hash, address }, nameSlowed };
    }).immediate();
  }

  /** The password was right: this address's failures for the name are forgotten, and the attempt is taken back from the other counts. */
  succeeded(attempt: SignInAttempt): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM console_signin_counts WHERE subject = ?').run(`pair:${attempt.nameHash}:${attempt.address}`);
      this.db
        .prepare('UPDATE console_signin_counts SET failures = max(0, failures - 1) WHERE subject IN (?, ?)')
        .run(`address:${attempt.address}`, `name:${attempt.nameHash}`);
    }).immediate();
  }

  /** Counts nobody would consult any more. */
  removeForgotten(): number {
    const before = new Date(this.clock.now().getTime() - LONGEST_WAIT_MS).toISOString();
    return this.db.prepare('DELETE FROM console_signin_counts WHERE last_at <= ?').run(before).changes;
  }

  private read(subject: string): Count | undefined {
    const row = this.db.prepare('SELECT failures, last_at FROM console_signin_counts WHERE subject = ?').get(subject) as { failures: number; last_at: string } | undefined;
    return row ? { failures: row.failures, lastAt: Date.parse(row.last_at) } : undefined;
  }

  private write(subject: string, failures: number, at: number): void {
    this.db
      .prepare('INSERT INTO console_signin_counts (subject, failures, last_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at')
      .run(subject, failures, new Date(at).toISOString());
  }
}
