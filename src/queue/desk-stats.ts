import type { Db } from './database';
import { REQUEST_STATUSES, type RequestStatus } from './request-status';

/** The desk's state at one moment, for `/metrics`. */
export interface DeskStats {
  requestsByStatus: Record<RequestStatus, number>;
  openTriageItems: number;
  /** Outgoing mail not yet accepted by the server, retries included. */
  outboxDepth: number;
  /** When the longest-waiting request still waiting for staff came in; null when none waits. */
  oldestPendingReceivedAt: string | null;
  /** Requests waiting for staff whose due day is before `today`. */
  overdue: number;
}

/** Read-only SQL for the metrics endpoint: one pass over requests, one count each for triage and outbox. */
export class DeskStatsReader {
  constructor(private readonly db: Db) {}

  /** `today`: the calendar day (YYYY-MM-DD) in TIME_ZONE, the same kind of day as `due_at`. */
  read(today: string): DeskStats {
    const rows = this.db
      .prepare(
        `SELECT status, count(*) AS total, min(received_at) AS oldest, coalesce(sum(due_at IS NOT NULL AND due_at < ?), 0) AS overdue
           FROM requests GROUP BY status`,
      )
      .all(today) as { status: RequestStatus; total: number; oldest: string; overdue: number }[];
    const requestsByStatus = Object.fromEntries(REQUEST_STATUSES.map((status) => [status, 0])) as Record<RequestStatus, number>;
    for (const row of rows) requestsByStatus[row.status] = row.total;
    const pending = rows.find((row) => row.status === 'pending_review');
    return {
      requestsByStatus,
      openTriageItems: this.db.prepare(`SELECT count(*) FROM triage_items WHERE status = 'open'`).pluck().get() as number,
      outboxDepth: this.db.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck().get() as number,
      oldestPendingReceivedAt: pending?.oldest ?? null,
      overdue: pending?.overdue ?? 0,
    };
  }

  /**
   * Whether a write could commit now: takes and releases the write lock without changing anything.
   * Fails on a read-only file or folder, a full disk's journal, or a lock held past the busy timeout.
   */
  writable(): boolean {
    try {
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK');
      return true;
    } catch {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      return false;
    }
  }
}
