import type { IdDocument, IntakeResult } from '../intake/intake-result';
import type { WrappedDataKey } from './document-keys';

/** An ID document whose bytes are already sealed in the vault. */
export interface SealedDocument extends IdDocument {
  vaultId: string;
  /**
   * The data key of a file sealed for this mail, committed with the row that names it; absent for a
   * file whose key is already recorded (a promoted mail's documents).
   */
  dataKey?: WrappedDataKey;
}

/** A stored ID document of a request or a triage item. */
export interface StoredDocument extends SealedDocument {
  position: number;
  receivedAt: string;
  /** False for a document that came with an unverified follow-up: shown to staff, not counted as the request's. */
  counted: boolean;
  /** When retention removed it; its name and SHA-256 stay on the request. */
  purgedAt: string | null;
}

/** One human mail as intake analysed it, ready to be committed: a request, a reply on one, or triage. */
export interface IncomingMail {
  messageKey: string;
  result: IntakeResult;
  /** The readable body, quotes included. */
  bodyText: string;
  /** The customer's own words. */
  ownText: string;
  senderName: string;
  repliesTo: string[];
  registrationDateAmbiguous: boolean;
  /** A request on its own evidence, not only because it names an existing one. */
  standsAlone: boolean;
  /** An automatic mail may go to the sender: a usable address, not ours, not seen forged. */
  answerable: boolean;
  /** In the order the mail carried them. */
  documents: SealedDocument[];
}

export interface DocumentRow {
  position: number;
  filename: string;
  content_type: string;
  declared_type: string;
  size: number;
  sha256: string;
  valid: number;
  problem: IdDocument['problem'];
  vault_id: string;
  received_at: string;
  counted?: number;
  purged_at?: string | null;
}

export function toStoredDocument(row: DocumentRow): StoredDocument {
  return {
    position: row.position,
    filename: row.filename,
    contentType: row.content_type,
    declaredType: row.declared_type,
    size: row.size,
    sha256: row.sha256,
    valid: row.valid === 1,
    problem: row.problem,
    vaultId: row.vault_id,
    receivedAt: row.received_at,
    counted: row.counted !== 0,
    purgedAt: row.purged_at ?? null,
  };
}
