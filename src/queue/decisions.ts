import type { Clock } from '../clock';
import type { Db } from './database';
import type { ApprovedRequest, HandoffStore } from './handoffs';
import type { EventLog } from './event-log';
import type { MailPurpose } from './outbox-store';
import type { RequestQueue } from './request-queue';
import { DECIDABLE_STATUS, type RequestStatus } from './request-status';
import type { StaffStore } from './staff';

/** One staff decision as the queue applies it: the new status, its event, its mail, and maybe a hand-off. */
export interface DecisionChange {
  reference: string;
  by: string;
  to: Exclude<RequestStatus, 'pending_review'>;
  event: { type: string; detail: Record<string, unknown> };
  mail: { purpose: MailPurpose; note: string | null };
  /** The version the decider saw; without one, the version read in the transaction. */
  expectedVersion?: number;
  handOff: boolean;
}

/** Where a request stands, told to a decider who lost the race or came too late. */
export interface DecisionState {
  status: RequestStatus;
  version: number;
  decidedBy: string | null;
  decidedAt: string | null;
}

export type DecisionResult =
  | { ok: true; decidedBy: string }
  | { ok: false; conflict: 'unknown_staff' | 'not_found' }
  | { ok: false; conflict: 'changed' | 'not_decidable'; current: DecisionState };

interface DecidingRow {
  id: number;
  status: RequestStatus;
  version: number;
  decided_by: string | null;
  decided_at: string | null;
  username: string | null;
  email: string;
  message_id: string | null;
}

/** All SQL about decisions: each one is a single transaction, whoever else decides at the same moment. */
export class DecisionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly queue: RequestQueue,
    private readonly events: EventLog,
    private readonly staff: StaffStore,
    private readonly handoffs: HandoffStore,
  ) {}

  apply(change: DecisionChange): DecisionResult {
    // IMMEDIATE takes the write lock before reading, so a second decider waits and then reads the first one's outcome.
    return this.db.transaction((): DecisionResult => {
      const by = this.staff.enabledName(change.by);
      if (by === null) return { ok: false, conflict: 'unknown_staff' };
      const row = this.db
        .prepare('SELECT id, status, version, decided_by, decided_at, username, email, message_id FROM requests WHERE reference = ?')
        .get(change.reference) as DecidingRow | undefined;
      if (!row) return { ok: false, conflict: 'not_found' };
      const version = change.expectedVersion ?? row.version;
      const now = this.clock.now().toISOString();
      const { changes } = this.db
        .prepare('UPDATE requests SET status = ?, decided_by = ?, decided_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = ?')
        .run(change.to, by, now, now, row.id, version, DECIDABLE_STATUS);
      if (changes === 0) {
        const current = { status: row.status, version: row.version, decidedBy: row.decided_by, decidedAt: row.decided_at };
        return { ok: false, conflict: row.version === version ? 'not_decidable' : 'changed', current };
      }
      this.events.append({ requestId: row.id }, by, change.event.type, change.event.detail);
      this.queue.enqueueMail(row.id, change.mail.purpose, row.message_id, this.queue.threadOf(row.id), change.mail.note);
      if (change.handOff) this.handoffs.create(row.id, { reference: change.reference, username: row.username, email: row.email, decidedBy: by, decidedAt: now });
      return { ok: true, decidedBy: by };
    }).immediate();
  }

  /** Staff record that the account system closed an approved account (it has no webhook, or confirmed by other means). */
  close(reference: string, byName: string, via: 'staff' | 'export', note: string | null, expectedVersion?: number): DecisionResult {
    return this.db.transaction((): DecisionResult => {
      const by = this.staff.enabledName(byName);
      if (by === null) return { ok: false, conflict: 'unknown_staff' };
      const row = this.db.prepare('SELECT id, status, version, decided_by, decided_at FROM requests WHERE reference = ?').get(reference) as DecidingRow | undefined;
      if (!row) return { ok: false, conflict: 'not_found' };
      const current = { status: row.status, version: row.version, decidedBy: row.decided_by, decidedAt: row.decided_at };
      if (expectedVersion !== undefined && expectedVersion !== row.version) return { ok: false, conflict: 'changed', current };
      if (!this.queue.closeApproved(row.id, by, via, note)) return { ok: false, conflict: 'not_decidable', current };
      return { ok: true, decidedBy: by };
    }).immediate();
  }

  /** Every approved request, in the order they were approved. */
  approved(): ApprovedRequest[] {
    return this.db
      .prepare(
        `SELECT reference, username, email, decided_by AS decidedBy, decided_at AS decidedAt
         FROM requests WHERE status = 'approved' ORDER BY decided_at, id`,
      )
      .all() as ApprovedRequest[];
  }
}
