import { randomInt } from 'node:crypto';
import type { Clock } from '../clock';
import {
  type Evidence,
  type FieldDoubt,
  type FieldName,
  type Language,
  type MessageKind,
  type RequestFields,
  type RequestProblem,
  type SenderAuthentication,
} from '../intake/intake-result';
import { requestProblems } from '../intake/request-problems';
import type { Db } from './database';
import { DocumentKeys } from './document-keys';
import type { EventLog } from './event-log';
import { keptCount } from './request-counts';
import { toStoredDocument, type DocumentRow, type IncomingMail, type SealedDocument, type StoredDocument } from './incoming-mail';
import type { MailPurpose, OutboxStore } from './outbox-store';
import { isUndecided, statusForProblems, type RequestStatus } from './request-status';
import type { TriageStore } from './triage-store';

export type { StoredDocument } from './incoming-mail';

export interface RequestEvent {
  at: string;
  actor: string;
  type: string;
  detail: Record<string, unknown>;
}

/** One message of a request's conversation: the customer's mails, ours, staff notes. */
export interface RequestMessage {
  direction: 'in' | 'out' | 'note';
  at: string;
  from: string;
  subject: string;
  text: string;
  /** For a customer's mail: what our receiving server said of its sender. */
  authentication: SenderAuthentication | null;
  /** For a customer's follow-up: whether it was verified enough to change the request. */
  applied: boolean | null;
  messageId: string | null;
  /** Positions (in the request's documents) of the documents this message carried. */
  documents: number[];
  /** For our mails: the files attached (receipt PDFs). */
  attachments: string[];
  /** For a customer's follow-up: the fields it corrected, old → new. */
  changes: Partial<Record<FieldName, { from: string | null; to: string | null }>>;
}

export interface CancellationRequest {
  reference: string;
  status: RequestStatus;
  email: string;
  senderName: string;
  language: Language;
  fields: RequestFields;
  problems: RequestProblem[];
  senderAuthentication: SenderAuthentication;
  subject: string;
  messageId: string | null;
  receivedAt: string;
  updatedAt: string;
  version: number;
  decidedBy: string | null;
  decidedAt: string | null;
  /** When the account system confirmed the closure (or staff recorded it), and who. */
  closedAt: string | null;
  closedBy: string | null;
  /** Since when a customer's mail waits unread by staff; null when staff have seen everything. */
  unreadSince: string | null;
  /** The last day (in the desk's time zone) of the working-day reply promise. */
  dueDate: string | null;
  /** The staff member who took the request on, if anyone. */
  assignedTo: string | null;
  /** What intake weighed when it took the first mail for a request. */
  evidence: Evidence[];
  /** Fields intake was unsure of, for staff to look at first. */
  fieldDoubts: FieldDoubt[];
  idDocuments: StoredDocument[];
  messages: RequestMessage[];
  events: RequestEvent[];
}

export type HandledOutcome = 'queued' | 'threaded' | 'triaged' | 'ignored' | 'quarantined';

export interface RecordedMail {
  outcome: 'queued' | 'threaded' | 'triaged';
  /** The request the mail made or joined; null when it went to triage. */
  reference: string | null;
  triageId: number | null;
  acknowledged: boolean;
  /** The pipeline would have answered, but the sender has had ACK_LIMIT_PER_SENDER automatic mails within 24 hours. */
  senderLimited: boolean;
}

export interface RequestFilter {
  status?: RequestStatus;
  unread?: boolean;
  overdueOn?: string;
}

/** A request about to be opened, from a mail intake took for one or from a mail staff promoted out of triage. */
export interface NewRequest {
  email: string;
  senderName: string;
  language: Language;
  fields: RequestFields;
  registrationDateAmbiguous: boolean;
  senderAuthentication: SenderAuthentication;
  subject: string;
  bodyText: string;
  ownText: string;
  messageId: string | null;
  repliesTo: string[];
  evidence: Evidence[];
  fieldDoubts: FieldDoubt[];
  documents: SealedDocument[];
  /** Whether the acknowledgement goes out (an answerable sender that was not seen forged). */
  acknowledge: boolean;
}

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A reference nobody can guess: 10 characters of 32 symbols is 50 bits. */
export function newReference(): string {
  let reference = 'CR-';
  for (let index = 0; index < 10; index++) reference += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return reference;
}

interface RequestRow {
  id: number;
  reference: string;
  status: RequestStatus;
  email: string;
  sender_name: string;
  language: Language;
  username: string | null;
  registration_date: string | null;
  reason: string | null;
  problems: string;
  sender_authentication: SenderAuthentication;
  subject: string;
  message_id: string | null;
  received_at: string;
  updated_at: string;
  version: number;
  decided_by: string | null;
  decided_at: string | null;
  closed_by: string | null;
  closed_at: string | null;
  unread_since: string | null;
  due_at: string | null;
  assigned_to: string | null;
  evidence: string;
  field_doubts: string;
}

interface MessageRow {
  id: number;
  direction: RequestMessage['direction'];
  at: string;
  sender: string;
  subject: string;
  text: string;
  sender_authentication: SenderAuthentication | null;
  message_id: string | null;
  applied: number | null;
  attachments: string;
  changes: string;
}

const FIELD_COLUMNS: Record<FieldName, 'username' | 'registration_date' | 'reason'> = { username: 'username', registrationDate: 'registration_date', reason: 'reason' };

/** All SQL about requests; every change that touches more than one row is one transaction. */
export class RequestQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly outbox: OutboxStore,
    private readonly events: EventLog,
    private readonly triage: TriageStore,
    /** The last day of the reply promise for a request received at this instant (working days, holidays). */
    readonly dueDayFor: (receivedAt: Date) => string,
  ) {}

  /**
   * Runs `work` in one transaction, so that the outcomes of several mails reach the disk with one
   * sync; a nested transaction inside it (recordIncoming's) fails alone, as a savepoint.
   */
  commitTogether<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  handledOutcome(messageKey: string): HandledOutcome | null {
    const row = this.db.prepare('SELECT outcome FROM handled_messages WHERE message_key = ?').get(messageKey) as { outcome: HandledOutcome } | undefined;
    return row?.outcome ?? null;
  }

  /** Counts a failure to handle a message; the caller quarantines it once the count is high enough. */
  recordFailedAttempt(messageKey: string, error: string): number {
    const row = this.db
      .prepare(
        `INSERT INTO failed_attempts (message_key, attempts, last_error, last_attempt_at) VALUES (?, 1, ?, ?)
         ON CONFLICT (message_key) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, last_attempt_at = excluded.last_attempt_at
         RETURNING attempts`,
      )
      .get(messageKey, error.slice(0, 500), this.now()) as { attempts: number };
    return row.attempts;
  }

  recordSettledWithoutRequest(messageKey: string, outcome: 'ignored' | 'quarantined', kind: MessageKind | 'unprocessable', reason: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO handled_messages (message_key, handled_at, outcome, kind, reason) VALUES (?, ?, ?, ?, ?)')
      .run(messageKey, this.now(), outcome, kind, reason);
  }

  /**
   * A human mail, in one transaction with its acknowledgement: a reply on the request it answers
   * (same sender), a new request, or — when intake took it for a request only because it names one
   * that is not this sender's, or was never a request at all — an item in triage for staff.
   */
  recordIncoming(incoming: IncomingMail): RecordedMail {
    return this.db.transaction((): RecordedMail => {
      const { result } = incoming;
      const existing = result.disposition === 'queue' ? this.threadTarget(result.reference, incoming.repliesTo, result.from!) : null;
      if (existing === null && (result.disposition !== 'queue' || !incoming.standsAlone)) {
        return { outcome: 'triaged', reference: null, triageId: this.triage.record(incoming), acknowledged: false, senderLimited: false };
      }
      const request = existing ? this.addReply(existing, incoming) : this.openRequest(this.asNewRequest(incoming), 'intake', {});
      this.db
        .prepare('INSERT INTO handled_messages (message_key, handled_at, outcome, kind, reason, request_id) VALUES (?, ?, ?, ?, ?, ?)')
        .run(incoming.messageKey, this.now(), existing ? 'threaded' : 'queued', result.kind, result.problems.join(',') || 'complete', request.id);
      let acknowledged = 'acknowledged' in request && request.acknowledged;
      if (existing && result.acknowledge) {
        // A new receipt only when what it records changed; otherwise a short note that the message was added.
        const purpose = existing && 'factsChanged' in request && request.factsChanged ? 'acknowledgement' : 'reply-received';
        acknowledged = this.enqueueMail(request.id, purpose, result.messageId, [...this.threadOf(request.id), ...incoming.repliesTo, ...(result.messageId ? [result.messageId] : [])], null);
      }
      return { outcome: existing ? 'threaded' : 'queued', reference: request.reference, triageId: null, acknowledged, senderLimited: result.acknowledge && !acknowledged };
    })();
  }

  /**
   * Joins the caller's transaction: the request, its first message and documents, its first
   * event, and its acknowledgement (or the reason none goes out).
   */
  openRequest(request: NewRequest, actor: string, receivedDetail: Record<string, unknown>): { id: number; reference: string; acknowledged: boolean } {
    const now = this.now();
    const problems = requestProblems(request.fields, request.documents, request.registrationDateAmbiguous);
    const insert = this.db.prepare(
      `INSERT INTO requests (reference, status, email, sender_name, language, username, registration_date, reason, problems,
         sender_authentication, subject, body_text, message_id, received_at, updated_at, evidence, field_doubts, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reference) DO NOTHING`,
    );
    for (;;) {
      const reference = newReference();
      const { changes, lastInsertRowid } = insert.run(
        reference,
        statusForProblems(problems),
        request.email,
        request.senderName,
        request.language,
        request.fields.username,
        request.fields.registrationDate,
        request.fields.reason,
        JSON.stringify(problems),
        request.senderAuthentication,
        request.subject,
        request.bodyText,
        request.messageId,
        now,
        now,
        JSON.stringify(request.evidence),
        JSON.stringify(request.fieldDoubts),
        this.dueDayFor(this.clock.now()),
      );
      if (changes === 0) continue;
      const id = Number(lastInsertRowid);
      const messageRow = this.insertMessage(id, { from: request.email, subject: request.subject, text: request.ownText, authentication: request.senderAuthentication, messageId: request.messageId, applied: true });
      this.insertDocuments(id, messageRow, request.documents, true);
      this.markChecksStale(id);
      this.events.append({ requestId: id }, actor, 'received', { messageId: request.messageId, problems, ...receivedDetail });
      if (request.acknowledge) {
        const acknowledged = this.enqueueMail(id, 'acknowledgement', request.messageId, [...request.repliesTo, ...(request.messageId ? [request.messageId] : [])], null);
        return { id, reference, acknowledged };
      }
      this.events.append({ requestId: id }, 'system', 'acknowledgement_withheld', {
        reason: request.senderAuthentication === 'fail' ? 'sender_authentication_failed' : 'sender_not_answerable',
      });
      return { id, reference, acknowledged: false };
    }
  }

  findRequest(reference: string): CancellationRequest | null {
    const row = this.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as RequestRow | undefined;
    return row ? this.toRequest(row) : null;
  }

  /**
   * Oldest first, a page at a time so that a queue of any size is read in constant memory, and no
   * more than `limit` requests; `unread`: only those with a customer mail staff have not seen;
   * `overdueOn` (a day): only those waiting for staff whose reply promise ended before that day.
   */
  *requestPages(filter: RequestFilter = {}, { limit = Infinity, pageSize = 200 } = {}): Generator<CancellationRequest[]> {
    const page = this.db.prepare(`SELECT * FROM requests WHERE ${[...listingConditions(filter), '(received_at, id) > (@afterReceivedAt, @afterId)'].join(' AND ')} ORDER BY received_at, id LIMIT @rows`);
    let after: { receivedAt: string; id: number } = { receivedAt: '', id: 0 };
    for (let left = limit; left > 0; ) {
      const rows = page.all({ ...listingParameters(filter), afterReceivedAt: after.receivedAt, afterId: after.id, rows: Math.min(pageSize, left) }) as RequestRow[];
      if (rows.length === 0) return;
      yield rows.map((row) => this.toRequest(row));
      left -= rows.length;
      const last = rows.at(-1)!;
      after = { receivedAt: last.received_at, id: last.id };
    }
  }

  /**
   * How many requests a listing holds, without reading the queue: the kept count per status
   * (migration 017) for the whole queue or one status; with `unread` or `overdueOn`, counted along
   * their index, but no further than `cap` (then `capped`).
   */
  listingCount(filter: RequestFilter, cap: number): { count: number; capped: boolean } {
    if (!filter.unread && filter.overdueOn === undefined) return { count: keptCount(this.db, filter.status), capped: false };
    const count = this.db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM requests WHERE ${listingConditions(filter).join(' AND ')} LIMIT @cap)`)
      .pluck()
      .get({ ...listingParameters(filter), cap }) as number;
    return { count, capped: count >= cap };
  }

  /** Every matching request, oldest first: for the small sets tests and staff commands look at. */
  listRequests(filter: RequestFilter = {}): CancellationRequest[] {
    return [...this.requestPages(filter)].flat();
  }

  /** Records what a mailbox's keys are valid for now and returns what it was before (null the first time). */
  rememberMailboxGeneration(mailbox: string, generation: string): string | null {
    const previous = this.db.prepare('SELECT generation FROM mailbox_state WHERE mailbox = ?').get(mailbox) as { generation: string } | undefined;
    this.db
      .prepare('INSERT INTO mailbox_state (mailbox, generation, seen_at) VALUES (?, ?, ?) ON CONFLICT (mailbox) DO UPDATE SET generation = excluded.generation, seen_at = excluded.seen_at')
      .run(mailbox, generation, this.now());
    return previous?.generation ?? null;
  }

  /**
   * Joins the caller's transaction: the mail is queued exactly when the change it announces commits.
   * False when it is automatic and its recipient's limit is reached (recorded on the request).
   */
  enqueueMail(requestId: number, purpose: MailPurpose, inReplyTo: string | null, references: string[], note: string | null, by?: string): boolean {
    const { events: _events, version: _version, ...snapshot } = this.toRequest(this.db.prepare('SELECT * FROM requests WHERE id = ?').get(requestId) as RequestRow);
    const messageId = this.outbox.enqueue({ requestId }, snapshot.reference, {
      purpose,
      recipient: snapshot.email,
      inReplyTo,
      references,
      payload: { request: snapshot, note, queuedAt: this.now(), ...(by ? { by } : {}) },
    });
    return messageId !== null;
  }

  /**
   * Joins the caller's transaction: an approved request becomes closed — the account system confirmed
   * it, or staff recorded that it did — and only now the customer is told, with the closure
   * confirmation. False when the request is not approved (not yet, or not any more).
   */
  closeApproved(requestId: number, actor: string, via: 'account_system' | 'staff' | 'export', note: string | null = null, osUser?: string): boolean {
    const now = this.now();
    const { changes } = this.db
      .prepare("UPDATE requests SET status = 'closed', closed_by = ?, closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = 'approved'")
      .run(actor, now, now, requestId);
    if (changes === 0) return false;
    this.events.append({ requestId }, actor, 'closed', { via, ...(note ? { note } : {}), ...(osUser ? { osUser } : {}) });
    this.addNote(requestId, actor, 'closed', note ?? '');
    const messageId = this.db.prepare('SELECT message_id FROM requests WHERE id = ?').pluck().get(requestId) as string | null;
    this.enqueueMail(requestId, 'decision-closed', messageId, this.threadOf(requestId), null);
    return true;
  }

  /** The customer's first mail and ours so far, so that a new mail of ours lands in the same thread. */
  threadOf(requestId: number): string[] {
    const first = this.db.prepare('SELECT message_id FROM requests WHERE id = ?').pluck().get(requestId) as string | null;
    return [...(first ? [first] : []), ...this.outbox.messageIdsOf(requestId)];
  }

  /** A reply names its request by reference or answers one of our mails; either way only the request's own sender continues it. */
  private threadTarget(reference: string | null, repliesTo: string[], sender: string): RequestRow | null {
    if (reference !== null) {
      const row = this.db.prepare('SELECT * FROM requests WHERE reference = ? AND email = ?').get(reference, sender) as RequestRow | undefined;
      if (row) return row;
    }
    for (const messageId of repliesTo) {
      const requestId = this.outbox.requestOf(messageId);
      const row = requestId === null ? undefined : (this.db.prepare('SELECT * FROM requests WHERE id = ? AND email = ?').get(requestId, sender) as RequestRow | undefined);
      if (row) return row;
    }
    return null;
  }

  private asNewRequest(incoming: IncomingMail): NewRequest {
    const { result } = incoming;
    return {
      email: result.from!,
      senderName: incoming.senderName,
      language: result.language,
      fields: result.fields,
      registrationDateAmbiguous: incoming.registrationDateAmbiguous,
      senderAuthentication: result.senderAuthentication,
      subject: result.subject,
      bodyText: incoming.bodyText,
      ownText: incoming.ownText,
      messageId: result.messageId,
      repliesTo: incoming.repliesTo,
      evidence: result.evidence,
      fieldDoubts: result.fieldDoubts,
      documents: incoming.documents,
      acknowledge: result.acknowledge,
    };
  }

  /**
   * A follow-up joins the conversation. Only one whose sender our server verified may change the
   * request's fields or documents: anyone can write a From line, so an unverified one is kept and
   * shown to staff, its documents sealed but not counted.
   */
  private addReply(existing: RequestRow, incoming: IncomingMail): { id: number; reference: string; factsChanged: boolean } {
    const { result } = incoming;
    const verified = result.senderAuthentication === 'pass';
    const before: RequestFields = { username: existing.username, registrationDate: existing.registration_date, reason: existing.reason };
    const fields: RequestFields = verified
      ? {
          username: result.fields.username ?? before.username,
          registrationDate: result.fields.registrationDate ?? before.registrationDate,
          reason: result.fields.reason ?? before.reason,
        }
      : before;
    const changed = Object.fromEntries(
      (Object.keys(FIELD_COLUMNS) as FieldName[]).filter((field) => fields[field] !== before[field]).map((field) => [field, { from: before[field], to: fields[field] }]),
    );
    const messageRow = this.insertMessage(existing.id, {
      from: result.from!,
      subject: result.subject,
      text: incoming.ownText,
      authentication: result.senderAuthentication,
      messageId: result.messageId,
      applied: verified,
      changes: changed,
    });
    this.insertDocuments(existing.id, messageRow, incoming.documents, verified);
    const dateWasAmbiguous = (verified && incoming.registrationDateAmbiguous) || existing.problems.includes('ambiguous_registration_date');
    const problems = requestProblems(fields, this.documentRows(existing.id).map(toStoredDocument).filter((document) => document.counted), dateWasAmbiguous);
    const status = existing.status === 'needs_info' ? statusForProblems(problems) : existing.status;
    // Staff see the mark until they open the request; a reply to a decided request reopens nothing, the mark is all it does.
    this.db
      .prepare(
        `UPDATE requests SET username = ?, registration_date = ?, reason = ?, problems = ?, status = ?, updated_at = ?, version = version + 1,
           unread_since = coalesce(unread_since, ?), due_at = ?
         WHERE id = ?`,
      )
      .run(
        fields.username,
        fields.registrationDate,
        fields.reason,
        JSON.stringify(problems),
        status,
        this.now(),
        this.now(),
        // The promise runs from the day we have everything: a request that just became complete starts its working days now.
        existing.status === 'needs_info' && status === 'pending_review' ? this.dueDayFor(this.clock.now()) : existing.due_at,
        existing.id,
      );
    this.markChecksStale(existing.id);
    this.events.append({ requestId: existing.id }, 'intake', 'reply_received', {
      messageId: result.messageId,
      verified,
      senderAuthentication: result.senderAuthentication,
      documentsAdded: incoming.documents.length,
      ...(Object.keys(changed).length > 0 ? { changed } : {}),
      problems,
      ...(status !== existing.status ? { statusChanged: { from: existing.status, to: status } } : {}),
      ...(isUndecided(existing.status) ? {} : { afterDecision: existing.status }),
    });
    const factsChanged = Object.keys(changed).length > 0 || (verified && incoming.documents.length > 0) || status !== existing.status;
    return { id: existing.id, reference: existing.reference, factsChanged };
  }

  /**
   * Joins the caller's transaction: this request's stored check summary, and that of every request
   * sharing an ID document or the username with it, are checked again on the next read.
   */
  markChecksStale(requestId: number): void {
    // Three statements, each on its own index: one OR across them would scan the whole queue.
    this.db.prepare('UPDATE requests SET check_state = NULL WHERE id = ?').run(requestId);
    this.db
      .prepare(
        `UPDATE requests SET check_state = NULL
         WHERE id IN (SELECT theirs.request_id FROM documents mine JOIN documents theirs ON theirs.sha256 = mine.sha256 WHERE mine.request_id = ?)`,
      )
      .run(requestId);
    const username = this.db.prepare('SELECT username FROM requests WHERE id = ?').pluck().get(requestId) as string | null;
    if (username !== null) this.db.prepare('UPDATE requests SET check_state = NULL WHERE username = ? COLLATE NOCASE').run(username);
  }

  /** Joins the caller's transaction: a staff note or decision in the conversation. */
  addNote(requestId: number, actor: string, subject: string, text: string): void {
    this.db
      .prepare("INSERT INTO request_messages (request_id, direction, at, sender, subject, text, actor) VALUES (?, 'note', ?, ?, ?, ?, ?)")
      .run(requestId, this.now(), actor, subject, text, actor);
  }

  /** Joins the caller's transaction: staff have seen every customer mail on the request. */
  markRead(requestId: number): void {
    this.db.prepare('UPDATE requests SET unread_since = NULL WHERE id = ? AND unread_since IS NOT NULL').run(requestId);
  }

  private insertMessage(
    requestId: number,
    message: { from: string; subject: string; text: string; authentication: SenderAuthentication; messageId: string | null; applied: boolean; changes?: RequestMessage['changes'] },
  ): number {
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO request_messages (request_id, direction, at, sender, subject, text, sender_authentication, message_id, applied, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(requestId, 'in', this.now(), message.from, message.subject, message.text, message.authentication, message.messageId, message.applied ? 1 : 0, JSON.stringify(message.changes ?? {}));
    return Number(lastInsertRowid);
  }

  private insertDocuments(requestId: number, messageRow: number, documents: SealedDocument[], counted: boolean): void {
    const next = this.db.prepare('SELECT coalesce(max(position), 0) + 1 FROM documents WHERE request_id = ?').pluck().get(requestId) as number;
    const insert = this.db.prepare(
      `INSERT INTO documents (request_id, position, filename, content_type, declared_type, size, sha256, valid, problem, vault_id, received_at, message_id, counted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    new DocumentKeys(this.db).recordFor(documents);
    documents.forEach((document, index) =>
      insert.run(
        requestId,
        next + index,
        document.filename,
        document.contentType,
        document.declaredType,
        document.size,
        document.sha256,
        document.valid ? 1 : 0,
        document.problem,
        document.vaultId,
        this.now(),
        messageRow,
        counted ? 1 : 0,
      ),
    );
  }

  /**
   * The rows themselves, each with the message that carried it: a copy that adds a property to a
   * spread (`{ ...document, messageRow }`) gets a hidden class of its own in V8's old space, a few
   * hundred bytes per document that made a long `queue list --all` grow with the queue.
   */
  private documentRows(requestId: number): (DocumentRow & { message_id: number | null })[] {
    return this.db.prepare('SELECT * FROM documents WHERE request_id = ? ORDER BY position').all(requestId) as (DocumentRow & { message_id: number | null })[];
  }

  private toRequest(row: RequestRow): CancellationRequest {
    const events = this.db.prepare('SELECT at, actor, type, detail FROM request_events WHERE request_id = ? ORDER BY id').all(row.id) as {
      at: string;
      actor: string;
      type: string;
      detail: string;
    }[];
    const documents = this.documentRows(row.id);
    const messages = (this.db.prepare('SELECT * FROM request_messages WHERE request_id = ? ORDER BY id').all(row.id) as MessageRow[]).map((message) => ({
      direction: message.direction,
      at: message.at,
      from: message.sender,
      subject: message.subject,
      text: message.text,
      authentication: message.sender_authentication,
      applied: message.applied === null ? null : message.applied === 1,
      messageId: message.message_id,
      documents: documents.filter((document) => document.message_id === message.id).map((document) => document.position),
      attachments: JSON.parse(message.attachments) as string[],
      changes: JSON.parse(message.changes) as RequestMessage['changes'],
    }));
    return {
      reference: row.reference,
      status: row.status,
      email: row.email,
      senderName: row.sender_name,
      language: row.language,
      fields: { username: row.username, registrationDate: row.registration_date, reason: row.reason },
      problems: JSON.parse(row.problems) as RequestProblem[],
      senderAuthentication: row.sender_authentication,
      subject: row.subject,
      messageId: row.message_id,
      receivedAt: row.received_at,
      updatedAt: row.updated_at,
      version: row.version,
      decidedBy: row.decided_by,
      decidedAt: row.decided_at,
      closedAt: row.closed_at,
      closedBy: row.closed_by,
      unreadSince: row.unread_since,
      dueDate: row.due_at,
      assignedTo: row.assigned_to,
      evidence: JSON.parse(row.evidence) as Evidence[],
      fieldDoubts: JSON.parse(row.field_doubts) as FieldDoubt[],
      idDocuments: documents.map(toStoredDocument),
      messages,
      events: events.map((event) => ({ ...event, detail: JSON.parse(event.detail) as Record<string, unknown> })),
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

/**
 * Only the conditions the filter sets, so that a listing is read from an index in arrival order
 * (`@x IS NULL OR …` would make every page scan and sort the whole queue).
 */
function listingConditions(filter: RequestFilter): string[] {
  return [
    filter.status !== undefined && 'status = @status',
    filter.unread && 'unread_since IS NOT NULL',
    filter.overdueOn !== undefined && "status = 'pending_review' AND due_at < @overdueOn",
  ].filter((condition): condition is string => typeof condition === 'string');
}

function listingParameters(filter: RequestFilter): Record<string, string> {
  return { ...(filter.status !== undefined && { status: filter.status }), ...(filter.overdueOn !== undefined && { overdueOn: filter.overdueOn }) };
}
