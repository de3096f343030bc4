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
        ? { name: 'sender_matches_account', result: 'pass', detail: "matches the account's email" }
        : { name: 'sender_matches_account', result: 'fail', detail: `differs (directory: ${account.email})` }
      : { name: 'sender_matches_account', result: 'unknown', detail: 'no account to compare with' },
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
  if (request.idDocuments.length === 0) return { name, result: 'unknown', detail: 'no ID document' };
  const strangers = request.related.sameDocument.filter(
    (other) => other.email.toLowerCase() !== request.email.toLowerCase() || (other.username ?? '').toLowerCase() !== (request.username ?? '').toLowerCase(),
  );
  if (strangers.length === 0) return { name, result: 'pass', detail: 'on no other request' };
  return { name, result: 'fail', detail: `the same file is on ${strangers.map((other) => `${other.reference} (${other.email})`).join(', ')}` };
}

function otherRequests(request: CheckedRequest): PreCheck {
  const name = 'other_requests';
  if (request.username === null) return { name, result: 'unknown', detail: 'no username stated' };
  const others = request.related.sameUsername;
  if (others.length === 0) return { name, result: 'pass', detail: 'none for this username' };
  return { name, result: 'warn', detail: `also ${others.map((other) => `${other.reference} (${other.status})`).join(', ')}` };
}

function accountFound(request: CheckedRequest, directory: DirectoryLookup): PreCheck {
  const name = 'account_found';
  if (!directory.imported) return { name, result: 'unknown', detail: 'no account directory imported' };
  if (request.username === null) return { name, result: 'unknown', detail: 'no username stated' };
  if (directory.account === null) return { name, result: 'fail', detail: 'no such username in the directory' };
  if (directory.account.status !== 'active') return { name, result: 'warn', detail: `found, status ${directory.account.status}` };
  return { name, result: 'pass', detail: 'found, active' };
}

function registrationDate(stated: string | null, account: DirectoryAccount | null): PreCheck {
  const name = 'registration_date';
  if (account === null) return { name, result: 'unknown', detail: 'no account to compare with' };
  if (stated === null) return { name, result: 'unknown', detail: `not stated (directory: ${account.registrationDate})` };
  const days = daysOutside(dayNumber(account.registrationDate), statedDays(stated));
  const monthOnly = stated.length === 7 ? ', month only' : '';
  if (days === 0) return { name, result: 'pass', detail: `exact${monthOnly}` };
  if (days <= WITHIN_A_MONTH_DAYS) return { name, result: 'warn', detail: `within a month${monthOnly} (directory: ${account.registrationDate})` };
  return { name, result: 'fail', detail: `mismatch (directory: ${account.registrationDate})` };
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
  if (result === 'pass') return { name, result: 'pass', detail: 'SPF/DKIM/DMARC pass' };
  if (result === 'fail') return { name, result: 'fail', detail: 'SPF/DKIM/DMARC fail: the sender may be forged' };
  return { name, result: 'warn', detail: 'absent: our mail server recorded no result' };
}

function idDocument(documents: CheckedRequest['idDocuments']): PreCheck {
  const name = 'id_document';
  const valid = documents.filter((document) => document.valid).length;
  const problems = [...new Set(documents.flatMap((document) => (document.problem ? [document.problem] : [])))].join(', ');
  if (documents.length === 0) return { name, result: 'fail', detail: 'none attached' };
  if (valid === 0) return { name, result: 'fail', detail: `none valid (${problems})` };
  const unusable = documents.length - valid;
  return { name, result: 'pass', detail: unusable === 0 ? `${valid} valid` : `${valid} valid, ${unusable} unusable (${problems})` };
}
