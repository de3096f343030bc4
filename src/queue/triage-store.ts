import type { Clock } from '../clock';
import type { Evidence, FieldDoubt, Language, RequestFields, SenderAuthentication } from '../intake/intake-result';
import type { Db } from './database';
import { DocumentKeys } from './document-keys';
import type { EventLog, EventType } from './event-log';
import { toStoredDocument, type DocumentRow, type IncomingMail, type StoredDocument } from './incoming-mail';

export const TRIAGE_STATUSES = ['open', 'promoted', 'replied', 'dismissed'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

/** A human mail that was not confidently a request, waiting for (or settled by) staff. */
export interface TriageItem {
  id: number;
  status: TriageStatus;
  from: string;
  senderName: string;
  subject: string;
  language: Language;
  senderAuthentication: SenderAuthentication;
  /** Whether an automatic mail may go to the sender once promoted (a usable address that was not forged). */
  mayAcknowledge: boolean;
  evidence: Evidence[];
  fields: RequestFields;
  registrationDateAmbiguous: boolean;
  fieldDoubts: FieldDoubt[];
  bodyText: string;
  ownText: string;
  messageId: string | null;
  repliesTo: string[];
  receivedAt: string;
  /** The request it became, once promoted. */
  reference: string | null;
  settledBy: string | null;
  settledAt: string | null;
  version: number;
  documents: StoredDocument[];
  events: { at: string; actor: string; type: string; detail: Record<string, unknown> }[];
}

interface TriageRow {
  id: number;
  status: TriageStatus;
  sender: string;
  sender_name: string;
  subject: string;
  language: Language;
  sender_authentication: SenderAuthentication;
  may_acknowledge: number;
  evidence: string;
  fields: string;
  field_doubts: string;
  body_text: string;
  own_text: string;
  message_id: string | null;
  replies_to: string;
  received_at: string;
  reference: string | null;
  settled_by: string | null;
  settled_at: string | null;
  version: number;
}

const SELECT_ITEM = `SELECT triage_items.*, requests.reference FROM triage_items LEFT JOIN requests ON requests.id = triage_items.request_id`;

/** All SQL about triage: unsorted human mail kept for staff, with its documents and its own event log. */
export class TriageStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  /** Joins the caller's transaction: the item, its documents, its first event, and the mail marked handled. */
  record(incoming: IncomingMail): number {
    const { result } = incoming;
    const now = this.now();
    const fields = { ...result.fields, registrationDateAmbiguous: incoming.registrationDateAmbiguous };
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO triage_items (message_key, sender, sender_name, subject, language, sender_authentication, may_acknowledge, evidence, fields,
           field_doubts, body_text, own_text, message_id, replies_to, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        incoming.messageKey,
        result.from,
        incoming.senderName,
        result.subject,
        result.language,
        result.senderAuthentication,
        incoming.answerable ? 1 : 0,
        JSON.stringify(result.evidence),
        JSON.stringify(fields),
        JSON.stringify(result.fieldDoubts),
        incoming.bodyText,
        incoming.ownText,
        result.messageId,
        JSON.stringify(incoming.repliesTo),
        now,
      );
    const id = Number(lastInsertRowid);
    const insert = this.db.prepare(
      `INSERT INTO triage_documents (triage_id, position, filename, content_type, declared_type, size, sha256, valid, problem, vault_id, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    new DocumentKeys(this.db).recordFor(incoming.documents);
    incoming.documents.forEach((document, index) =>
      insert.run(id, index + 1, document.filename, document.contentType, document.declaredType, document.size, document.sha256, document.valid ? 1 : 0, document.problem, document.vaultId, now),
    );
    this.events.append({ triageId: id }, 'intake', 'received', { messageId: result.messageId, evidence: result.evidence.map((item) => item.signal) });
    this.db
      .prepare('INSERT INTO handled_messages (message_key, handled_at, outcome, kind, reason, triage_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(incoming.messageKey, now, 'triaged', result.kind, 'not confidently a request', id);
    return id;
  }

  find(id: number): TriageItem | null {
    const row = this.db.prepare(`${SELECT_ITEM} WHERE triage_items.id = ?`).get(id) as TriageRow | undefined;
    return row ? this.toItem(row) : null;
  }

  /** Oldest first. */
  list(status: TriageStatus | 'all' = 'open'): TriageItem[] {
    const rows = this.db.prepare(`${SELECT_ITEM} WHERE (@status = 'all' OR triage_items.status = @status) ORDER BY triage_items.received_at, triage_items.id`).all({ status }) as TriageRow[];
    return rows.map((row) => this.toItem(row));
  }

  openCount(): number {
    return this.db.prepare("SELECT count(*) FROM triage_items WHERE status = 'open'").pluck().get() as number;
  }

  /** Joins the caller's transaction: closes an item the caller found open. */
  settle(id: number, status: Exclude<TriageStatus, 'open'>, by: string, requestId: number | null): void {
    this.db
      .prepare("UPDATE triage_items SET status = ?, settled_by = ?, settled_at = ?, request_id = ?, version = version + 1 WHERE id = ? AND status = 'open'")
      .run(status, by, this.now(), requestId, id);
  }

  /** Records a look at one of an item's documents. */
  recordEvent(id: number, actor: string, type: EventType, detail: Record<string, unknown>): void {
    this.events.append({ triageId: id }, actor, type, detail);
  }


  private toItem(row: TriageRow): TriageItem {
    const { registrationDateAmbiguous, ...fields } = JSON.parse(row.fields) as RequestFields & { registrationDateAmbiguous: boolean };
    const documents = (this.db.prepare('SELECT * FROM triage_documents WHERE triage_id = ? ORDER BY position').all(row.id) as DocumentRow[]).map(toStoredDocument);
    const events = (this.db.prepare('SELECT at, actor, type, detail FROM triage_events WHERE triage_id = ? ORDER BY id').all(row.id) as { at: string; actor: string; type: string; detail: string }[]).map(
      (event) => ({ ...event, detail: JSON.parse(event.detail) as Record<string, unknown> }),
    );
    return {
      id: row.id,
      status: row.status,
      from: row.sender,
      senderName: row.sender_name,
      subject: row.subject,
      language: row.language,
      senderAuthentication: row.sender_authentication,
      mayAcknowledge: row.may_acknowledge === 1,
      evidence: JSON.parse(row.evidence) as Evidence[],
      fields,
      registrationDateAmbiguous,
      fieldDoubts: JSON.parse(row.field_doubts) as FieldDoubt[],
      bodyText: row.body_text,
      ownText: row.own_text,
      messageId: row.message_id,
      repliesTo: JSON.parse(row.replies_to) as string[],
      receivedAt: row.received_at,
      reference: row.reference,
      settledBy: row.settled_by,
      settledAt: row.settled_at,
      version: row.version,
      documents,
      events,
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
