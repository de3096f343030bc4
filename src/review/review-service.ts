/**
 * The contract between staff faces (CLI, web console) and the review core. Faces hold no business
 * rules: they call these and render the outcome.
 */
import type { FieldName } from '../intake/intake-result';
import type { CancellationRequest, StoredDocument } from '../queue/request-queue';
import type { RequestStatus } from '../queue/request-status';
import type { ListedRequest } from '../queue/review-store';
import type { CheckSaying } from './pre-checks';
import type { Saying } from './refusals';
import type { ConsoleLanguage, StaffRole } from '../queue/staff';

export type Decision = (
  | { kind: 'approve'; by: string; note: string | null }
  | { kind: 'reject'; by: string; reason: string }
  | { kind: 'request_info'; by: string; message: string }
  /** The account system closed the account (without a webhook to say so): approved → closed. */
  | { kind: 'close'; by: string; note: string | null; via?: 'staff' | 'export' }
) & {
  /** From a terminal: the operating-system user who ran the command, logged beside `by` (anyone can type any --by). */
  osUser?: string;
};

/** Staff's own words on a request: a reply mailed to the customer, or a note for colleagues. The status stays. */
export interface StaffWords {
  kind: 'reply' | 'note';
  by: string;
  text: string;
}

/** A staff member's correction of one field intake read. */
export interface Correction {
  by: string;
  field: FieldName;
  value: string;
}

export type DecisionRefusal = 'not_found' | 'illegal_transition' | 'decided_concurrently' | 'missing_text' | 'unknown_staff' | 'invalid_value';

export type DecisionOutcome =
  | { ok: true; request: CancellationRequest }
  /** `message` in English; `said` the same as codes and values, for a face that words it in the reader's language. */
  | { ok: false; reason: DecisionRefusal; message: string; said: Saying[] };

export type PreCheckName = 'account_found' | 'sender_matches_account' | 'registration_date' | 'sender_authentication' | 'id_document' | 'document_reused' | 'other_requests';

export interface PreCheck {
  name: PreCheckName;
  result: 'pass' | 'warn' | 'fail' | 'unknown';
  /** Short, staff-facing, in English: "exact", "within a month", "mismatch (directory: 2019-04-02)"... */
  detail: string;
  /** The same as a code and its values, for a face that words it in the reader's language. */
  said: { code: CheckSaying; values: Record<string, string> };
}

export interface AccountHandoff {
  state: 'pending' | 'delivered';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface RequestReview {
  request: CancellationRequest;
  checks: PreCheck[];
  /** A failed check: never approved without a closer look. */
  needsCloserReview: boolean;
  /** The original mail's readable text, to be shown escaped, never as HTML. */
  bodyText: string;
  handoff: AccountHandoff | null;
  /** The customer's other requests: from the same address or for the same username. */
  otherRequests: { reference: string; status: RequestStatus; email: string; username: string | null; receivedAt: string }[];
}

/** One request as the queue lists it: its stored check summary, and whether a check failed. */
export type RequestSummary = ListedRequest & {
  /** A failed check: never approved without a closer look. */
  needsCloserReview: boolean;
};

export interface ReviewListing {
  items: RequestSummary[];
  total: number;
  /** Counting stopped at `total` and more match: a search of one or two characters counts up to 1,000. */
  totalCapped: boolean;
  counts: Record<RequestStatus, number>;
}

export interface ReviewFilter {
  status?: RequestStatus;
  check?: 'needs_closer_review' | 'clear';
  /** Matches a reference, an email, a sender's name, a username or the customer's mail text (substring, case-insensitive; mail text from three characters). */
  search?: string;
  /** Only requests with a customer mail staff have not seen. */
  unread?: boolean;
  /** Only requests assigned to this staff member. */
  assignedTo?: string;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface ReviewService {
  /** `expectedVersion` (from the page the staff member saw) makes a concurrent decision lose cleanly. */
  decide(reference: string, decision: Decision, expectedVersion?: number): DecisionOutcome;
  /** Mails the customer staff's own reply in the request's thread, or adds a note for colleagues. */
  write(reference: string, words: StaffWords): DecisionOutcome;
  /** Corrects a field intake got wrong; the pre-checks run again. */
  correct(reference: string, correction: Correction, expectedVersion?: number): DecisionOutcome;
  /** Gives the request to a staff member (`to`), or to nobody (null); an event either way. */
  assign(reference: string, by: string, to: string | null): DecisionOutcome;
  /** Staff have seen the request's customer mails. */
  markRead(reference: string): void;
  review(reference: string): RequestReview | null;
  /** The whole queue's count per status. */
  counts(): Record<RequestStatus, number>;
  /** How many requests, of any status, are assigned to this member (the header's "Mine"). */
  assignedCount(staffName: string): number;
  /** Soonest due first. */
  list(filter: ReviewFilter): ReviewListing;
  /** Decrypts one ID document (1-based position) and records who looked at it, and through which face. */
  openDocument(reference: string, position: number, viewer: string, via: 'cli' | 'web'): Promise<{ document: StoredDocument; content: Buffer } | null>;
}

export interface StaffMember {
  name: string;
  role: StaffRole;
  disabled: boolean;
  /** Signed in with a password an admin issued: must choose their own before anything else. */
  mustChangePassword: boolean;
  createdAt: string;
  /** The console language the member chose; null until they choose. */
  language: ConsoleLanguage | null;
}

export type PasswordChange = { ok: true } | { ok: false; reason: 'wrong_password' | 'too_short' | 'unknown_staff'; message: string };

export interface StaffDirectory {
  /**
   * Throws on a name that is no staff name, a taken name or a password under 12 characters.
   * Passwords are stored as scrypt hashes. A password the member did not choose (`oneTime`) must be
   * changed at their next sign-in.
   */
  add(name: string, password: string, options?: { role?: StaffRole; oneTime?: boolean }): Promise<void>;
  list(): StaffMember[];
  /** The member under that name (compared as stored: NFC, ASCII letters in any case), or null. */
  member(name: string): StaffMember | null;
  /** False when there is no such member. */
  disable(name: string): boolean;
  /** False when there is no such member. */
  enable(name: string): boolean;
  /** Keeps the member's console language; false when there is no such member. */
  setLanguage(name: string, language: ConsoleLanguage): boolean;
  /** Sets a password the member chose (no change forced); false when there is no such member; throws on a short one. */
  setPassword(name: string, password: string): Promise<boolean>;
  /** Gives the member a new random one-time password (to be changed at sign-in) and returns it; null when there is no such member. */
  resetPassword(name: string): Promise<string | null>;
  /** A member replacing their own password: the current one must verify. */
  changePassword(name: string, current: string, next: string): Promise<PasswordChange>;
  /** A new random password, long enough to be accepted, for an admin to hand over once. */
  oneTimePassword(): string;
  /** True only for an enabled member with that password; constant-time comparison. */
  verify(name: string, password: string): Promise<boolean>;
  /** On the very first start (no staff at all): creates the admin `admin` and returns its one-time password (to be changed at sign-in), else null. */
  ensureFirstAdmin(): Promise<string | null>;
}
