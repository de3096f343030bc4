import { randomInt } from 'node:crypto';
import type { Clock } from '../clock';
import { isRequestProblem, type IdDocument, type IntakeResult, type Language, type MessageKind, type RequestFields, type RequestProblem, type SenderAuthentication } from '../intake/intake-result';
import { requestProblems } from '../intake/request-problems';
import type { Db } from './database';
import { statusForProblems, type RequestStatus } from './request-status';

export interface StoredDocument extends IdDocument {
  position: number;
  vaultId: string;
  receivedAt: string;
}

export interface RequestEvent {
  at: string;
  actor: string;
  type: string;
  detail: Record<string, unknown>;
}

export interface CancellationRequest {
  reference: string;
  status: RequestStatus;
  email: string;
  language: Language;
  fields: RequestFields;
  problems: RequestProblem[];
  senderAuthentication: SenderAuthentication;
  subject: string;
  messageId: string | null;
  receivedAt: string;
  updatedAt: string;
  version: number;
  idDocuments: StoredDocument[];
  events: RequestEvent[];
}

/** What the outbox needs to render one mail later, frozen at the moment it was queued. */
export interface OutboxPayload {
  request: Omit<CancellationRequest, 'events' | 'version'>;
  /** Staff's words for decision mails (a rejection reason, the information asked for). */
  note: string | null;
  queuedAt: string;
}

/** Why a mail is sent; each picks its template and attachment in compose-mail. */
export type MailPurpose = 'acknowledgement' | 'decision-approved' | 'decision-rejected' | 'decision-info-requested';

export interface OutboxMessage {
  id: number;
  purpose: MailPurpose;
  messageId: string;
  recipient: string;
  inReplyTo: string | null;
  references: string[];
  payload: OutboxPayload;
  attempts: number;
}

export type HandledOutcome = 'queued' | 'threaded' | 'ignored' | 'quarantined';

export interface IncomingRequest {
  messageKey: string;
  result: IntakeResult;
  bodyText: string;
  repliesTo: string[];
  /** Documents already sealed in the vault, in the order the mail carried them. */
  documents: (IdDocument & { vaultId: string })[];
}

export interface RecordedRequest {
  outcome: 'queued' | 'threaded';
  reference: string;
  acknowledged: boolean;
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
}

interface DocumentRow {
  position: number;
  filename: string;
  content_type: string;
  declared_type: string;
  size: number;
  sha256: string;
  valid: number;
  problem: IdDocument['problem'];
  vault_id: string;
  received_at: string;
}

/** All SQL about requests lives here; every change that touches more than one row is one transaction. */
export class RequestQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** The domain of our deterministic Message-IDs (that of MAIL_FROM). */
    private readonly messageIdDomain: string,
  ) {}

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

  /** A new request, or a reply adding to an existing one, with its acknowledgement queued in the same transaction. */
  recordRequest(incoming: IncomingRequest): RecordedRequest {
    return this.db.transaction((): RecordedRequest => {
      const { result } = incoming;
      const existing = this.threadTarget(result.reference, incoming.repliesTo, result.from!);
      const request = existing ? this.addReply(existing, incoming) : this.createRequest(incoming);
      this.db
        .prepare('INSERT INTO handled_messages (message_key, handled_at, outcome, kind, reason, request_id) VALUES (?, ?, ?, ?, ?, ?)')
        .run(incoming.messageKey, this.now(), existing ? 'threaded' : 'queued', result.kind, result.problems.join(',') || 'complete', request.id);
      if (result.acknowledge) {
        const references = [...incoming.repliesTo, ...(result.messageId ? [result.messageId] : [])];
        this.enqueueMail(request.id, 'acknowledgement', result.messageId, references, null);
      }
      return { outcome: existing ? 'threaded' : 'queued', reference: request.reference, acknowledged: result.acknowledge };
    })();
  }

  findRequest(reference: string): CancellationRequest | null {
    const row = this.db.prepare('SELECT * FROM requests WHERE reference = ?').get(reference) as RequestRow | undefined;
    return row ? this.toRequest(row) : null;
  }

  listRequests(filter: { status?: RequestStatus } = {}): CancellationRequest[] {
    const rows = (
      filter.status
        ? this.db.prepare('SELECT * FROM requests WHERE status = ? ORDER BY received_at, id').all(filter.status)
        : this.db.prepare('SELECT * FROM requests ORDER BY received_at, id').all()
    ) as RequestRow[];
    return rows.map((row) => this.toRequest(row));
  }

  /** Mails due for sending, oldest first. */
  dueMail(limit: number): OutboxMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?')
      .all(this.now(), limit) as {
      id: number;
      purpose: MailPurpose;
      message_id: string;
      recipient: string;
      in_reply_to: string | null;
      thread_references: string;
      payload: string;
      attempts: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      purpose: row.purpose,
      messageId: row.message_id,
      recipient: row.recipient,
      inReplyTo: row.in_reply_to,
      references: JSON.parse(row.thread_references) as string[],
      payload: JSON.parse(row.payload) as OutboxPayload,
      attempts: row.attempts,
    }));
  }

  markSent(message: OutboxMessage): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(this.now(), message.id);
      const requestId = (this.db.prepare('SELECT request_id FROM outbox WHERE id = ?').get(message.id) as { request_id: number }).request_id;
      this.appendEvent(requestId, 'system', 'mail_sent', { purpose: message.purpose, messageId: message.messageId });
    })();
  }

  markFailed(message: OutboxMessage, error: string, retryAt: Date): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error.slice(0, 500), retryAt.toISOString(), message.id);
  }

  /** Records what a mailbox's keys are valid for now and returns what it was before (null the first time). */
  rememberMailboxGeneration(mailbox: string, generation: string): string | null {
    const previous = this.db.prepare('SELECT generation FROM mailbox_state WHERE mailbox = ?').get(mailbox) as { generation: string } | undefined;
    this.db
      .prepare('INSERT INTO mailbox_state (mailbox, generation, seen_at) VALUES (?, ?, ?) ON CONFLICT (mailbox) DO UPDATE SET generation = excluded.generation, seen_at = excluded.seen_at')
      .run(mailbox, generation, this.now());
    return previous?.generation ?? null;
  }

  /** Counts for housekeeping and the daemon's log. */
  unsentMailCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n;
  }

  vaultIdsInUse(): Set<string> {
    const rows = this.db.prepare('SELECT vault_id FROM documents').all() as { vault_id: string }[];
    return new Set(rows.map((row) => row.vault_id));
  }

  private threadTarget(reference: string | null, repliesTo: string[], sender: string): RequestRow | null {
    if (reference !== null) {
      const row = this.db.prepare('SELECT * FROM requests WHERE reference = ? AND email = ?').get(reference, sender) as RequestRow | undefined;
      if (row) return row;
    }
    for (const messageId of repliesTo) {
      const row = this.db
        .prepare('SELECT requests.* FROM outbox JOIN requests ON requests.id = outbox.request_id WHERE outbox.message_id = ? AND requests.email = ?')
        .get(messageId, sender) as RequestRow | undefined;
      if (row) return row;
    }
    return null;
  }

  private createRequest(incoming: IncomingRequest): { id: number; reference: string } {
    const { result } = incoming;
    const now = this.now();
    const problems = result.problems.filter(isRequestProblem);
    const insert = this.db.prepare(
      `INSERT INTO requests (reference, status, email, language, username, registration_date, reason, problems,
         sender_authentication, subject, body_text, message_id, received_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reference) DO NOTHING`,
    );
    for (;;) {
      const reference = newReference();
      const { changes, lastInsertRowid } = insert.run(
        reference,
        statusForProblems(problems),
        result.from,
        result.language,
        result.fields.username,
        result.fields.registrationDate,
        result.fields.reason,
        JSON.stringify(problems),
        result.senderAuthentication,
        result.subject,
        incoming.bodyText,
        result.messageId,
        now,
        now,
      );
      if (changes === 0) continue;
      const id = Number(lastInsertRowid);
      this.insertDocuments(id, incoming.documents);
      this.appendEvent(id, 'intake', 'received', { messageId: result.messageId, problems });
      return { id, reference };
    }
  }

  private addReply(existing: RequestRow, incoming: IncomingRequest): { id: number; reference: string } {
    const { result } = incoming;
    const fields: RequestFields = {
      username: result.fields.username ?? existing.username,
      registrationDate: result.fields.registrationDate ?? existing.registration_date,
      reason: result.fields.reason ?? existing.reason,
    };
    this.insertDocuments(existing.id, incoming.documents);
    const documents = this.documentsOf(existing.id);
    const dateWasAmbiguous = result.problems.includes('ambiguous_registration_date') || existing.problems.includes('ambiguous_registration_date');
    const problems = requestProblems(fields, documents, dateWasAmbiguous);
    const status = existing.status === 'needs_info' ? statusForProblems(problems) : existing.status;
    this.db
      .prepare(
        `UPDATE requests SET username = ?, registration_date = ?, reason = ?, problems = ?, status = ?, updated_at = ?, version = version + 1
         WHERE id = ?`,
      )
      .run(fields.username, fields.registrationDate, fields.reason, JSON.stringify(problems), status, this.now(), existing.id);
    this.appendEvent(existing.id, 'intake', 'reply_received', {
      messageId: result.messageId,
      documentsAdded: incoming.documents.length,
      problems,
      ...(status !== existing.status ? { statusChanged: { from: existing.status, to: status } } : {}),
    });
    return { id: existing.id, reference: existing.reference };
  }

  private insertDocuments(requestId: number, documents: IncomingRequest['documents']): void {
    const { next } = this.db.prepare('SELECT coalesce(max(position), 0) + 1 AS next FROM documents WHERE request_id = ?').get(requestId) as { next: number };
    const insert = this.db.prepare(
      `INSERT INTO documents (request_id, position, filename, content_type, declared_type, size, sha256, valid, problem, vault_id, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
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
      ),
    );
  }

  /** Joins the caller's transaction: the mail is queued exactly when the change it announces commits. */
  enqueueMail(requestId: number, purpose: MailPurpose, inReplyTo: string | null, references: string[], note: string | null): void {
    const request = this.toRequest(this.db.prepare('SELECT * FROM requests WHERE id = ?').get(requestId) as RequestRow);
    const { sequence } = this.db.prepare('SELECT count(*) + 1 AS sequence FROM outbox WHERE request_id = ?').get(requestId) as { sequence: number };
    // Deterministic, so a resend after a crash carries the same Message-ID and threads as one mail.
    const messageId = `<${purpose}.${request.reference}.${sequence}@${this.messageIdDomain}>`;
    const { events: _events, version: _version, ...snapshot } = request;
    const payload: OutboxPayload = { request: snapshot, note, queuedAt: this.now() };
    this.db
      .prepare(
        `INSERT INTO outbox (request_id, purpose, message_id, recipient, in_reply_to, thread_references, payload, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(requestId, purpose, messageId, request.email, inReplyTo, JSON.stringify([...new Set(references)]), JSON.stringify(payload), this.now(), this.now());
    this.appendEvent(requestId, 'system', 'mail_queued', { purpose, messageId });
  }

  /** Joins the caller's transaction. */
  appendEvent(requestId: number, actor: string, type: string, detail: Record<string, unknown>): void {
    this.db.prepare('INSERT INTO request_events (request_id, at, actor, type, detail) VALUES (?, ?, ?, ?, ?)').run(requestId, this.now(), actor, type, JSON.stringify(detail));
  }

  private documentsOf(requestId: number): StoredDocument[] {
    const rows = this.db.prepare('SELECT * FROM documents WHERE request_id = ? ORDER BY position').all(requestId) as DocumentRow[];
    return rows.map((row) => ({
      position: row.position,
      filename: row.filename,
      contentType: row.content_type,
      declaredType: row.declared_type,
      size: row.size,
      sha256: row.sha256,
      valid: row.valid === 1,
      problem: row.problem,
      vaultId: row.vault_id,
      receivedAt: row.received_at,
    }));
  }

  private toRequest(row: RequestRow): CancellationRequest {
    const events = this.db.prepare('SELECT at, actor, type, detail FROM request_events WHERE request_id = ? ORDER BY id').all(row.id) as {
      at: string;
      actor: string;
      type: string;
      detail: string;
    }[];
    return {
      reference: row.reference,
      status: row.status,
      email: row.email,
      language: row.language,
      fields: { username: row.username, registrationDate: row.registration_date, reason: row.reason },
      problems: JSON.parse(row.problems) as RequestProblem[],
      senderAuthentication: row.sender_authentication,
      subject: row.subject,
      messageId: row.message_id,
      receivedAt: row.received_at,
      updatedAt: row.updated_at,
      version: row.version,
      idDocuments: this.documentsOf(row.id),
      events: events.map((event) => ({ ...event, detail: JSON.parse(event.detail) as Record<string, unknown> })),
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
