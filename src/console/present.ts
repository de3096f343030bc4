/** Turns review data into the words and labels staff read. Pure; no HTML here (templates escape). */
import { EVIDENCE_SIGNALS, REQUEST_PROBLEMS, type EvidenceSignal, type FieldDoubt, type FieldName, type RequestProblem, type SenderAuthentication } from '../intake/intake-result';
import type { RequestStatus } from '../queue/request-status';
import { EVENT_TYPES } from '../queue/event-log';
import type { MailPurpose } from '../queue/outbox-store';
import { TRIAGE_STATUSES } from '../queue/triage-store';
import { CHECK_SAYINGS } from '../review/pre-checks';
import { REFUSAL_SAYINGS, type Saying } from '../review/refusals';
import type { DecisionRefusal, PreCheck, PreCheckName } from '../review/review-service';
import type { TriageAction, TriageRefusal } from '../triage/triage-service';
import type { Translate } from './console-strings';

export const STATUSES: readonly RequestStatus[] = ['pending_review', 'needs_info', 'approved', 'closed', 'rejected'];

/** The names a label family has, each once: a label is the string `<family>.<name>`. */
function names<Name extends string>(record: Record<Name, true>): Name[] {
  return Object.keys(record) as Name[];
}

const CHECKS = names<PreCheckName>({ account_found: true, sender_matches_account: true, registration_date: true, sender_authentication: true, id_document: true, document_reused: true, other_requests: true });
const RESULTS = names<PreCheck['result']>({ pass: true, warn: true, fail: true, unknown: true });
const PROBLEMS: readonly RequestProblem[] = REQUEST_PROBLEMS;
const DOCUMENT_PROBLEMS = ['unsupported_type', 'type_mismatch', 'empty', 'too_large'];
const EVIDENCE: readonly EvidenceSignal[] = EVIDENCE_SIGNALS;
const DOUBTS = names<FieldDoubt['why']>({ from_prose: true, from_subject: true, bare_line: true, corrected_in_mail: true, ambiguous_date: true });
export const REQUEST_DONE = names<RequestDone>({ approve: true, reject: true, 'request-info': true, close: true, reply: true, note: true, edit: true, assign: true, unassign: true });
const REQUEST_REFUSALS = names<DecisionRefusal>({ not_found: true, illegal_transition: true, decided_concurrently: true, missing_text: true, unknown_staff: true, invalid_value: true });
export const TRIAGE_DONE = names<TriageAction['kind']>({ promote: true, reply: true, dismiss: true });
const TRIAGE_REFUSALS = names<TriageRefusal>({ not_found: true, settled: true, changed: true, missing_text: true, unknown_staff: true });
const MAIL_PURPOSES = names<MailPurpose>({
  acknowledgement: true,
  'reply-received': true,
  'staff-reply': true,
  'decision-approved': true,
  'decision-closed': true,
  'decision-rejected': true,
  'decision-info-requested': true,
  'triage-reply': true,
});
const AUTHENTICATIONS = names<SenderAuthentication>({ pass: true, fail: true, none: true });
/** How an event came about: a document opened from the terminal or the web; a closure recorded by staff, by an export, or by the account system. */
const VIAS = ['cli', 'web', 'staff', 'export', 'account_system'] as const;
/** Who records events besides staff: intake, the desk itself, the account system's webhook. */
const SYSTEM_ACTORS = ['intake', 'system', 'account-system'] as const;
/** Why no acknowledgement went out (`acknowledgement_withheld`). */
const WITHHELD_REASONS = ['sender_limit', 'sender_authentication_failed', 'sender_not_answerable'] as const;
/** Every key the event log's details carry (see the `append` calls in src/queue); a key not listed here is shown as its identifier. */
const DETAIL_KEYS = [
  'messageId',
  'problems',
  'promotedFromTriage',
  'evidence',
  'reason',
  'purpose',
  'limit',
  'hours',
  'via',
  'note',
  'osUser',
  'verified',
  'senderAuthentication',
  'documentsAdded',
  'changed',
  'statusChanged',
  'afterDecision',
  'message',
  'field',
  'from',
  'to',
  'attempts',
  'documents',
  'retentionDays',
  'reference',
  'position',
  'filename',
] as const;

/** What a staff member just did on a request, for the notice on the page they land on. */
export type RequestDone = 'approve' | 'reject' | 'request-info' | 'close' | 'reply' | 'note' | 'edit' | 'assign' | 'unassign';

/** Every string the code names by a family and a value: checked at start like the templates' keys. */
export const CODE_KEYS: readonly string[] = [
  ...STATUSES.map((status) => `status.${status}`),
  ...CHECKS.map((name) => `check.${name}`),
  ...RESULTS.map((result) => `result.${result}`),
  ...Object.keys(CHECK_SAYINGS).map((code) => `checkDetail.${code}`),
  ...PROBLEMS.map((problem) => `problem.${problem}`),
  ...DOCUMENT_PROBLEMS.map((problem) => `documentProblem.${problem}`),
  ...EVIDENCE.map((signal) => `evidence.${signal}`),
  ...DOUBTS.map((why) => `doubt.${why}`),
  ...REQUEST_DONE.map((done) => `request.done.${done}`),
  ...REQUEST_REFUSALS.map((refusal) => `request.refusal.${refusal}`),
  ...TRIAGE_DONE.map((done) => `triageItem.done.${done}`),
  ...TRIAGE_REFUSALS.map((refusal) => `triageItem.refusal.${refusal}`),
  ...TRIAGE_STATUSES.map((status) => `triageStatus.${status}`),
  ...(['in', 'out', 'note'] as const).map((direction) => `speaker.${direction}`),
  ...(['en', 'zh'] as const).map((language) => `language.${language}`),
  ...(['pending', 'delivered'] as const).map((state) => `handoff.${state}`),
  ...(['username', 'registrationDate', 'reason'] as const).map((field) => `field.${field}`),
  ...(['username', 'registrationDate', 'reason'] as const).map((field) => `fieldName.${field}`),
  ...EVENT_TYPES.map((type) => `event.${type}`),
  ...DETAIL_KEYS.map((key) => `eventDetail.${key}`),
  ...MAIL_PURPOSES.map((purpose) => `mailPurpose.${purpose}`),
  ...AUTHENTICATIONS.map((result) => `authentication.${result}`),
  ...VIAS.map((via) => `via.${via}`),
  ...WITHHELD_REASONS.map((reason) => `withheldReason.${reason}`),
  ...Object.keys(REFUSAL_SAYINGS).map((code) => `refusal.${code}`),
  ...SYSTEM_ACTORS.map((actor) => `actor.${actor}`),
  'refusal.join',
  'common.yes',
  'common.no',
  'common.listSeparator',
];

/** A label of a family whose values may outlive the string files (an older database): the identifier when unnamed. */
export function label(t: Translate, family: string, name: string, fallback = humanize(name)): string {
  const key = `${family}.${name}`;
  return t.has(key) ? t(key) : fallback;
}

export function evidenceLabel(t: Translate, signal: EvidenceSignal): string {
  return label(t, 'evidence', signal);
}

export function statusLabel(t: Translate, status: RequestStatus): string {
  return label(t, 'status', status, status);
}

export function checkLabel(t: Translate, name: PreCheckName): string {
  return label(t, 'check', name, name);
}

/** What a check says, in the reader's language; the English of the check itself when the files have no words for it. */
export function checkDetail(t: Translate, check: PreCheck): string {
  const key = `checkDetail.${check.said.code}`;
  if (!t.has(key)) return check.detail;
  const { problems, ...values } = check.said.values;
  // The document problems are codes, listed: each worded too.
  return t(key, problems === undefined ? values : { ...values, problems: problems.split(', ').map((problem) => documentProblemLabel(t, problem) ?? problem).join(t('common.listSeparator')) });
}

export function resultLabel(t: Translate, result: PreCheck['result']): string {
  return label(t, 'result', result, result);
}

export function problemLabel(t: Translate, problem: string): string {
  return label(t, 'problem', problem, problem.replace(/_/g, ' '));
}

export function documentProblemLabel(t: Translate, problem: string | null): string | null {
  return problem === null ? null : label(t, 'documentProblem', problem, problem.replace(/_/g, ' '));
}

export function doubtLabel(t: Translate, why: FieldDoubt['why']): string {
  return label(t, 'doubt', why, why.replace(/_/g, ' '));
}

/** How intake names a field in its evidence (`labelled_field`, `field_corrected`): the stored English of src/intake's analysis. */
const EVIDENCE_FIELD_NAMES: Record<string, FieldName> = { username: 'username', 'registration date': 'registrationDate', reason: 'reason' };

/** What intake weighed, as staff read it: the signal worded, and a field it names; quotes from the mail stay as written. */
export function evidenceRows(t: Translate, evidence: readonly { signal: EvidenceSignal; detail: string }[]): { signal: EvidenceSignal; label: string; detail: string }[] {
  return evidence.map(({ signal, detail }) => ({
    signal,
    label: evidenceLabel(t, signal),
    detail: (signal === 'labelled_field' || signal === 'field_corrected') && Object.hasOwn(EVIDENCE_FIELD_NAMES, detail) ? t(`fieldName.${EVIDENCE_FIELD_NAMES[detail]}`) : detail,
  }));
}

/** A sender-authentication result (pass, fail, none) in the reader's language. */
export function authenticationLabel(t: Translate, result: SenderAuthentication): string {
  return label(t, 'authentication', result, result);
}

/** An event log (a request's or a mail's) as the event-log partial shows it; the desk's own actors (intake, system…) worded, staff by their name. */
export function eventRows(t: Translate, events: readonly { at: string; actor: string; type: string; detail: Record<string, unknown> }[], timeZone: string) {
  return events.map((event) => {
    const details = eventDetails(t, event.type, event.detail);
    return { atIso: event.at, at: formatTime(event.at, timeZone), actor: label(t, 'actor', event.actor, event.actor), type: eventLabel(t, event.type), hasDetails: details.length > 0, details };
  });
}

/** An event type as staff read it: named in the string files, or else the identifier made readable. */
export function eventLabel(t: Translate, type: string): string {
  return label(t, 'event', type);
}

/** How long since an instant, in the two largest units: "3 d 4 h", "5 h 12 min", "12 min", "< 1 min". */
export function waited(t: Translate, sinceIso: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - new Date(sinceIso).getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return t('waited.lessThanAMinute');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return t('waited.days', { days, hours });
  if (hours > 0) return t('waited.hours', { hours, minutes: rest });
  return t('waited.minutes', { minutes: rest });
}

/** Waiting since more than this is flagged on the queue. */
export const LONG_WAIT_MS = 3 * 24 * 60 * 60 * 1000;

/** One per zone for the life of the process: a page formats a time on every row. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-27 17:05" in the desk's time zone. */
export function formatTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = timeFormats.get(timeZone);
  if (!format) timeFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = Object.fromEntries(
    format
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function humanize(identifier: string): string {
  const words = identifier.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Why an action was refused, in the reader's language: each saying from `refusal.<code>`, its values
 * worded too (a field's name, a status, a time in the desk's zone); the English of the refusal itself
 * when the files have no words for a code.
 */
export function refusalText(t: Translate, refusal: { message: string; said: Saying[] }, timeZone: string): string {
  if (!refusal.said.every((part) => t.has(`refusal.${part.code}`))) return refusal.message;
  return refusal.said
    .map((part) => {
      const values = Object.fromEntries(Object.entries(part.values).map(([name, value]) => [name, sayingValue(t, name, value, timeZone)]));
      return t(`refusal.${part.code}`, values);
    })
    .join(t('refusal.join'));
}

function sayingValue(t: Translate, name: string, value: string, timeZone: string): string {
  switch (name) {
    case 'field':
      return label(t, 'fieldName', value, value);
    case 'status':
      return statusLabel(t, value as RequestStatus).toLowerCase();
    case 'settled':
      return label(t, 'triageStatus', value, value).toLowerCase();
    case 'at':
      return value ? formatTime(value, timeZone) : '?';
    default:
      return value;
  }
}

type Worded = (t: Translate, value: unknown) => string | null;

const oneOf =
  (family: string): Worded =>
  (t, value) =>
    typeof value === 'string' ? label(t, family, value, value) : null;
const listOf =
  (word: (t: Translate, value: string) => string): Worded =>
  (t, value) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.map((item: string) => word(t, item)).join(t('common.listSeparator')) : null;
const fromTo = (change: unknown, word: (value: unknown) => string): string | null =>
  change !== null && typeof change === 'object' && 'from' in change && 'to' in change ? `${word(change.from)} → ${word(change.to)}` : null;
const shown = (value: unknown) => (value === null || value === undefined || value === '' ? '—' : String(value));

/** Detail values that are identifiers, worded in the reader's language; by `<event type>.<key>` where a key means different things, else by key. */
const DETAIL_VALUES: Record<string, Worded> = {
  problems: listOf(problemLabel),
  evidence: listOf((t, signal) => label(t, 'evidence', signal)),
  purpose: oneOf('mailPurpose'),
  via: oneOf('via'),
  senderAuthentication: oneOf('authentication'),
  afterDecision: (t, value) => (typeof value === 'string' ? statusLabel(t, value as RequestStatus) : null),
  'field_corrected.field': oneOf('field'),
  'acknowledgement_withheld.reason': oneOf('withheldReason'),
  statusChanged: (t, value) => fromTo(value, (status) => statusLabel(t, status as RequestStatus)),
  changed: (t, value) =>
    value !== null && typeof value === 'object'
      ? Object.entries(value)
          .map(([field, change]) => `${label(t, 'field', field)}: ${fromTo(change, shown) ?? shown(change)}`)
          .join(t('request.doubtSeparator'))
      : null,
};

/** An event's details as short "key: value" pairs, for the event log: keys and identifier values in the reader's language, staff's and customers' own words as they wrote them. */
export function eventDetails(t: Translate, type: string, detail: Record<string, unknown>): { key: string; value: string }[] {
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => ({
      key: label(t, 'eventDetail', key, humanize(key.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase())),
      value: (DETAIL_VALUES[`${type}.${key}`] ?? DETAIL_VALUES[key])?.(t, value) ?? plain(t, value),
    }));
}

function plain(t: Translate, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}
