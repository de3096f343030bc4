/** Turns review data into the words and labels staff read. Pure; no HTML here (templates escape). */
import type { EvidenceSignal, RequestProblem } from '../intake/intake-result';
import type { RequestStatus } from '../queue/request-status';
import type { PreCheck, PreCheckName } from '../review/review-service';

export const STATUSES: readonly RequestStatus[] = ['pending_review', 'needs_info', 'approved', 'closed', 'rejected'];

export const STATUS_LABELS: Record<RequestStatus, string> = {
  pending_review: 'Pending review',
  needs_info: 'Needs info',
  approved: 'Approved',
  closed: 'Closed',
  rejected: 'Rejected',
};

const CHECK_LABELS: Record<PreCheckName, string> = {
  account_found: 'Account found',
  sender_matches_account: 'Sender matches account',
  registration_date: 'Registration date',
  sender_authentication: 'Sender authentication',
  id_document: 'ID document',
  document_reused: 'ID document not used elsewhere',
  other_requests: 'Other requests for this username',
};

const RESULT_LABELS: Record<PreCheck['result'], string> = { pass: 'Pass', warn: 'Warn', fail: 'Fail', unknown: 'Unknown' };

const PROBLEM_LABELS: Record<RequestProblem, string> = {
  missing_username: 'No username given',
  missing_registration_date: 'No registration date given',
  ambiguous_registration_date: 'Registration date is ambiguous',
  missing_reason: 'No reason given',
  missing_id_document: 'No ID document attached',
  invalid_id_document: 'An ID document is not a usable image or PDF',
};

const DOCUMENT_PROBLEM_LABELS: Record<string, string> = {
  unsupported_type: 'not an image or PDF',
  type_mismatch: 'content differs from its name',
  empty: 'empty file',
  too_large: 'too large',
};

const EVIDENCE_LABELS: Record<EvidenceSignal, string> = {
  bounce: 'Bounce',
  auto_reply: 'Automatic reply',
  own_mail: 'Our own mail',
  bulk: 'Bulk or list mail',
  cancel_phrase: 'Asks to close the account',
  subject_cancel_word: 'Cancel word in the subject',
  labelled_field: 'Labelled field',
  id_document: 'ID document attached',
  request_reference: 'Names a request',
  replies_to_our_mail: 'Answers our mail',
  keeps_account: 'Says to keep the account',
  question: 'Asks a question',
  notice: 'Reads like a notice or phishing',
  sender_authentication_failed: 'Sender failed authentication',
  field_corrected: 'Corrected within the mail',
};

export function evidenceLabel(signal: EvidenceSignal): string {
  return EVIDENCE_LABELS[signal] ?? humanize(signal);
}

export function statusLabel(status: RequestStatus): string {
  return STATUS_LABELS[status] ?? status;
}

export function checkLabel(name: PreCheckName): string {
  return CHECK_LABELS[name] ?? name;
}

export function resultLabel(result: PreCheck['result']): string {
  return RESULT_LABELS[result] ?? result;
}

export function problemLabel(problem: string): string {
  return (PROBLEM_LABELS as Record<string, string>)[problem] ?? problem.replace(/_/g, ' ');
}

export function documentProblemLabel(problem: string | null): string | null {
  return problem === null ? null : (DOCUMENT_PROBLEM_LABELS[problem] ?? problem.replace(/_/g, ' '));
}

/** How long since an instant, in the two largest units: "3 d 4 h", "5 h 12 min", "12 min", "< 1 min". */
export function waited(sinceIso: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - new Date(sinceIso).getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return '< 1 min';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
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
