import type { Clock } from '../clock';
import type { Db } from './database';
import type { EventLog } from './event-log';
import type { OutboxStore } from './outbox-store';
import type { RequestQueue } from './request-queue';
import type { StaffStore } from './staff';
import type { TriageItem, TriageStore } from './triage-store';

/** What staff do with a mail in triage. */
export type TriageAction =
  | { kind: 'promote'; by: string }
  | { kind: 'reply'; by: string; message: string }
  | { kind: 'dismiss'; by: string; reason: string };

export type TriageActionResult =
  | { ok: true; item: TriageItem; reference: string | null }
  | { ok: false; conflict: 'unknown_staff' | 'not_found' }
  | { ok: false; conflict: 'settled' | 'changed'; current: TriageItem };

/** All SQL about settling triage items: each action is one transaction, whoever else acts at the same moment. */
export class TriageDecisions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly staff: StaffStore,
    private readonly triage: TriageStore,
    private readonly queue: RequestQueue,
    private readonly outbox: OutboxStore,
    private readonly events: EventLog,
  ) {}

  /** `expectedVersion` (from the page the staff member saw) makes a concurrent action lose cleanly. */
  apply(id: number, action: TriageAction, expectedVersion?: number): TriageActionResult {
    // IMMEDIATE takes the write lock before reading, so a second actor waits and then reads the first one's outcome.
    return this.db.transaction((): TriageActionResult => {
      const by = this.staff.enabledName(action.by);
      if (by === null) return { ok: false, conflict: 'unknown_staff' };
      const item = this.triage.find(id);
      if (!item) return { ok: false, conflict: 'not_found' };
      if (item.status !== 'open') return { ok: false, conflict: 'settled', current: item };
      if (expectedVersion !== undefined && expectedVersion !== item.version) return { ok: false, conflict: 'changed', current: item };
      const owner = { triageId: id };
      switch (action.kind) {
        case 'promote': {
          const request = this.queue.openRequest(
            {
              email: item.from,
              senderName: item.senderName,
              language: item.language,
              fields: item.fields,
              registrationDateAmbiguous: item.registrationDateAmbiguous,
              senderAuthentication: item.senderAuthentication,
              subject: item.subject,
              bodyText: item.bodyText,
              ownText: item.ownText,
              messageId: item.messageId,
              repliesTo: item.repliesTo,
              evidence: item.evidence,
              fieldDoubts: item.fieldDoubts,
              documents: item.documents,
              acknowledge: item.mayAcknowledge,
            },
            by,
            { promotedFromTriage: id },
          );
          this.triage.settle(id, 'promoted', by, request.id);
          this.events.append(owner, by, 'promoted', { reference: request.reference });
          return { ok: true, item: this.triage.find(id)!, reference: request.reference };
        }
        case 'reply': {
          const messageId = this.outbox.enqueue(owner, `T${id}`, {
            purpose: 'triage-reply',
            recipient: item.from,
            inReplyTo: item.messageId,
            references: [...item.repliesTo, ...(item.messageId ? [item.messageId] : [])],
            payload: { triage: { id, language: item.language, subject: item.subject }, note: action.message, queuedAt: this.clock.now().toISOString() },
          });
          this.triage.settle(id, 'replied', by, null);
          this.events.append(owner, by, 'replied', { message: action.message, messageId });
          return { ok: true, item: this.triage.find(id)!, reference: null };
        }
        case 'dismiss':
          this.triage.settle(id, 'dismissed', by, null);
          this.events.append(owner, by, 'dismissed', { reason: action.reason });
          return { ok: true, item: this.triage.find(id)!, reference: null };
      }
    }).immediate();
  }
}
