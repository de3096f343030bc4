import type { RequestProblem } from '../intake/intake-result';

/**
 * `approved`: staff approved, the account system has not confirmed yet. `closed`: the account system
 * confirmed the closure (its webhook answered 2xx), or staff recorded that it did.
 */
export const REQUEST_STATUSES = ['needs_info', 'pending_review', 'approved', 'closed', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Not decided yet: waiting for staff or for the customer. */
export function isUndecided(status: RequestStatus): boolean {
  return status === 'pending_review' || status === 'needs_info';
}

/** A request is reviewed only once complete; until then the customer is asked for what is missing. */
export function statusForProblems(problems: RequestProblem[]): RequestStatus {
  return problems.length === 0 ? 'pending_review' : 'needs_info';
}

/**
 * Only a complete request waiting for staff can be decided: a decided one stays decided, and one
 * waiting for the customer is decided once they have replied.
 */
export const DECIDABLE_STATUS: RequestStatus = 'pending_review';
