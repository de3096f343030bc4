import type { AccountStore } from '../queue/accounts';
import type { DecisionChange, DecisionResult, DecisionState, DecisionStore } from '../queue/decisions';
import type { HandoffStore } from '../queue/handoffs';
import type { RequestQueue } from '../queue/request-queue';
import type { ReviewStore } from '../queue/review-store';
import type { Vault } from '../queue/vault';
import { needsCloserReview, preChecks, type DirectoryLookup } from './pre-checks';
import type { Decision, DecisionOutcome, ReviewService } from './review-service';

export interface ReviewDependencies {
  queue: RequestQueue;
  decisions: DecisionStore;
  reviews: ReviewStore;
  accounts: AccountStore;
  handoffs: HandoffStore;
  vault: Vault;
  /** Approvals are handed to the account system only when ACCOUNT_WEBHOOK_URL is set; else they are exported. */
  handOff: boolean;
}

/** The review core behind the CLI and the web console. Nothing here approves anything on its own. */
export function createReviewService(deps: ReviewDependencies): ReviewService {
  const directoryFor = (username: string | null): DirectoryLookup =>
    deps.accounts.isEmpty() ? { imported: false } : { imported: true, account: username === null ? null : deps.accounts.find(username) };

  return {
    decide(reference, decision, expectedVersion) {
      let result: DecisionResult;
      if (decision.kind === 'close') {
        result = deps.decisions.close(reference, decision.by, decision.via ?? 'staff', decision.note?.trim() || null, expectedVersion);
      } else {
        const change = decisionChange(reference, decision, expectedVersion, deps.handOff);
        if ('ok' in change) return change;
        result = deps.decisions.apply(change);
      }
      if (!result.ok) return refusal(reference, decision, result);
      return { ok: true, request: deps.queue.findRequest(reference)! };
    },

    write(reference, words) {
      const text = words.text.trim();
      if (text === '') return { ok: false, reason: 'missing_text', message: words.kind === 'reply' ? 'a reply needs a message for the customer' : 'a note needs some text' };
      const result = deps.decisions.write(reference, words.by, words.kind, text);
      if (!result.ok) {
        return result.conflict === 'not_found'
          ? { ok: false, reason: 'not_found', message: `no request ${reference}` }
          : { ok: false, reason: 'unknown_staff', message: `${words.by} is not an enabled staff member` };
      }
      return { ok: true, request: deps.queue.findRequest(reference)! };
    },

    assign(reference, by, to) {
      const result = deps.decisions.assign(reference, by, to);
      if (!result.ok) {
        const message = { not_found: `no request ${reference}`, unknown_staff: `${by} is not an enabled staff member`, unknown_assignee: `${to} is not an enabled staff member` }[result.conflict];
        return { ok: false, reason: result.conflict === 'not_found' ? 'not_found' : 'unknown_staff', message };
      }
      return { ok: true, request: deps.queue.findRequest(reference)! };
    },

    markRead(reference) {
      deps.decisions.markRead(reference);
    },

    review(reference) {
      const request = deps.queue.findRequest(reference);
      if (!request) return null;
      const checks = preChecks(
        { email: request.email, ...request.fields, senderAuthentication: request.senderAuthentication, idDocuments: request.idDocuments },
        directoryFor(request.fields.username),
      );
      return { request, checks, needsCloserReview: needsCloserReview(checks), bodyText: deps.reviews.bodyText(reference)!, handoff: deps.handoffs.of(reference) };
    },

    list(filter) {
      if (!Number.isInteger(filter.page) || filter.page < 1 || !Number.isInteger(filter.pageSize) || filter.pageSize < 1) {
        throw new RangeError(`page ${filter.page} of size ${filter.pageSize} is no page`);
      }
      const imported = !deps.accounts.isEmpty();
      const matching = deps.reviews
        .listed({ status: filter.status, search: filter.search?.trim(), unread: filter.unread, assignedTo: filter.assignedTo })
        .map((request) => ({
          reference: request.reference,
          status: request.status,
          email: request.email,
          username: request.username,
          receivedAt: request.receivedAt,
          unreadSince: request.unreadSince,
          dueDate: request.dueDate,
          assignedTo: request.assignedTo,
          needsCloserReview: needsCloserReview(preChecks(request, imported ? { imported, account: request.account } : { imported })),
        }))
        .filter((summary) => filter.check === undefined || summary.needsCloserReview === (filter.check === 'needs_closer_review'));
      const start = (filter.page - 1) * filter.pageSize;
      return { items: matching.slice(start, start + filter.pageSize), total: matching.length, counts: deps.reviews.counts() };
    },

    async openDocument(reference, position, viewer, via) {
      const document = deps.queue.findRequest(reference)?.idDocuments.find((candidate) => candidate.position === position);
      if (!document) return null;
      const content = await deps.vault.get(document.vaultId);
      deps.reviews.recordEvent(reference, viewer, 'document_viewed', { via, position, filename: document.filename });
      return { document, content };
    },
  };
}

/** What a decision changes, or why it cannot be taken as given. */
function decisionChange(reference: string, decision: Exclude<Decision, { kind: 'close' }>, expectedVersion: number | undefined, handOff: boolean): DecisionChange | DecisionOutcome {
  const common = { reference, by: decision.by, expectedVersion };
  switch (decision.kind) {
    case 'approve':
      // The note is for colleagues, not for the customer: it goes into the event log only.
      return {
        ...common,
        to: 'approved',
        event: { type: 'approved', detail: { note: decision.note?.trim() || null } },
        mail: { purpose: 'decision-approved', note: null },
        words: decision.note?.trim() || null,
        handOff,
      };
    case 'reject': {
      const reason = decision.reason.trim();
      if (reason === '') return { ok: false, reason: 'missing_text', message: 'a rejection needs a reason: the customer is told why' };
      return { ...common, to: 'rejected', event: { type: 'rejected', detail: { reason } }, mail: { purpose: 'decision-rejected', note: reason }, words: reason, handOff: false };
    }
    case 'request_info': {
      const message = decision.message.trim();
      if (message === '') return { ok: false, reason: 'missing_text', message: 'a request for information needs a message saying what the customer should send' };
      return { ...common, to: 'needs_info', event: { type: 'info_requested', detail: { message } }, mail: { purpose: 'decision-info-requested', note: message }, words: message, handOff: false };
    }
  }
}

const DONE: Record<Decision['kind'], string> = { approve: 'approved', reject: 'rejected', request_info: 'sent back for more information', close: 'recorded as closed' };

function refusal(reference: string, decision: Decision, result: Exclude<DecisionResult, { ok: true }>): DecisionOutcome {
  switch (result.conflict) {
    case 'unknown_staff':
      return { ok: false, reason: 'unknown_staff', message: `${decision.by} is not an enabled staff member` };
    case 'not_found':
      return { ok: false, reason: 'not_found', message: `no request ${reference}` };
    case 'changed':
      return { ok: false, reason: 'decided_concurrently', message: `${reference} changed while you were looking at it: ${standing(result.current)}` };
    case 'not_decidable':
      return { ok: false, reason: 'illegal_transition', message: `${reference} cannot be ${DONE[decision.kind]}: ${standing(result.current)}` };
  }
}

/** Where a request stands, naming who decided it and when. */
function standing(state: DecisionState): string {
  const by = state.decidedBy === null ? '' : ` by ${state.decidedBy} at ${state.decidedAt}`;
  switch (state.status) {
    case 'approved':
      return `it was already approved${by}, and waits for the account system to close the account`;
    case 'closed':
    case 'rejected':
      return `it was already ${state.status}${by}`;
    case 'needs_info':
      return `it is waiting for information from the customer${by && ` (asked${by})`}, and can be decided once they reply`;
    case 'pending_review':
      return 'the customer has sent more information since; look at it again before deciding';
  }
}
