import type { Clock } from '../clock';
import type { Db } from './database';
import type { ApprovedRequest, HandoffStore } from './handoffs';
import type { EventLog, EventType } from './event-log';
import type { MailPurpose } from './outbox-store';
import type { RequestQueue } from './request-queue';
import type { FieldDoubt, FieldName, RequestFields } from '../intake/intake-result';
import { requestProblems } from '../intake/request-problems';
import { DECIDABLE_STATUS, statusForProblems, type RequestStatus } from './request-status';
import type { StaffStore } from './staff';

/** One staff decision as the queue applies it: the new status, its event, its mail, and maybe a hand-off. */
export interface DecisionChange {
  reference: string;
  by: string;
  to: Exclude<RequestStatus, 'pending_review'>;
  event: { type: EventType; detail: Record<string, unknown> };
  mail: { purpose: MailPurpose; note: string | null };
  /** Staff's words with the decision (a note, a reason, the information asked for), for the conversation. */
  words: string | null;
  /** The version the decider saw; without one, the version read in the transaction. */
  expectedVersion?: number;
  /** The operating-system user of a decision made at a terminal. */
  osUser?: string;
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

export type CorrectionResult = { ok: true; by: string; changed: boolean } | { ok: false; conflict: 'unknown_staff' | 'not_found' | 'changed' };

interface CorrectedRow {
  id: number;
  status: RequestStatus;
  version: number;
  username: string | null;
  registration_date: string | null;
  reason: string | null;
  field_doubts: string;
}

const FIELD_COLUMN: Record<FieldName, 'username' | 'registration_date' | 'reason'> = { username: 'username', registrationDate: 'registration_date', reason: 'reason' };

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
      this.events.append({ requestId: row.id }, by, change.event.type, { ...change.event.detail, ...(change.osUser ? { osUser: change.osUser } : {}) });
      this.queue.addNote(row.id, by, change.event.type, change.words ?? '');
      this.queue.markRead(row.id);
      this.queue.enqueueMail(row.id, change.mail.purpose, row.message_id, this.queue.threadOf(row.id), change.mail.note);
      if (change.handOff) this.handoffs.create(row.id, { reference: change.reference, username: row.username, email: row.email, decidedBy: by, decidedAt: now });
      return { ok: true, decidedBy: by };
    }).immediate();
  }

  /** Staff record that the account system closed an approved account (it has no webhook, or confirmed by other means). */
  close(reference: string, byName: string, via: 'staff' | 'export', note: string | null, expectedVersion?: number, osUser?: string): DecisionResult {
    return this.db.transaction((): DecisionResult => {
      const by = this.staff.enabledName(byName);
      if (by === null) return { ok: false, conflict: 'unknown_staff' };
      const row = this.db.prepare('SELECT id, status, version, decided_by, decided_at FROM requests WHERE reference = ?').get(reference) as DecidingRow | undefined;
      if (!row) return { ok: false, conflict: 'not_found' };
      const current = { status: row.status, version: row.version, decidedBy: row.decided_by, decidedAt: row.decided_at };
      if (expectedVersion !== undefined && expectedVersion !== row.version) return { ok: false, conflict: 'changed', current };
      if (!this.queue.closeApproved(row.id, by, via, note, osUser)) return { ok: false, conflict: 'not_decidable', current };
      return { ok: true, decidedBy: by };
    }).immediate();
  }

  /**
   * A staff member's own words on a request, whatever its status: a reply mailed to the customer in
   * the thread, or a note for colleagues. Either way staff have now seen the customer's mails.
   */
  write(reference: string, byName: string, kind: 'reply' | 'note', text: string): { ok: true; by: string } | { ok: false; conflict: 'unknown_staff' | 'not_found' } {
    return this.db.transaction(() => {
      const by = this.staff.enabledName(byName);
      if (by === null) return { ok: false as const, conflict: 'unknown_staff' as const };
      const row = this.db.prepare('SELECT id, message_id FROM requests WHERE reference = ?').get(reference) as Pick<DecidingRow, 'id' | 'message_id'> | undefined;
      if (!row) return { ok: false as const, conflict: 'not_found' as const };
      if (kind === 'reply') {
        this.events.append({ requestId: row.id }, by, 'replied', { message: text });
        this.queue.enqueueMail(row.id, 'staff-reply', row.message_id, this.queue.threadOf(row.id), text, by);
      } else {
        this.events.append({ requestId: row.id }, by, 'note_added', {});
        this.queue.addNote(row.id, by, 'note', text);
      }
      this.queue.markRead(row.id);
      return { ok: true as const, by };
    }).immediate();
  }

  /**
   * A staff member corrects a field intake got wrong: the new value, the problems and status that
   * follow from it, the old → new in the log and the conversation, and the checks due again. One
   * transaction; `expectedVersion` makes an edit against a stale page lose cleanly.
   */
  correct(reference: string, byName: string, field: FieldName, value: string, expectedVersion?: number): CorrectionResult {
    return this.db.transaction((): CorrectionResult => {
      const by = this.staff.enabledName(byName);
      if (by === null) return { ok: false, conflict: 'unknown_staff' };
      const row = this.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as CorrectedRow | undefined;
      if (!row) return { ok: false, conflict: 'not_found' };
      if (expectedVersion !== undefined && expectedVersion !== row.version) return { ok: false, conflict: 'changed' };
      const column = FIELD_COLUMN[field];
      const from = row[column];
      if (from === value) return { ok: true, by, changed: false };
      const fields: RequestFields = { username: row.username, registrationDate: row.registration_date, reason: row.reason, [field]: value };
      const documents = this.db.prepare('SELECT valid FROM documents WHERE request_id = ? AND counted = 1').all(row.id) as { valid: number }[];
      // Staff stated the date themselves: it is no longer ambiguous.
      const problems = requestProblems(fields, documents.map((document) => ({ valid: document.valid === 1 })), false);
      const status = row.status === 'needs_info' ? statusForProblems(problems) : row.status;
      const now = this.clock.now().toISOString();
      const doubts = (JSON.parse(row.field_doubts) as FieldDoubt[]).filter((doubt) => doubt.field !== field);
      this.db
        .prepare(
          `UPDATE requests SET ${column} = ?, problems = ?, status = ?, field_doubts = ?, updated_at = ?, version = version + 1,
             due_at = CASE WHEN ? THEN ? ELSE due_at END
           WHERE id = ?`,
        )
        .run(value, JSON.stringify(problems), status, JSON.stringify(doubts), now, row.status !== status ? 1 : 0, this.queue.dueDayFor(this.clock.now()), row.id);
      this.events.append({ requestId: row.id }, by, 'field_corrected', { field, from, to: value, ...(row.status !== status ? { statusChanged: { from: row.status, to: status } } : {}) });
      this.queue.addNote(row.id, by, 'field_corrected', `${field}: ${from ?? '—'} → ${value}`);
      this.queue.markChecksStale(row.id);
      return { ok: true, by, changed: true };
    }).immediate();
  }

  /**
   * Who takes a request on: `to` a staff member, or nobody. Any enabled member may assign (the
   * console only offers "to me" and "unassign"); the change is an event in the request's log.
   */
  assign(reference: string, byName: string, toName: string | null): { ok: true; assignedTo: string | null } | { ok: false; conflict: 'unknown_staff' | 'unknown_assignee' | 'not_found' } {
    return this.db.transaction(() => {
      const by = this.staff.enabledName(byName);
      if (by === null) return { ok: false as const, conflict: 'unknown_staff' as const };
      const to = toName === null ? null : this.staff.enabledName(toName);
      if (toName !== null && to === null) return { ok: false as const, conflict: 'unknown_assignee' as const };
      const row = this.db.prepare('SELECT id, assigned_to FROM requests WHERE reference = ?').get(reference) as { id: number; assigned_to: string | null } | undefined;
      if (!row) return { ok: false as const, conflict: 'not_found' as const };
      // Assigning to whoever already has it changes nothing, and logs nothing.
      if (row.assigned_to !== to) {
        this.db.prepare('UPDATE requests SET assigned_to = ? WHERE id = ?').run(to, row.id);
        this.events.append({ requestId: row.id }, by, to === null ? 'unassigned' : 'assigned', { to, from: row.assigned_to });
      }
      return { ok: true as const, assignedTo: to };
    }).immediate();
  }

  /** Staff opened the request: its customer mails are no longer unread. */
  markRead(reference: string): void {
    const id = this.db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(reference) as number | undefined;
    if (id !== undefined) this.queue.markRead(id);
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
