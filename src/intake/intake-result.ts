/** What intake decides about one raw mail: the contract printed by `cancel-desk parse`. */

export type Language = 'zh' | 'en';

export type MessageKind = 'cancellation_request' | 'auto_reply' | 'bounce' | 'bulk' | 'other';

export type SenderAuthentication = 'pass' | 'fail' | 'none';

/** `triage`: human mail that is not confidently a request; stored for staff, never answered automatically. */
export type Disposition = 'queue' | 'triage' | 'ignore' | 'quarantine';

export type DocumentProblem = 'unsupported_type' | 'type_mismatch' | 'empty' | 'too_large';

export const STRUCTURAL_PROBLEMS = [
  'message_too_large',
  'header_too_large',
  'mime_too_deep',
  'too_many_parts',
  'malformed_mime',
  'mail_loop',
  'no_sender',
] as const;
export type StructuralProblem = (typeof STRUCTURAL_PROBLEMS)[number];

export const REQUEST_PROBLEMS = [
  'missing_username',
  'missing_registration_date',
  'ambiguous_registration_date',
  'missing_reason',
  'missing_id_document',
  'invalid_id_document',
] as const;
export type RequestProblem = (typeof REQUEST_PROBLEMS)[number];

export type Problem = StructuralProblem | RequestProblem;

export function isStructuralProblem(problem: Problem): problem is StructuralProblem {
  return (STRUCTURAL_PROBLEMS as readonly string[]).includes(problem);
}

export function isRequestProblem(problem: Problem): problem is RequestProblem {
  return (REQUEST_PROBLEMS as readonly string[]).includes(problem);
}

export interface RequestFields {
  username: string | null;
  /** `YYYY-MM-DD`, or `YYYY-MM` when the customer gave only a month. */
  registrationDate: string | null;
  reason: string | null;
}

/** Why intake decided what it did: each signal it weighed, with the words or header that carried it. */
export const EVIDENCE_SIGNALS = [
  // Machines: hard gates, decided before anything is read.
  'bounce',
  'auto_reply',
  'own_mail',
  'bulk',
  // For a request.
  'cancel_phrase',
  'subject_cancel_word',
  'labelled_field',
  'id_document',
  'request_reference',
  'replies_to_our_mail',
  // Against one.
  'keeps_account',
  'question',
  'notice',
  // Neither, but staff and the outbox must know.
  'sender_authentication_failed',
  'field_corrected',
] as const;
export type EvidenceSignal = (typeof EVIDENCE_SIGNALS)[number];

export interface Evidence {
  signal: EvidenceSignal;
  detail: string;
}

/** Where a field's value was read; anything but `label` deserves a second look from staff. */
export type FieldSource = 'label' | 'numbered' | 'bare_line' | 'prose' | 'subject';

export type FieldName = keyof RequestFields;

/** A field intake was not sure of: read from prose or the subject, corrected within the mail. */
export interface FieldDoubt {
  field: FieldName;
  why: 'from_prose' | 'from_subject' | 'bare_line' | 'corrected_in_mail' | 'ambiguous_date';
}

export interface IdDocument {
  filename: string;
  contentType: string;
  declaredType: string;
  size: number;
  sha256: string;
  valid: boolean;
  problem: DocumentProblem | null;
}

/** An ID document together with its bytes; the bytes never leave intake except into the vault. */
export interface IdDocumentWithContent extends IdDocument {
  content: Buffer;
}

export interface IntakeResult {
  messageId: string | null;
  from: string | null;
  subject: string;
  language: Language;
  kind: MessageKind;
  reference: string | null;
  senderAuthentication: SenderAuthentication;
  fields: RequestFields;
  idDocuments: IdDocument[];
  problems: Problem[];
  disposition: Disposition;
  acknowledge: boolean;
  evidence: Evidence[];
  fieldDoubts: FieldDoubt[];
}
