/** Turns review data into the words and labels staff read. Pure; no HTML here (templates escape). */
import { EVIDENCE_SIGNALS, REQUEST_PROBLEMS, type EvidenceSignal, type FieldDoubt, type RequestProblem } from '../intake/intake-result';
import type { RequestStatus } from '../queue/request-status';
import { TRIAGE_STATUSES } from '../queue/triage-store';
import { CHECK_SAYINGS } from '../review/pre-checks';
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
  return t.has(key) ? t(key, check.said.values) : check.detail;
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

/** An event's details as short "key: value" pairs, for the event log. */
export function eventDetails(detail: Record<string, unknown>): { key: string; value: string }[] {
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => ({
      key: humanize(key.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()),
      value: typeof value === 'string' ? value : Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join(', ') : JSON.stringify(value),
    }));
}
