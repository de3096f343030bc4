import type { Evidence, EvidenceSignal } from './intake-result';

/**
 * How much each signal says "this is a cancellation request" when no sentence asks in so many words.
 * A subject of just "Cancel" with one labelled field, three labelled fields, or two and an ID make a
 * request; less is left to staff (triage), never dropped.
 */
const WEIGHT: Partial<Record<EvidenceSignal, number>> = {
  subject_cancel_word: 2,
  labelled_field: 1,
  id_document: 1,
};
const ENOUGH = 3;

/** Words that say the mail is not a request, whatever else it carries. */
const AGAINST: EvidenceSignal[] = ['keeps_account', 'question', 'notice'];

export interface Verdict {
  kind: 'cancellation_request' | 'other';
  /**
   * A request on its own evidence, not only because it names an existing request: a reply whose
   * request cannot be found (or is someone else's) is then a new request rather than triage.
   */
  standsAlone: boolean;
}

/** Decides a human mail from the evidence gathered first. Machines never get here. */
export function weighEvidence(evidence: Evidence[]): Verdict {
  const has = (signal: EvidenceSignal) => evidence.some((item) => item.signal === signal);
  const points = evidence.reduce((sum, item) => sum + (WEIGHT[item.signal] ?? 0), 0);
  const standsAlone = has('cancel_phrase') || (!AGAINST.some(has) && points >= ENOUGH);
  const belongsToRequest = has('request_reference');
  return { kind: standsAlone || belongsToRequest ? 'cancellation_request' : 'other', standsAlone };
}
