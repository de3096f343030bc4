import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from './database';

export interface ConsoleSession {
  staff: string;
  createdAt: string;
  expiresAt: string;
}

/** What a browser holds: the only copy of the token; the database keeps its SHA-256. */
export interface OpenedSession extends ConsoleSession {
  token: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Staff sign-ins of the web console, kept server-side and looked up by a hash of the cookie's token. */
export class ConsoleSessions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  open(staff: string, lifetimeMs: number): OpenedSession {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const session = { staff, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + lifetimeMs).toISOString() };
    this.db
      .prepare('INSERT INTO console_sessions (token_hash, staff, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(hashToken(token), session.staff, session.createdAt, session.expiresAt);
    return { ...session, token };
  }

  /** The live session for a token; null when unknown or expired (an expired one is removed). */
  find(token: string): ConsoleSession | null {
    const tokenHash = hashToken(token);
    const row = this.db.prepare('SELECT staff, created_at, expires_at FROM console_sessions WHERE token_hash = ?').get(tokenHash) as
      | { staff: string; created_at: string; expires_at: string }
      | undefined;
    if (!row) return null;
    if (row.expires_at <= this.clock.now().toISOString()) {
      this.db.prepare('DELETE FROM console_sessions WHERE token_hash = ?').run(tokenHash);
      return null;
    }
    return { staff: row.staff, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  close(token: string): void {
    this.db.prepare('DELETE FROM console_sessions WHERE token_hash = ?').run(hashToken(token));
  }

  /** Signs a staff member out everywhere (used when the account is disabled). */
  closeAllOf(staff: string): number {
    return this.db.prepare('DELETE FROM console_sessions WHERE staff = ?').run(staff).changes;
  }

  removeExpired(): number {
    return this.db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?').run(this.clock.now().toISOString()).changes;
  }
}

export interface ThrottlePolicy {
  /** This many failures for one subject within `windowMs` lock it. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/**
 * Sign-in throttling by subject: a staff name (`user:…`, case-folded) and a client address (`ip:…`).
 * Failures are counted in a sliding window; reaching the limit locks the subject and starts a fresh
 * count once the lock ends. Attempts while locked are refused before any password check and not counted.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: ThrottlePolicy,
  ) {}

  static subjects(name: string, address: string): string[] {
    return [`user:${name.trim().toLowerCase()}`, `ip:${address}`];
  }

  /** The latest end of a lock on any of the subjects, or null when none is locked now. */
  lockedUntil(subjects: string[]): Date | null {
    const now = this.clock.now().toISOString();
    const select = this.db.prepare('SELECT locked_until FROM console_signin_locks WHERE subject = ? AND locked_until > ?');
    let latest: string | null = null;
    for (const subject of subjects) {
      const row = select.get(subject, now) as { locked_until: string } | undefined;
      if (row && (latest === null || row.locked_until > latest)) latest = row.locked_until;
    }
    return latest === null ? null : new Date(latest);
  }

  /** Records one failure for each subject; returns the lock's end when this failure locked one. */
  recordFailure(subjects: string[]): Date | null {
    return this.db.transaction((): Date | null => {
      const now = this.clock.now();
      const windowStart = new Date(now.getTime() - this.policy.windowMs).toISOString();
      const lockedUntil = new Date(now.getTime() + this.policy.lockMs);
      let locked: Date | null = null;
      this.db.prepare('DELETE FROM console_signin_failures WHERE at <= ?').run(windowStart);
      this.db.prepare('DELETE FROM console_signin_locks WHERE locked_until <= ?').run(now.toISOString());
      for (const subject of subjects) {
        this.db.prepare('INSERT INTO console_signin_failures (subject, at) VALUES (?, ?)').run(subject, now.toISOString());
        const { n } = this.db.prepare('SELECT count(*) AS n FROM console_signin_failures WHERE subject = ? AND at > ?').get(subject, windowStart) as { n: number };
        if (n >= this.policy.maxFailures) {
          this.db
            .prepare('INSERT INTO console_signin_locks (subject, locked_until) VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET locked_until = excluded.locked_until')
            .run(subject, lockedUntil.toISOString());
          this.db.prepare('DELETE FROM console_signin_failures WHERE subject = ?').run(subject);
          locked = lockedUntil;
        }
      }
      return locked;
    })();
  }

  /** A successful sign-in forgets that name's failures (never the address's: one good account must not unlock guessing at others). */
  recordSuccess(name: string): void {
    this.db.prepare('DELETE FROM console_signin_failures WHERE subject = ?').run(SignInThrottle.subjects(name, '')[0]);
  }
}
