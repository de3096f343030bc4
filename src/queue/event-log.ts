import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from './database';

/**
 * Every kind of event the desk records, on a request or on a mail in triage. The one list: `append`
 * takes nothing else, and the console names each of them in both its languages.
 */
export const EVENT_TYPES = [
  'received',
  'reply_received',
  'acknowledgement_withheld',
  'approved',
  'rejected',
  'info_requested',
  'closed',
  'replied',
  'note_added',
  'field_corrected',
  'assigned',
  'unassigned',
  'promoted',
  'dismissed',
  'mail_queued',
  'mail_sent',
  'account_handoff_delivered',
  'document_viewed',
  'retention_purged',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Whose append-only log an event joins: a request's, or a mail's in triage. */
export type LogOwner = { requestId: number } | { triageId: number };

/** The audit trail: every change to a request or a triage item, who made it and when. Rows are never updated or deleted (triggers). */
export class EventLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Joins the caller's transaction, which holds the write lock: nobody else appends between reading the chain's end and extending it. */
  append(owner: LogOwner, actor: string, type: EventType, detail: Record<string, unknown>): void {
    const [log, ownerId] = 'requestId' in owner ? ([LOGS[0], owner.requestId] as const) : ([LOGS[1], owner.triageId] as const);
    const last = this.db.prepare(`SELECT id, hash FROM ${log.table} ORDER BY id DESC LIMIT 1`).get() as { id: number; hash: string | null } | undefined;
    const event: ChainedEvent = { id: (last?.id ?? 0) + 1, owner: ownerId, at: this.clock.now().toISOString(), actor, type, detail: JSON.stringify(detail) };
    this.db
      .prepare(`INSERT INTO ${log.table} (id, ${log.owner}, at, actor, type, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(event.id, event.owner, event.at, event.actor, event.type, event.detail, chainHash(log.table, last?.hash ?? '', event));
  }

  /**
   * Walks both logs from their first chained event: an edited event no longer matches its hash, a
   * removed or reordered one breaks the link to the next. Events from before the chain are counted.
   */
  verify(): AuditVerdict {
    const logs = LOGS.map((log) => {
      let previous = '';
      let chained = 0;
      let unchained = 0;
      const broken: { id: number; why: string }[] = [];
      let expectedId: number | null = null;
      for (const row of this.db.prepare(`SELECT id, ${log.owner} AS owner, at, actor, type, detail, hash FROM ${log.table} ORDER BY id`).iterate() as Iterable<ChainedEvent & { hash: string | null }>) {
        if (row.hash === null) {
          if (chained > 0) broken.push({ id: row.id, why: 'an event without a hash after the chain began' });
          else unchained++;
          continue;
        }
        if (expectedId !== null && row.id !== expectedId) broken.push({ id: row.id, why: `event ${expectedId}${row.id - expectedId > 1 ? `–${row.id - 1}` : ''} is missing` });
        if (row.hash !== chainHash(log.table, previous, row)) broken.push({ id: row.id, why: 'does not match its hash: edited, or out of order' });
        previous = row.hash;
        expectedId = row.id + 1;
        chained++;
      }
      return { log: log.table, chained, unchained, head: previous, broken };
    });
    return { intact: logs.every((log) => log.broken.length === 0), logs };
  }

  /** The database refuses to change or delete an event only while these triggers exist. */
  missingGuards(): string[] {
    const present = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]);
    return LOGS.flatMap((log) => [`${log.table}_are_append_only_update`, `${log.table}_are_append_only_delete`]).filter((name) => !present.has(name));
  }

  /** Puts removed guards back, once staff have seen what `verify` says of the logs. */
  restoreGuards(): void {
    this.db.transaction(() => {
      for (const log of LOGS) {
        for (const operation of ['update', 'delete'] as const) {
          this.db.exec(
            `CREATE TRIGGER IF NOT EXISTS ${log.table}_are_append_only_${operation} BEFORE ${operation.toUpperCase()} ON ${log.table}
             BEGIN SELECT RAISE(ABORT, '${log.table} is append-only'); END;`,
          );
        }
      }
    })();
  }
}

export interface AuditVerdict {
  intact: boolean;
  logs: { log: string; chained: number; unchained: number; head: string; broken: { id: number; why: string }[] }[];
}

interface ChainedEvent {
  id: number;
  owner: number;
  at: string;
  actor: string;
  type: string;
  detail: string;
}

const LOGS = [
  { table: 'request_events', owner: 'request_id' },
  { table: 'triage_events', owner: 'triage_id' },
] as const;

function chainHash(table: string, previous: string, event: ChainedEvent): string {
  return createHash('sha256').update(JSON.stringify([table, previous, event.id, event.owner, event.at, event.actor, event.type, event.detail])).digest('hex');
}
