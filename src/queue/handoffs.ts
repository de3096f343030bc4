import type { Clock } from '../clock';
import type { Db } from './database';
import type { EventLog } from './event-log';
import { LeasedRows, UNCLAIMED } from './leases';
import type { RequestQueue } from './request-queue';

/** What the account system is told about an approved request (the webhook body, and an export row). */
export interface ApprovedRequest {
  reference: string;
  username: string | null;
  email: string;
  decidedBy: string;
  decidedAt: string;
}

export interface HandoffState {
  state: 'pending' | 'delivered';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface DueHandoff {
  id: number;
  reference: string;
  /** Exactly the bytes to send and sign, frozen at approval. */
  body: string;
  attempts: number;
}

interface HandoffRow {
  id: number;
  request_id: number;
  body: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_at: string | null;
}

/** All SQL about hand-offs of approved requests to the account system: an outbox of its own. */
export class HandoffStore {
  private readonly leases: LeasedRows;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly events: EventLog,
    private readonly queue: RequestQueue,
  ) {
    this.leases = new LeasedRows(db, clock, 'account_handoffs', 'delivered_at');
  }

  /** Joins the caller's transaction: an approval and its hand-off commit together or not at all. */
  create(requestId: number, approved: ApprovedRequest): void {
    this.db
      .prepare('INSERT INTO account_handoffs (request_id, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?)')
      .run(requestId, JSON.stringify(approved), this.now(), this.now());
  }

  /** Up to `limit` of the oldest due hand-offs nobody else is posting, leased to this process. */
  claimDue(limit: number): DueHandoff[] {
    return this.leases.claim(
      (now) =>
        this.db
          .prepare(
            `SELECT account_handoffs.id, requests.reference, account_handoffs.body, account_handoffs.attempts
             FROM account_handoffs JOIN requests ON requests.id = account_handoffs.request_id
             WHERE delivered_at IS NULL AND next_attempt_at <= @now AND ${UNCLAIMED} ORDER BY next_attempt_at, account_handoffs.id LIMIT @limit`,
          )
          .all({ now, limit }) as DueHandoff[],
    );
  }

  /** Gives back hand-offs claimed by `claimDue` and not attempted. */
  release(handoffs: DueHandoff[]): void {
    this.leases.release(handoffs.map((handoff) => handoff.id));
  }

  /** Recorded once, by the first to finish, should a lease have run out under a hung post. */
  markDelivered(handoff: DueHandoff): void {
    this.db.transaction(() => {
      const { changes } = this.db
        .prepare('UPDATE account_handoffs SET delivered_at = ?, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE id = ? AND delivered_at IS NULL')
        .run(this.now(), handoff.id);
      if (changes === 0) return;
      const { request_id } = this.db.prepare('SELECT request_id FROM account_handoffs WHERE id = ?').get(handoff.id) as { request_id: number };
      this.events.append({ requestId: request_id }, 'system', 'account_handoff_delivered', { attempts: handoff.attempts + 1 });
      // The account system answered 2xx: it has closed the account, and only now is the customer told so.
      this.queue.closeApproved(request_id, 'account-system', 'account_system');
    })();
  }

  markFailed(handoff: DueHandoff, error: string, retryAt: Date): void {
    this.db
      .prepare('UPDATE account_handoffs SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ? AND claimed_by = ? AND delivered_at IS NULL')
      .run(error.slice(0, 500), retryAt.toISOString(), handoff.id, this.leases.holder);
  }

  /** Null when the request was never handed off (not approved, or approved without a webhook). */
  of(reference: string): HandoffState | null {
    const row = this.db
      .prepare('SELECT account_handoffs.* FROM account_handoffs JOIN requests ON requests.id = account_handoffs.request_id WHERE requests.reference = ?')
      .get(reference) as HandoffRow | undefined;
    if (!row) return null;
    return {
      state: row.delivered_at === null ? 'pending' : 'delivered',
      attempts: row.attempts,
      lastError: row.last_error,
      nextAttemptAt: row.delivered_at === null ? row.next_attempt_at : null,
      deliveredAt: row.delivered_at,
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
