import type { Clock } from '../clock';
import type { Db } from './database';

/** Whose append-only log an event joins: a request's, or a mail's in triage. */
export type LogOwner = { requestId: number } | { triageId: number };

/** The audit trail: every change to a request or a triage item, who made it and when. Rows are never updated or deleted (triggers). */
export class EventLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Joins the caller's transaction. */
  append(owner: LogOwner, actor: string, type: string, detail: Record<string, unknown>): void {
    const [table, column, id] = 'requestId' in owner ? (['request_events', 'request_id', owner.requestId] as const) : (['triage_events', 'triage_id', owner.triageId] as const);
    this.db.prepare(`INSERT INTO ${table} (${column}, at, actor, type, detail) VALUES (?, ?, ?, ?, ?)`).run(id, this.clock.now().toISOString(), actor, type, JSON.stringify(detail));
  }
}
