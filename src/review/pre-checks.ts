import type { DocumentProblem, SenderAuthentication } from '../intake/intake-result';
import type { DirectoryAccount } from '../queue/accounts';
import type { RequestStatus } from '../queue/request-status';
import type { PreCheck } from './review-service';

/** What the checks look at in a request. */
export interface CheckedRequest {
  email: string;
  username: string | null;
  /** `YYYY-MM-DD`, or `YYYY-MM` when the customer gave only a month. */
  registrationDate: string | null;
  senderAuthentication: SenderAuthentication;
  idDocuments: { valid: boolean; problem: DocumentProblem | null }[];
  /** Other requests that share something with this one. */
  related: RelatedRequests;
}

/** Another request, as a check names it. */
export interface OtherRequest {
  reference: string;
  status: RequestStatus;
  email: string;
  username: string | null;
}

export interface RelatedRequests {
  /** Requests carrying a byte-identical ID document (same SHA-256). */
  sameDocument: OtherRequest[];
  /** Requests for the same username (case-insensitive). */
  sameUsername: OtherRequest[];
}

/** The account directory as one request sees it: not imported at all, or the account found (or not) under its username. */
export type DirectoryLookup = { imported: false } | { imported: true; account: DirectoryAccount | null };

/**
 * What a check says, by a code and its values, in English here (the JSON and the CLI); the console
 * words each code from its string files (`checkDetail.<code>`), so staff read it in their language.
 */
export const CHECK_SAYINGS = {
  matches_account_email: "matches the account's email",
  differs_from_account_email: 'differs (directory: {email})',
  no_account_to_compare: 'no account to compare with',
  no_document: 'no ID document',
  on_no_other_request: 'on no other request',
  same_file_elsewhere: 'the same file is on {requests}',
  no_username: 'no username stated',
  none_for_username: 'none for this username',
  also_requests: 'also {requests}',
  no_directory: 'no account directory imported',
  no_such_username: 'no such username in the directory',
  found_with_status: 'found, status {status}',
  found_active: 'found, active',
  date_not_stated: 'not stated (directory: {date})',
  date_exact: 'exact',
  date_exact_month: 'exact, month only',
  date_within_month: 'within a month (directory: {date})',
  date_within_month_of_month: 'within a month, month only (directory: {date})',
  date_mismatch: 'mismatch (directory: {date})',
  authentication_pass: 'SPF/DKIM/DMARC pass',
  authentication_fail: 'SPF/DKIM/DMARC fail: the sender may be forged',
  authentication_absent: 'absent: our mail server recorded no result',
  documents_none_attached: 'none attached',
  documents_none_valid: 'none valid ({problems})',
  documents_valid: '{valid} valid',
  documents_valid_some_unusable: '{valid} valid, {unusable} unusable ({problems})',
} as const;
export type CheckSaying = keyof typeof CHECK_SAYINGS;

function said(code: CheckSaying, values: Record<string, string> = {}): Pick<PreCheck, 'detail' | 'said'> {
  return { detail: CHECK_SAYINGS[code].replace(/\{(\w+)\}/g, (_, name: string) => values[name]), said: { code, values } };
}

/** A stated date this many days from the directory's reads as a slip of memory, not as someone else's account. */
const WITHIN_A_MONTH_DAYS = 31;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What staff see next to a request. A check fails only on evidence against the request, never for lack of data. */
export function preChecks(request: CheckedRequest, directory: DirectoryLookup): PreCheck[] {
  const account = directory.imported ? directory.account : null;
  return [
    accountFound(request, directory),
    account
      ? request.email.toLowerCase() === account.email.toLowerCase()
        ? { name: 'sender_matches_account', result: 'pass', ...said('matches_account_email') }
        : { name: 'sender_matches_account', result: 'fail', ...said('differs_from_account_email', { email: account.email }) }
      : { name: 'sender_matches_account', result: 'unknown', ...said('no_account_to_compare') },
    registrationDate(request.registrationDate, account),
    senderAuthentication(request.senderAuthentication),
    idDocument(request.idDocuments),
    documentReused(request),
    otherRequests(request),
  ];
}

export function needsCloserReview(checks: PreCheck[]): boolean {
  return checks.some((check) => check.result === 'fail');
}

export type CheckState = 'clear' | 'open' | 'fail';
export type CheckCounts = Record<PreCheck['result'], number>;

/** "Clear" only when every check passed; a failure outweighs any number of unknowns. */
export function checkSummary(checks: PreCheck[]): { state: CheckState; counts: CheckCounts } {
  const counts: CheckCounts = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const check of checks) counts[check.result]++;
  return { state: counts.fail > 0 ? 'fail' : counts.pass === checks.length ? 'clear' : 'open', counts };
}

/** The same ID image from someone else is the mark of a copied or stolen document. */
function documentReused(request: CheckedRequest): PreCheck {
  const name = 'document_reused';
  if (request.idDocuments.length === 0) return { name, result: 'unknown', ...said('no_document') };
  const strangers = request.related.sameDocument.filter(
    (other) => other.email.toLowerCase() !== request.email.toLowerCase() || (other.username ?? '').toLowerCase() !== (request.username ?? '').toLowerCase(),
  );
  if (strangers.length === 0) return { name, result: 'pass', ...said('on_no_other_request') };
  return { name, result: 'fail', ...said('same_file_elsewhere', { requests: strangers.map((other) => `${other.reference} (${other.email})`).join(', ') }) };
}

function otherRequests(request: CheckedRequest): PreCheck {
  const name = 'other_requests';
  if (request.username === null) return { name, result: 'unknown', ...said('no_username') };
  const others = request.related.sameUsername;
  if (others.length === 0) return { name, result: 'pass', ...said('none_for_username') };
  return { name, result: 'warn', ...said('also_requests', { requests: others.map((other) => `${other.reference} (${other.status})`).join(', ') }) };
}

function accountFound(request: CheckedRequest, directory: DirectoryLookup): PreCheck {
  const name = 'account_found';
  if (!directory.imported) return { name, result: 'unknown', ...said('no_directory') };
  if (request.username === null) return { name, result: 'unknown', ...said('no_username') };
  if (directory.account === null) return { name, result: 'fail', ...said('no_such_username') };
  if (directory.account.status !== 'active') return { name, result: 'warn', ...said('found_with_status', { status: directory.account.status }) };
  return { name, result: 'pass', ...said('found_active') };
}

function registrationDate(stated: string | null, account: DirectoryAccount | null): PreCheck {
  const name = 'registration_date';
  if (account === null) return { name, result: 'unknown', ...said('no_account_to_compare') };
  if (stated === null) return { name, result: 'unknown', ...said('date_not_stated', { date: account.registrationDate }) };
  const days = daysOutside(dayNumber(account.registrationDate), statedDays(stated));
  const monthOnly = stated.length === 7;
  const date = { date: account.registrationDate };
  if (days === 0) return { name, result: 'pass', ...said(monthOnly ? 'date_exact_month' : 'date_exact') };
  if (days <= WITHIN_A_MONTH_DAYS) return { name, result: 'warn', ...said(monthOnly ? 'date_within_month_of_month' : 'date_within_month', date) };
  return { name, result: 'fail', ...said('date_mismatch', date) };
}

/** The days a stated date covers: one day, or every day of a stated month. */
function statedDays(stated: string): { first: number; last: number } {
  if (stated.length === 10) return { first: dayNumber(stated), last: dayNumber(stated) };
  const [year, month] = stated.split('-').map(Number);
  return { first: Date.UTC(year, month - 1, 1) / DAY_MS, last: Date.UTC(year, month, 0) / DAY_MS };
}

function daysOutside(day: number, range: { first: number; last: number }): number {
  return day < range.first ? range.first - day : day > range.last ? day - range.last : 0;
}

function dayNumber(isoDay: string): number {
  return Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS;
}

function senderAuthentication(result: SenderAuthentication): PreCheck {
  const name = 'sender_authentication';
  if (result === 'pass') return { name, result: 'pass', ...said('authentication_pass') };
  if (result === 'fail') return { name, result: 'fail', ...said('authentication_fail') };
  return { name, result: 'warn', ...said('authentication_absent') };
}

function idDocument(documents: CheckedRequest['idDocuments']): PreCheck {
  const name = 'id_document';
  const valid = documents.filter((document) => document.valid).length;
  const problems = [...new Set(documents.flatMap((document) => (document.problem ? [document.problem] : [])))].join(', ');
  if (documents.length === 0) return { name, result: 'fail', ...said('documents_none_attached') };
  if (valid === 0) return { name, result: 'fail', ...said('documents_none_valid', { problems }) };
  const unusable = documents.length - valid;
  return { name, result: 'pass', ...(unusable === 0 ? said('documents_valid', { valid: String(valid) }) : said('documents_valid_some_unusable', { valid: String(valid), unusable: String(unusable), problems })) };
}
