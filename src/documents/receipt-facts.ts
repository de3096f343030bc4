/** What a receipt PDF states: everything printed on it, and everything its verification code covers. */

import type { RequestStatus } from '../queue/request-status';

export const MISSING_ITEMS = ['username', 'registration_date', 'reason', 'id_document'] as const;
export type MissingItem = (typeof MISSING_ITEMS)[number];

export const RECEIPT_KINDS = ['acknowledgement', 'confirmation'] as const;
/** `confirmation` is the account-closure confirmation, sent only once the account system confirmed the closure. */
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

export interface ReceiptFacts {
  kind: ReceiptKind;
  reference: string;
  language: 'zh' | 'en';
  /** ISO 8601 with offset. */
  receivedAt: string;
  /** IANA zone the receipt shows its dates and times in. */
  timeZone: string;
  status: RequestStatus;
  sender: string;
  /** Printed masked. */
  username: string | null;
  /** As the customer stated it: `YYYY-MM-DD` or `YYYY-MM`. */
  registrationDate: string | null;
  reason: string | null;
  idDocuments: { filename: string; sha256: string }[];
  missing: MissingItem[];
  /** ISO 8601. */
  issuedAt: string;
  /** ISO 8601: when the account was closed; only on a closure confirmation. */
  closedAt?: string;
  /** The last day ('YYYY-MM-DD', the desk's zone) we promised to reply by; only while staff review. */
  dueDate?: string;
}

/** Name of the JSON file attached to every receipt PDF: `{ facts, verificationCode }`. */
export const FACTS_ATTACHMENT_NAME = 'receipt-facts.json';

export interface AttachedFacts {
  facts: ReceiptFacts;
  verificationCode: string;
}

/**
 * Exactly the receipt's fields: callers may pass richer objects (a database row, an intake result),
 * and nothing beyond what the PDF states may end up signed or attached.
 */
export function receiptFields(facts: ReceiptFacts): ReceiptFacts {
  return {
    kind: facts.kind,
    reference: facts.reference,
    language: facts.language,
    receivedAt: facts.receivedAt,
    timeZone: facts.timeZone,
    status: facts.status,
    sender: facts.sender,
    username: facts.username,
    registrationDate: facts.registrationDate,
    reason: facts.reason,
    idDocuments: facts.idDocuments.map(({ filename, sha256 }) => ({ filename, sha256 })),
    missing: [...facts.missing],
    issuedAt: facts.issuedAt,
    // Absent, not null, on every other receipt: receipts issued before closures were dated verify as they did.
    ...(facts.closedAt !== undefined ? { closedAt: facts.closedAt } : {}),
    ...(facts.dueDate !== undefined ? { dueDate: facts.dueDate } : {}),
  };
}
