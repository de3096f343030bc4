import { cancellationIntent } from './cancellation-intent';
import { classifyMessage } from './classify-message';
import { extractFields, type ExtractedFields } from './extract-fields';
import { findIdDocuments } from './id-documents';
import type { IntakePolicy } from './intake-policy';
import { isStructuralProblem, type IdDocumentWithContent, type IntakeResult, type Problem, type StructuralProblem } from './intake-result';
import { detectLanguage } from './language';
import { checkMimeStructure } from './mime-structure';
import { ownWords } from './own-words';
import { readHeadersOnly, readMessage, type MailMessage } from './read-message';
import { findRequestReference } from './request-reference';
import { requestProblems } from './request-problems';
import { senderAuthentication } from './sender-authentication';

/** Everything intake learned from one mail: the public verdict plus what the queue needs to store. */
export interface IntakeAnalysis {
  result: IntakeResult;
  /** ID documents with their bytes, for the vault; empty unless the mail is a request. */
  documents: IdDocumentWithContent[];
  /** The readable body (quotes included), for staff; never logged. */
  bodyText: string;
  /** Message-IDs this mail answers (In-Reply-To, References), for threading replies to a request. */
  repliesTo: string[];
}

const NO_FIELDS: ExtractedFields = { username: null, registrationDate: null, reason: null, registrationDateAmbiguous: false };

const MACHINE_LOCAL_PART = /^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|noreply-.*|bounce[s]?|mail-daemon)$/i;

/**
 * Decides what one raw mail is. Pure apart from the parser: no clock (today comes in), no I/O.
 * Hostile mail never throws out of here; it comes back quarantined with a reason.
 */
export async function analyseMessage(raw: Buffer, policy: IntakePolicy, today: string): Promise<IntakeAnalysis> {
  const { message, structural, fullyParsed } = await readSafely(raw, policy);
  const problems: Problem[] = [...structural];
  if (message.headers.all('received').length > policy.limits.maxReceivedHeaders) problems.push('mail_loop');
  if (!isAddress(message.fromAddress)) problems.push('no_sender');

  const ownText = ownWords(message.text);
  const words = `${message.subject}\n${ownText}`;
  const reference = findRequestReference(message.subject, `${message.text}\n${returnedHeaders(message)}`);
  // A reply carrying a reference adds to its request, unless it says the customer keeps the account.
  const intent = cancellationIntent(words);
  const kind = classifyMessage(message, policy.ownAddresses, intent === 'asks' || (reference !== null && intent !== 'keeps_account'));
  const isRequest = kind === 'cancellation_request' && fullyParsed;

  const fields = isRequest ? extractFields(ownText, message.subject, today) : NO_FIELDS;
  const documents = isRequest ? findIdDocuments(message.attachments, message.html, policy.limits.maxAttachmentBytes) : [];
  if (isRequest) problems.push(...requestProblems(fields, documents, fields.registrationDateAmbiguous));

  // A request nobody can be answered about cannot be queued; other mail without a sender is just ignored.
  const quarantined = problems.some((problem) => isStructuralProblem(problem) && (problem !== 'no_sender' || kind === 'cancellation_request'));
  const disposition = quarantined ? 'quarantine' : kind === 'cancellation_request' ? 'queue' : 'ignore';
  const result: IntakeResult = {
    messageId: message.messageId,
    from: message.fromAddress,
    subject: message.subject,
    language: detectLanguage(words),
    kind,
    reference,
    senderAuthentication: senderAuthentication(message.headers.all('authentication-results'), policy.trustedAuthservId),
    fields: { username: fields.username, registrationDate: fields.registrationDate, reason: fields.reason },
    idDocuments: documents.map(({ content: _content, ...metadata }) => metadata),
    problems,
    disposition,
    acknowledge: disposition === 'queue' && isReplyable(message.fromAddress, policy.ownAddresses),
  };
  return { result, documents, bodyText: message.text, repliesTo: repliesTo(message) };
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

function isReplyable(address: string | null, ownAddresses: string[]): boolean {
  return isAddress(address) && !MACHINE_LOCAL_PART.test(address.split('@')[0]) && !ownAddresses.includes(address);
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
