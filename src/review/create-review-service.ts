import { isCalendarDay } from '../clock';
import type { AccountStore } from '../queue/accounts';
import type { DecisionChange, DecisionResult, DecisionState, DecisionStore } from '../queue/decisions';
import type { HandoffStore } from '../queue/handoffs';
import type { RequestQueue } from '../queue/request-queue';
import type { ReviewStore } from '../queue/review-store';
import type { Vault } from '../queue/vault';
import { checkSummary, needsCloserReview, preChecks, type DirectoryLookup } from './pre-checks';
import { refused, saying, type RefusalSaying, type Saying } from './refusals';
import type { Correction, Decision, DecisionOutcome, ReviewService } from './review-service';

export interface ReviewDependencies {
  queue: RequestQueue;
  decisions: DecisionStore;
  reviews: ReviewStore;
  accounts: AccountStore;
  handoffs: HandoffStore;
  vault: Vault;
  /** Approvals are handed to the account system only when ACCOUNT_WEBHOOK_URL is set; else they are exported. */
  handOff: boolean;
  /** Today in the desk's time zone, 'YYYY-MM-DD': no registration date can be later. */
  today: () => string;
}

/** The review core behind the CLI and the web console. Nothing here approves anything on its own. */
export function createReviewService(deps: ReviewDependencies): ReviewService {
  const directoryFor = (username: string | null): DirectoryLookup =>
    deps.accounts.isEmpty() ? { imported: false } : { imported: true, account: username === null ? null : deps.accounts.find(username) };

  /**
   * Brings the stored check summaries up to date: only requests something happened to since (a new
   * one, a reply, an edit, an account import, a shared document or username) are checked again.
   */
  const refreshStaleChecks = () => {
    const imported = !deps.accounts.isEmpty();
    for (let batch = deps.reviews.unchecked(500); batch.length > 0; batch = deps.reviews.unchecked(500)) {
      deps.reviews.storeChecks(
        batch.map((request) => ({
          id: request.id,
          ...checkSummary(preChecks({ ...request, related: deps.reviews.related(request.id) }, imported ? { imported, account: request.account } : { imported })),
        })),
      );
    }
  };

  return {
    decide(reference, decision, expectedVersion) {
      let result: DecisionResult;
      if (decision.kind === 'close') {
        result = deps.decisions.close(reference, decision.by, decision.via ?? 'staff', decision.note?.trim() || null, expectedVersion, decision.osUser);
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
      if (text === '') return refused('missing_text', saying(words.kind === 'reply' ? 'reply_needs_text' : 'note_needs_text'));
      const result = deps.decisions.write(reference, words.by, words.kind, text);
      if (!result.ok) {
        return result.conflict === 'not_found' ? refused('not_found', saying('no_request', { reference })) : refused('unknown_staff', saying('not_enabled_staff', { name: words.by }));
      }
      return { ok: true, request: deps.queue.findRequest(reference)! };
    },

    correct(reference, correction, expectedVersion) {
      const value = correctedValue(correction, deps.today());
      if (!value.ok) return refused('invalid_value', value.said);
      const result = deps.decisions.correct(reference, correction.by, correction.field, value.value, expectedVersion);
      if (!result.ok) {
        if (result.conflict === 'not_found') return refused('not_found', saying('no_request', { reference }));
        if (result.conflict === 'changed') return refused('decided_concurrently', saying('changed_before_correcting', { reference }));
        return refused('unknown_staff', saying('not_enabled_staff', { name: correction.by }));
      }
      return { ok: true, request: deps.queue.findRequest(reference)! };
    },

    assign(reference, by, to) {
      const result = deps.decisions.assign(reference, by, to);
      if (!result.ok) {
        if (result.conflict === 'not_found') return refused('not_found', saying('no_request', { reference }));
        return refused('unknown_staff', saying('not_enabled_staff', { name: (result.conflict === 'unknown_assignee' ? to : by) ?? '' }));
      }
      return { ok: true, request: deps.queue.findRequest(reference)! };
    },

    markRead(reference) {
      deps.decisions.markRead(reference);
    },

    review(reference) {
      const request = deps.queue.findRequest(reference);
      if (!request) return null;
      const id = deps.reviews.idOf(reference)!;
      const checks = preChecks(
        {
          email: request.email,
          ...request.fields,
          senderAuthentication: request.senderAuthentication,
          idDocuments: request.idDocuments.filter((document) => document.counted !== false),
          related: deps.reviews.related(id),
        },
        directoryFor(request.fields.username),
      );
      return {
        request,
        checks,
        needsCloserReview: needsCloserReview(checks),
        bodyText: deps.reviews.bodyText(reference)!,
        handoff: deps.handoffs.of(reference),
        otherRequests: deps.reviews.otherRequestsOf(id),
      };
    },

    counts: () => deps.reviews.counts(),
    assignedCount: (staffName) => deps.reviews.assignedCount(staffName),

    list(filter) {
      if (!Number.isInteger(filter.page) || filter.page < 1 || !Number.isInteger(filter.pageSize) || filter.pageSize < 1) {
        throw new RangeError(`page ${filter.page} of size ${filter.pageSize} is no page`);
      }
      refreshStaleChecks();
      const check = filter.check === undefined ? undefined : filter.check === 'clear' ? 'clear' : 'fail';
      const { items, total, totalCapped } = deps.reviews.page(
        { status: filter.status, search: filter.search?.trim(), unread: filter.unread, check, assignedTo: filter.assignedTo },
        (filter.page - 1) * filter.pageSize,
        filter.pageSize,
      );
      return {
        items: items.map(({ checkState, checkCounts, ...item }) => ({ ...item, needsCloserReview: checkState === 'fail', checkState, checkCounts })),
        total,
        totalCapped,
        counts: deps.reviews.counts(),
      };
    },

    async openDocument(reference, position, viewer, via) {
      const document = deps.queue.findRequest(reference)?.idDocuments.find((candidate) => candidate.position === position);
      // Removed by retention: its name and SHA-256 stay on the request, its content is gone.
      if (!document || document.purgedAt !== null) return null;
      const content = await deps.vault.get(document.vaultId);
      deps.reviews.recordEvent(reference, viewer, 'document_viewed', { via, position, filename: document.filename });
      return { document, content };
    },
  };
}

/** A corrected value as the queue stores it, or why it is not one. */
function correctedValue(correction: Correction, today: string): { ok: true; value: string } | { ok: false; said: Saying } {
  const value = correction.value.normalize('NFC').trim();
  if (value === '') return { ok: false, said: saying('value_empty', { field: correction.field }) };
  if (/\p{Cc}/u.test(correction.field === 'reason' ? value.replace(/\r?\n/g, ' ') : value)) return { ok: false, said: saying('value_control_characters', { field: correction.field }) };
  if (correction.field === 'username' && value.length > 100) return { ok: false, said: saying('username_too_long', { max: '100' }) };
  if (correction.field === 'reason' && value.length > 2000) return { ok: false, said: saying('reason_too_long', { max: '2000' }) };
  if (correction.field === 'registrationDate') {
    const day = /^\d{4}-\d{2}$/.test(value) ? `${value}-01` : value;
    if (!isCalendarDay(day)) return { ok: false, said: saying('date_not_a_day') };
    if (day > today) return { ok: false, said: saying('date_in_future', { today }) };
  }
  return { ok: true, value };
}

/** What a decision changes, or why it cannot be taken as given. */
function decisionChange(reference: string, decision: Exclude<Decision, { kind: 'close' }>, expectedVersion: number | undefined, handOff: boolean): DecisionChange | DecisionOutcome {
  const common = { reference, by: decision.by, expectedVersion, osUser: decision.osUser };
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
      if (reason === '') return refused('missing_text', saying('rejection_needs_reason'));
      return { ...common, to: 'rejected', event: { type: 'rejected', detail: { reason } }, mail: { purpose: 'decision-rejected', note: reason }, words: reason, handOff: false };
    }
    case 'request_info': {
      const message = decision.message.trim();
      if (message === '') return refused('missing_text', saying('info_request_needs_message'));
      return { ...common, to: 'needs_info', event: { type: 'info_requested', detail: { message } }, mail: { purpose: 'decision-info-requested', note: message }, words: message, handOff: false };
    }
  }
}

const CANNOT: Record<Decision['kind'], RefusalSaying> = { approve: 'cannot_approve', reject: 'cannot_reject', request_info: 'cannot_request_info', close: 'cannot_close' };

function refusal(reference: string, decision: Decision, result: Exclude<DecisionResult, { ok: true }>): DecisionOutcome {
  switch (result.conflict) {
    case 'unknown_staff':
      return refused('unknown_staff', saying('not_enabled_staff', { name: decision.by }));
    case 'not_found':
      return refused('not_found', saying('no_request', { reference }));
    case 'changed':
      return refused('decided_concurrently', saying('changed', { reference }), standing(result.current));
    case 'not_decidable':
      return refused('illegal_transition', saying(CANNOT[decision.kind], { reference }), standing(result.current));
  }
}

/** Where a request stands, naming who decided it and when. */
function standing(state: DecisionState): Saying {
  const by = state.decidedBy === null ? null : { by: state.decidedBy, at: state.decidedAt ?? '' };
  switch (state.status) {
    case 'approved':
      return by ? saying('already_approved_by', by) : saying('already_approved');
    case 'closed':
    case 'rejected':
      return by ? saying('already_decided_by', { status: state.status, ...by }) : saying('already_decided', { status: state.status });
    case 'needs_info':
      return by ? saying('waiting_for_customer_by', by) : saying('waiting_for_customer');
    case 'pending_review':
      return saying('customer_sent_more');
  }
}
