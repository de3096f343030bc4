import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from './database';

export interface ConsoleSession {
  staff: string;
  createdAt: string;
  /** The absolute end; a session unused for the idle time ends earlier. */
  expiresAt: string;
}

/** What a browser holds: the only copy of the token; the database keeps its SHA-256. */
export interface OpenedSession extends ConsoleSession {
  token: string;
}

/**
 * A use is written down only when the last one written is older than this: every page view would
 * otherwise wait on a disk sync. The idle end then comes at most this much early, never late.
 */
const MAX_SEEN_WRITE_INTERVAL_MS = 30_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Staff sign-ins of the web console, kept server-side and looked up by a hash of the cookie's token.
 * A session ends at its absolute lifetime, or earlier once unused for `idleMs`: a console left open
 * on an unattended desk does not stay signed in all day.
 */
export class ConsoleSessions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {}

  open(staff: string, lifetimeMs: number): OpenedSession {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const session = { staff, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + lifetimeMs).toISOString() };
    this.db
      .prepare('INSERT INTO console_sessions (token_hash, staff, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)')
      .run(hashToken(token), session.staff, session.createdAt, session.expiresAt, session.createdAt);
    return { ...session, token };
  }

  /** The live session for a token, now marked as used; null when unknown, expired or idle too long (such a one is removed). */
  find(token: string): ConsoleSession | null {
    const tokenHash = hashToken(token);
    const now = this.clock.now().toISOString();
    const row = this.db.prepare('SELECT staff, created_at, expires_at, last_seen_at FROM console_sessions WHERE token_hash = ?').get(tokenHash) as
      | { staff: string; created_at: string; expires_at: string; last_seen_at: string }
      | undefined;
    if (!row) return null;
    if (row.expires_at <= now || row.last_seen_at <= this.idleSince()) {
      this.db.prepare('DELETE FROM console_sessions WHERE token_hash = ?').run(tokenHash);
      return null;
    }
    if (row.last_seen_at <= this.before(Math.min(MAX_SEEN_WRITE_INTERVAL_MS, this.idleMs / 10))) {
      this.db.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, tokenHash);
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
    return this.db.prepare('DELETE FROM console_sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(this.clock.now().toISOString(), this.idleSince()).changes;
  }

  private idleSince(): string {
    return this.before(this.idleMs);
  }

  private before(ms: number): string {
    return new Date(this.clock.now().getTime() - ms).toISOString();
  }
}
