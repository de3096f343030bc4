import type { Clock } from '../clock';
import type { Language } from '../intake/intake-result';
import type { Db } from './database';
import type { EventLog, LogOwner } from './event-log';
import type { CancellationRequest } from './request-queue';

/** What the outbox needs to render a mail about a request later, frozen at the moment it was queued. */
export interface RequestMailPayload {
  request: Omit<CancellationRequest, 'events' | 'version'>;
  /** Staff's words for decision mails (a rejection reason, the information asked for) and free replies. */
  note: string | null;
  /** The staff member who wrote a free reply. */
  by?: string;
  queuedAt: string;
}

/** A staff reply to a mail in triage: there is no request, only the sender and their mail. */
export interface TriageMailPayload {
  triage: { id: number; language: Language; subject: string };
  note: string;
  queuedAt: string;
}

export type OutboxPayload = RequestMailPayload | TriageMailPayload;

/** Why a mail is sent; each picks its template and attachment in compose-mail. */
export type MailPurpose =
  | 'acknowledgement'
  | 'reply-received'
  | 'staff-reply'
  | 'decision-approved'
  | 'decision-closed'
  | 'decision-rejected'
  | 'decision-info-requested'
  | 'triage-reply';

/** What the customer received, kept in the request's conversation once the server accepted it. */
export interface SentCopy {
  from: string;
  subject: string;
  text: string;
  attachments: string[];
}

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

interface OutboxRow {
  id: number;
  purpose: MailPurpose;
  message_id: string;
  recipient: string;
  in_reply_to: string | null;
  thread_references: string;
  payload: string;
  attempts: number;
}

/** All SQL about outgoing mail: queued in the transaction of the change it announces, sent later. */
export class OutboxStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** The domain of our deterministic Message-IDs (that of MAIL_FROM). */
    private readonly messageIdDomain: string,
    private readonly events: EventLog,
  ) {}

  /**
   * Joins the caller's transaction: the mail is queued exactly when the change it announces commits.
   * `tag` names the conversation in the Message-ID (a request's reference). Returns the Message-ID.
   */
  enqueue(owner: LogOwner, tag: string, mail: { purpose: MailPurpose; recipient: string; inReplyTo: string | null; references: string[]; payload: OutboxPayload }): string {
    const [column, id] = 'requestId' in owner ? (['request_id', owner.requestId] as const) : (['triage_id', owner.triageId] as const);
    const sequence = this.db.prepare(`SELECT count(*) + 1 FROM outbox WHERE ${column} = ?`).pluck().get(id) as number;
    // Deterministic, so a resend after a crash carries the same Message-ID and threads as one mail.
    const messageId = `<${mail.purpose}.${tag}.${sequence}@${this.messageIdDomain}>`;
    this.db
      .prepare(
        `INSERT INTO outbox (${column}, purpose, message_id, recipient, in_reply_to, thread_references, payload, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, mail.purpose, messageId, mail.recipient, mail.inReplyTo, JSON.stringify([...new Set(mail.references)]), JSON.stringify(mail.payload), this.now(), this.now());
    this.events.append(owner, 'system', 'mail_queued', { purpose: mail.purpose, messageId });
    return messageId;
  }

  /** Mails due for sending, oldest first. */
  due(limit: number): OutboxMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?')
      .all(this.now(), limit) as OutboxRow[];
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

  markSent(message: OutboxMessage, copy: SentCopy): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(this.now(), message.id);
      const row = this.db.prepare('SELECT request_id, triage_id FROM outbox WHERE id = ?').get(message.id) as { request_id: number | null; triage_id: number | null };
      const owner: LogOwner = row.request_id !== null ? { requestId: row.request_id } : { triageId: row.triage_id! };
      this.events.append(owner, 'system', 'mail_sent', { purpose: message.purpose, messageId: message.messageId });
      if (row.request_id === null) return;
      const by = 'by' in message.payload ? (message.payload.by ?? null) : null;
      this.db
        .prepare(
          `INSERT INTO request_messages (request_id, direction, at, sender, subject, text, message_id, outbox_id, attachments, actor)
           VALUES (?, 'out', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.request_id, this.now(), copy.from, copy.subject, copy.text, message.messageId, message.id, JSON.stringify(copy.attachments), by);
    })();
  }

  markFailed(message: OutboxMessage, error: string, retryAt: Date): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error.slice(0, 500), retryAt.toISOString(), message.id);
  }

  /** Our Message-IDs in a request's conversation, oldest first, so that a new mail lands in the same thread. */
  messageIdsOf(requestId: number): string[] {
    return this.db.prepare('SELECT message_id FROM outbox WHERE request_id = ? ORDER BY id').pluck().all(requestId) as string[];
  }

  /** The request one of our Message-IDs was sent for, if any. */
  requestOf(messageId: string): number | null {
    return (this.db.prepare('SELECT request_id FROM outbox WHERE message_id = ?').pluck().get(messageId) as number | null | undefined) ?? null;
  }

  unsentCount(): number {
    return this.db.prepare('SELECT count(*) FROM outbox WHERE sent_at IS NULL').pluck().get() as number;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
