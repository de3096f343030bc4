/**
 * Why a staff action was refused, said by codes and their values, in English here (the CLI and the
 * JSON read `message`); the console words each code from its string files (`refusal.<code>`), so that
 * staff read it in their language. A refusal is one or more sayings: "CR-… cannot be approved" and
 * then where the request stands.
 */
export const REFUSAL_SAYINGS = {
  no_request: 'no request {reference}',
  no_mail: 'no unsorted mail {id}',
  not_enabled_staff: '{name} is not an enabled staff member',
  reply_needs_text: 'a reply needs a message for the customer',
  note_needs_text: 'a note needs some text',
  rejection_needs_reason: 'a rejection needs a reason: the customer is told why',
  info_request_needs_message: 'a request for information needs a message saying what the customer should send',
  triage_reply_needs_text: 'a reply needs a message',
  dismissal_needs_reason: 'dismissing a mail needs a reason, for the log',
  value_empty: 'a corrected {field} cannot be empty',
  value_control_characters: 'the {field} contains control characters',
  username_too_long: 'a username has at most {max} characters',
  reason_too_long: 'a reason has at most {max} characters',
  date_not_a_day: 'a registration date is YYYY-MM-DD, or YYYY-MM when only the month is known',
  date_in_future: 'a registration date cannot be after today ({today})',
  changed_before_correcting: '{reference} changed while you were looking at it; look again before correcting',
  changed: '{reference} changed while you were looking at it',
  cannot_approve: '{reference} cannot be approved',
  cannot_reject: '{reference} cannot be rejected',
  cannot_request_info: '{reference} cannot be sent back for more information',
  cannot_close: '{reference} cannot be recorded as closed',
  already_approved: 'it was already approved, and waits for the account system to close the account',
  already_approved_by: 'it was already approved by {by} at {at}, and waits for the account system to close the account',
  already_decided: 'it was already {status}',
  already_decided_by: 'it was already {status} by {by} at {at}',
  waiting_for_customer: 'it is waiting for information from the customer, and can be decided once they reply',
  waiting_for_customer_by: 'it is waiting for information from the customer (asked by {by} at {at}), and can be decided once they reply',
  customer_sent_more: 'the customer has sent more information since; look at it again before deciding',
  mail_changed: 'mail {id} changed while you were looking at it; look at it again',
  cannot_promote_mail: 'mail {id} cannot be promoted',
  cannot_answer_mail: 'mail {id} cannot be answered',
  cannot_dismiss_mail: 'mail {id} cannot be dismissed',
  mail_already_settled: 'it was already {settled} by {by} at {at}',
} as const;
export type RefusalSaying = keyof typeof REFUSAL_SAYINGS;

/**
 * One part of a refusal. Values are data, not words: `field` a field's identifier, `status` a
 * request's status, `settled` a mail's triage status, `at` an ISO instant; a face words them.
 */
export interface Saying {
  code: RefusalSaying;
  values: Record<string, string>;
}

export function saying(code: RefusalSaying, values: Record<string, string> = {}): Saying {
  return { code, values };
}

/** A refusal as the staff faces get it: the reason code, its sayings, and their English. */
export function refused<Reason extends string>(reason: Reason, ...said: Saying[]): { ok: false; reason: Reason; message: string; said: Saying[] } {
  return { ok: false, reason, message: said.map((part) => REFUSAL_SAYINGS[part.code].replace(/\{(\w+)\}/g, (_, name: string) => englishValue(name, part.values[name]))).join(': '), said };
}

const ENGLISH_FIELDS: Record<string, string> = { username: 'username', registrationDate: 'registration date', reason: 'reason' };

function englishValue(name: string, value: string): string {
  return name === 'field' ? (ENGLISH_FIELDS[value] ?? value) : value;
}
