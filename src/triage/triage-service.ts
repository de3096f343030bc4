import type { StoredDocument } from '../queue/incoming-mail';
import type { TriageAction, TriageDecisions } from '../queue/triage-decisions';
import type { TriageItem, TriageStatus, TriageStore } from '../queue/triage-store';
import type { Vault } from '../queue/vault';
import { refused, saying, type RefusalSaying, type Saying } from '../review/refusals';

export type { TriageAction } from '../queue/triage-decisions';
export type { TriageItem, TriageStatus } from '../queue/triage-store';

export type TriageRefusal = 'not_found' | 'settled' | 'changed' | 'missing_text' | 'unknown_staff';

export type TriageOutcome =
  | { ok: true; item: TriageItem; /** The request a promotion opened. */ reference: string | null }
  /** `message` in English; `said` the same as codes and values, for a face that words it in the reader's language. */
  | { ok: false; reason: TriageRefusal; message: string; said: Saying[] };

/**
 * Unsorted mail, as staff faces (CLI, web console) see it: human mail intake was not sure was a
 * request. Staff promote it to a request, reply to it, or dismiss it; nothing here acts on its own.
 */
export interface TriageService {
  /** Oldest first; open items by default. */
  list(status?: TriageStatus | 'all'): TriageItem[];
  find(id: number): TriageItem | null;
  openCount(): number;
  act(id: number, action: TriageAction, expectedVersion?: number): TriageOutcome;
  /** Decrypts one document (1-based position) and records who looked at it, and through which face. */
  openDocument(id: number, position: number, viewer: string, via: 'cli' | 'web'): Promise<{ document: StoredDocument; content: Buffer } | null>;
}

const CANNOT: Record<TriageAction['kind'], RefusalSaying> = { promote: 'cannot_promote_mail', reply: 'cannot_answer_mail', dismiss: 'cannot_dismiss_mail' };

export function createTriageService(deps: { triage: TriageStore; decisions: TriageDecisions; vault: Vault }): TriageService {
  return {
    list: (status = 'open') => deps.triage.list(status),
    find: (id) => deps.triage.find(id),
    openCount: () => deps.triage.openCount(),

    act(id, action, expectedVersion) {
      const text = action.kind === 'reply' ? action.message.trim() : action.kind === 'dismiss' ? action.reason.trim() : null;
      if (text === '') {
        return refused('missing_text', saying(action.kind === 'reply' ? 'triage_reply_needs_text' : 'dismissal_needs_reason'));
      }
      const trimmed: TriageAction = action.kind === 'reply' ? { ...action, message: text! } : action.kind === 'dismiss' ? { ...action, reason: text! } : action;
      const result = deps.decisions.apply(id, trimmed, expectedVersion);
      if (result.ok) return { ok: true, item: result.item, reference: result.reference };
      switch (result.conflict) {
        case 'unknown_staff':
          return refused('unknown_staff', saying('not_enabled_staff', { name: action.by }));
        case 'not_found':
          return refused('not_found', saying('no_mail', { id: String(id) }));
        case 'settled':
          return refused(
            'settled',
            saying(CANNOT[action.kind], { id: String(id) }),
            saying('mail_already_settled', { settled: result.current.status, by: result.current.settledBy ?? '', at: result.current.settledAt ?? '' }),
          );
        case 'changed':
          return refused('changed', saying('mail_changed', { id: String(id) }));
      }
    },

    async openDocument(id, position, viewer, via) {
      const document = deps.triage.find(id)?.documents.find((candidate) => candidate.position === position);
      if (!document) return null;
      const content = await deps.vault.get(document.vaultId);
      deps.triage.recordEvent(id, viewer, 'document_viewed', { via, position, filename: document.filename });
      return { document, content };
    },
  };
}
