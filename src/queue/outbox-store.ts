import type { Clock } from '../clock';
import type { Language } from '../intake/intake-result';
import type { Db } from './database';
import type { EventLog, LogOwner } from './event-log';
import { LeasedRows, UNCLAIMED } from './leases';
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

/** Mail nobody wrote: a reply to a reply to an auto-responder must not go on for ever. */
export const AUTOMATIC_PURPOSES: readonly MailPurpose[] = ['acknowledgement', 'reply-received'];
const AUTOMATIC_SQL = AUTOMATIC_PURPOSES.map((purpose) => `'${purpose}'`).join(', ');

/** Storm limits on automatic mail; staff-written mail is never held back by them. */
export interface AutomaticMailLimits {
  /** At most this many automatic mails to one address in 24 hours; beyond it none is queued. */
  perSender: number;
  /** At most this many automatic mails sent in any hour, all addresses together; beyond it they wait. */
  perHour: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

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
  private readonly leases: LeasedRows;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** The domain of our deterministic Message-IDs (that of MAIL_FROM). */
    private readonly messageIdDomain: string,
    private readonly events: EventLog,
    private readonly limits: AutomaticMailLimits,
  ) {
    this.leases = new LeasedRows(db, clock, 'outbox', 'sent_at');
  }

  /**
   * Joins the caller's transaction: the mail is queued exactly when the change it announces commits.
   * `tag` names the conversation in the Message-ID (a request's reference). Returns the Message-ID,
   * or null when the mail is automatic and its recipient has had ACK_LIMIT_PER_SENDER of those in
   * 24 hours: an auto-responder answering each of our mails with a new one ends there, recorded on
   * the owner so that staff see why nothing went out.
   */
  enqueue(owner: LogOwner, tag: string, mail: { purpose: MailPurpose; recipient: string; inReplyTo: string | null; references: string[]; payload: OutboxPayload }): string | null {
    const [column, id] = 'requestId' in owner ? (['request_id', owner.requestId] as const) : (['triage_id', owner.triageId] as const);
    if (AUTOMATIC_PURPOSES.includes(mail.purpose) && this.automaticMailsTo(mail.recipient) >= this.limits.perSender) {
      this.events.append(owner, 'system', 'acknowledgement_withheld', { reason: 'sender_limit', purpose: mail.purpose, limit: this.limits.perSender, hours: 24 });
      return null;
    }
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

  /** Mails due for sending, oldest first, whoever may be sending them. */
  due(limit: number): OutboxMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?')
      .all(this.now(), limit) as OutboxRow[];
    return rows.map(toMessage);
  }

  /**
   * Up to `limit` of the oldest due mails nobody else is sending, leased to this process. Automatic
   * mail waits while the hour's ACK_LIMIT_PER_HOUR is spent; staff-written mail goes out regardless.
   * A batch takes no more automatic mail than the hour has room for.
   */
  claimDue(limit: number): OutboxMessage[] {
    const rows = this.leases.claim((now) => {
      let room = Math.max(0, this.limits.perHour - this.automaticMailsThisHour());
      return (
        this.db
          .prepare(
            `SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= @now AND ${UNCLAIMED}
               AND (@automaticAllowed = 1 OR purpose NOT IN (${AUTOMATIC_SQL}))
             ORDER BY next_attempt_at, id LIMIT @limit`,
          )
          .all({ now, limit, automaticAllowed: room > 0 ? 1 : 0 }) as OutboxRow[]
      ).filter((row) => !AUTOMATIC_PURPOSES.includes(row.purpose) || room-- > 0);
    });
    return rows.map(toMessage);
  }

  /** Gives back mails claimed by `claimDue` and not attempted. */
  release(messages: OutboxMessage[]): void {
    this.leases.release(messages.map((message) => message.id));
  }

  /** Whether automatic mail waits because ACK_LIMIT_PER_HOUR of it went out (or is going out) within the last hour. */
  sendingPaused(): boolean {
    return this.automaticMailsThisHour() >= this.limits.perHour;
  }

  /**
   * Counted up to the limit and no further: whether the hour has room is all that is asked, and a
   * count of every mail sent within the hour, at every claim, grew with each one sent.
   */
  private automaticMailsThisHour(): number {
    const now = this.clock.now();
    return this.db
      .prepare(
        // Two counts rather than one OR, so that each is read from an index (outbox_by_sent, outbox_due).
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE sent_at > @since AND purpose IN (${AUTOMATIC_SQL}) LIMIT @limit))
              + (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND claimed_until > @now AND purpose IN (${AUTOMATIC_SQL}))`,
      )
      .pluck()
      .get({ since: new Date(now.getTime() - HOUR_MS).toISOString(), now: now.toISOString(), limit: this.limits.perHour }) as number;
  }

  /**
   * A mail another process also sent (its lease ran out under a hung send) is recorded once: the
   * first to finish records it.
   */
  markSent(message: OutboxMessage, copy: SentCopy): void {
    this.db.transaction(() => {
      const { changes } = this.db
        .prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE id = ? AND sent_at IS NULL')
        .run(this.now(), message.id);
      if (changes === 0) return;
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
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ? AND claimed_by = ? AND sent_at IS NULL')
      .run(error.slice(0, 500), retryAt.toISOString(), message.id, this.leases.holder);
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

  private automaticMailsTo(recipient: string): number {
    return this.db
      .prepare(`SELECT count(*) FROM outbox WHERE recipient = ? AND purpose IN (${AUTOMATIC_SQL}) AND created_at > ?`)
      .pluck()
      .get(recipient, new Date(this.clock.now().getTime() - DAY_MS).toISOString()) as number;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    purpose: row.purpose,
    messageId: row.message_id,
    recipient: row.recipient,
    inReplyTo: row.in_reply_to,
    references: JSON.parse(row.thread_references) as string[],
    payload: JSON.parse(row.payload) as OutboxPayload,
    attempts: row.attempts,
  };
}
