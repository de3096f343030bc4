import { readIntent, readSubject } from './cancellation-intent';
import { MACHINE_KIND, machineEvidence } from './classify-message';
import { extractFields, fieldDoubts, type ExtractedFields } from './extract-fields';
import { findIdDocuments } from './id-documents';
import type { IntakePolicy } from './intake-policy';
import {
  isStructuralProblem,
  type Evidence,
  type IdDocumentWithContent,
  type IntakeResult,
  type MessageKind,
  type Problem,
  type SenderAuthentication,
  type StructuralProblem,
} from './intake-result';
import { detectLanguage } from './language';
import { checkMimeStructure } from './mime-structure';
import { ownWords } from './own-words';
import { readHeadersOnly, readMessage, type MailMessage } from './read-message';
import { findRequestReference, ourMessageIds } from './request-reference';
import { requestProblems } from './request-problems';
import { ourAuthenticationResults, senderAuthentication } from './sender-authentication';
import { weighEvidence } from './weigh-evidence';

/** Everything intake learned from one mail: the public verdict plus what the queue needs to store. */
export interface IntakeAnalysis {
  result: IntakeResult;
  /** ID documents with their bytes, for the vault; empty for machines. */
  documents: IdDocumentWithContent[];
  /** The readable body (quotes included), for staff; never logged. */
  bodyText: string;
  /** The customer's own words (no quotes, no signature), for the conversation staff read. */
  ownText: string;
  /** The From display name, for staff to search by; '' when there is none. */
  senderName: string;
  /** Message-IDs this mail answers (In-Reply-To, References), for threading replies to a request. */
  repliesTo: string[];
  /** The fields as extracted, with the ambiguity flag a request's problems need. */
  fields: ExtractedFields;
  /**
   * A request on its own evidence, not only because it names an existing request: when that
   * request cannot be found (or is someone else's), it becomes a new request rather than triage.
   */
  standsAlone: boolean;
  /** An automatic mail may go to the sender: a usable address, not ours, not seen forged. */
  answerable: boolean;
}

const NO_FIELDS: ExtractedFields = {
  username: null,
  registrationDate: null,
  reason: null,
  registrationDateAmbiguous: false,
  sources: { username: null, registrationDate: null, reason: null },
  corrected: [],
};

const MACHINE_LOCAL_PART = /^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|noreply-.*|bounce[s]?|mail-daemon)$/i;

/**
 * A registration date cannot be later than the mail that states it: read dates against the day the
 * mail says it was written when that is earlier than today, so a mail read later reads the same.
 */
function writtenOn(message: MailMessage, today: string): string {
  const stated = new Date(message.headers.first('date') ?? '');
  if (Number.isNaN(stated.getTime())) return today;
  const day = stated.toISOString().slice(0, 10);
  return day < today ? day : today;
}

const FIELD_LABEL_NAMES = { username: 'username', registrationDate: 'registration date', reason: 'reason' } as const;

/**
 * Decides what one raw mail is. Pure apart from the parser: no clock (today comes in), no I/O.
 * Hostile mail never throws out of here; it comes back quarantined with a reason.
 *
 * Machines are recognised first, from headers alone. Every other mail is read completely — fields,
 * documents, references, intent — before anything is decided, and the decision weighs that evidence.
 */
export async function analyseMessage(raw: Buffer, policy: IntakePolicy, today: string): Promise<IntakeAnalysis> {
  const { message, structural, fullyParsed } = await readSafely(raw, policy);
  const problems: Problem[] = [...structural];
  if (message.headers.all('received').length > policy.limits.maxReceivedHeaders) problems.push('mail_loop');
  if (!isAddress(message.fromAddress)) problems.push('no_sender');

  const machine = machineEvidence(message, policy.ownAddresses);
  const repliesToUs = ourMessageIds(repliesTo(message), policy.messageIdDomain);
  const reference =
    findRequestReference(message.subject, `${message.text}\n${returnedHeaders(message)}`) ?? repliesToUs.find((ours) => ours.reference !== null)?.reference ?? null;
  const authentication = senderAuthentication(message.headers.all('authentication-results'), policy.trustedAuthservId, message.fromAddress);
  const ownText = ownWords(message.text);
  const words = `${message.subject}\n${ownText}`;

  const human = machine === null && fullyParsed;
  const fields = human ? extractFields(ownText, message.subject, writtenOn(message, today)) : NO_FIELDS;
  const documents = human ? findIdDocuments(message, policy.limits.maxAttachmentBytes) : [];
  const evidence: Evidence[] = machine ? [machine] : humanEvidence(message.subject, words, fields, documents, reference, repliesToUs);
  if (authentication === 'fail') evidence.push({ signal: 'sender_authentication_failed', detail: authenticationDetail(message, policy) });
  const verdict = machine === null ? weighEvidence(evidence) : { kind: MACHINE_KIND[machine.signal], standsAlone: false };
  const kind: MessageKind = verdict.kind;
  const isRequest = kind === 'cancellation_request' && fullyParsed;
  if (isRequest) problems.push(...requestProblems(fields, documents, fields.registrationDateAmbiguous));

  // Human mail nobody could be answered about is quarantined; a machine without a sender is just ignored.
  const quarantined = problems.some((problem) => isStructuralProblem(problem) && (problem !== 'no_sender' || machine === null));
  const disposition = quarantined ? 'quarantine' : machine !== null ? 'ignore' : isRequest ? 'queue' : 'triage';
  const answerable = mayAnswerAutomatically(message.fromAddress, authentication, policy.ownAddresses);
  const result: IntakeResult = {
    messageId: message.messageId,
    from: message.fromAddress,
    subject: message.subject,
    language: detectLanguage(words),
    kind,
    reference,
    senderAuthentication: authentication,
    fields: { username: fields.username, registrationDate: fields.registrationDate, reason: fields.reason },
    idDocuments: documents.map(({ content: _content, ...metadata }) => metadata),
    problems,
    disposition,
    acknowledge: disposition === 'queue' && answerable,
    evidence,
    fieldDoubts: fieldDoubts(fields),
  };
  return {
    result,
    documents,
    bodyText: message.text,
    ownText,
    senderName: message.fromName,
    repliesTo: repliesTo(message),
    fields,
    standsAlone: verdict.standsAlone,
    answerable,
  };
}

/** What a human mail says for and against being a cancellation request. */
function humanEvidence(
  subject: string,
  words: string,
  fields: ExtractedFields,
  documents: IdDocumentWithContent[],
  reference: string | null,
  repliesToUs: { messageId: string }[],
): Evidence[] {
  const evidence: Evidence[] = [];
  const intent = readIntent(words);
  if (intent.intent === 'asks') evidence.push({ signal: 'cancel_phrase', detail: intent.phrase! });
  if (intent.intent === 'keeps_account') evidence.push({ signal: 'keeps_account', detail: intent.phrase! });
  if (intent.question !== null) evidence.push({ signal: 'question', detail: intent.question });
  if (intent.notice !== null) evidence.push({ signal: 'notice', detail: intent.notice });
  const subjectReading = readSubject(subject);
  if (subjectReading.cancelWord !== null) evidence.push({ signal: 'subject_cancel_word', detail: subjectReading.cancelWord });
  if (subjectReading.question && intent.question === null) evidence.push({ signal: 'question', detail: subject.slice(0, 80) });
  for (const field of ['username', 'registrationDate', 'reason'] as const) {
    const source = fields.sources[field];
    if (source === 'label' || source === 'numbered') evidence.push({ signal: 'labelled_field', detail: FIELD_LABEL_NAMES[field] });
  }
  for (const field of fields.corrected) evidence.push({ signal: 'field_corrected', detail: FIELD_LABEL_NAMES[field] });
  const valid = documents.find((document) => document.valid);
  if (valid) evidence.push({ signal: 'id_document', detail: `${valid.filename} (${valid.contentType})` });
  if (reference !== null) evidence.push({ signal: 'request_reference', detail: reference });
  for (const ours of repliesToUs) evidence.push({ signal: 'replies_to_our_mail', detail: ours.messageId });
  return evidence;
}

/** Nothing automatic goes to a machine, to ourselves, or to an address our server saw forged. */
function mayAnswerAutomatically(address: string | null, authentication: SenderAuthentication, ownAddresses: string[]): boolean {
  return isAddress(address) && !MACHINE_LOCAL_PART.test(address.split('@')[0]) && !ownAddresses.includes(address) && authentication !== 'fail';
}

function authenticationDetail(message: MailMessage, policy: IntakePolicy): string {
  return ourAuthenticationResults(message.headers.all('authentication-results'), policy.trustedAuthservId)?.slice(0, 200) ?? 'fail';
}

interface ReadOutcome {
  message: MailMessage;
  structural: StructuralProblem[];
  fullyParsed: boolean;
}

async function readSafely(raw: Buffer, policy: IntakePolicy): Promise<ReadOutcome> {
  const refused = checkMimeStructure(raw, policy.limits);
  if (refused !== null) return { message: await readHeadersOnly(raw, policy.limits.maxHeaderBytes), structural: [refused], fullyParsed: false };
  try {
    const message = await readMessage(raw);
    const looksLikeMail = ['from', 'date', 'subject', 'message-id', 'to'].some((name) => message.headers.has(name));
    return { message, structural: looksLikeMail ? [] : ['malformed_mime'], fullyParsed: looksLikeMail };
  } catch {
    return { message: await readHeadersOnly(raw, policy.limits.maxHeaderBytes), structural: ['malformed_mime'], fullyParsed: false };
  }
}

function isAddress(address: string | null): address is string {
  return address !== null && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address);
}

/** A bounce carries the headers of the mail that bounced, ours with its reference among them. */
function returnedHeaders(message: MailMessage): string {
  return message.attachments
    .filter((attachment) => /^(?:text\/rfc822-headers|message\/rfc822|message\/global-headers)$/.test(attachment.declaredType))
    .map((attachment) => withEncodedWordsOpened(attachment.content.subarray(0, 65536).toString('latin1')))
    .join('\n');
}

/** A returned Subject is still RFC 2047-encoded; the ASCII reference inside needs no charset to be seen. */
function withEncodedWordsOpened(headers: string): string {
  return headers.replace(/=\?[^?\s]+\?([bBqQ])\?([^?\s]*)\?=/g, (_word, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('latin1')
      : text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))),
  );
}

function repliesTo(message: MailMessage): string[] {
  const ids = [...message.headers.all('in-reply-to'), ...message.headers.all('references')].join(' ');
  return [...new Set(ids.match(/<[^<>\s]+>/g) ?? [])];
}
