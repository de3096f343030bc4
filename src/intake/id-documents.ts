import { createHash } from 'node:crypto';
import type { DocumentProblem, IdDocumentWithContent } from './intake-result';
import type { MailAttachment } from './read-message';
import { checkDocumentFormat } from './id-document-format';
import { sniffFileType } from './sniff-file-type';

const ACCEPTED = new Set(['image/jpeg', 'image/png', 'application/pdf', 'image/heic', 'image/heif', 'image/webp']);

/** HEIC is one kind of HEIF: naming either for the other is no mismatch. */
const SAME_KIND: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/heif': 'image/heic',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heic',
  'application/x-pdf': 'application/pdf',
};

const TYPE_OF_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  heic: 'image/heic',
  heif: 'image/heic',
  webp: 'image/webp',
};

/** Parts that travel as attachments but are never a copy of an ID. */
const NOT_DOCUMENTS = [
  /^text\/(calendar|x-vcard|vcard)$/,
  /^application\/(pgp-signature|pkcs7-signature|x-pkcs7-signature|pgp-keys|ics)$/,
  /^message\//,
  /^text\/rfc822-headers$/,
];

const OWN_RECEIPT = /^(acknowledgement|confirmation)-CR-[A-Z0-9]+\.pdf$/;

/** What documents are found in: a mail (MailMessage), its HTML, and the mails attached to it whole. */
interface Attached {
  attachments: MailAttachment[];
  html: string | null;
  forwarded: Attached[];
}

/** The mail's own attachments, then those of every mail attached whole, each judged against its own HTML. */
export function findIdDocuments(message: Attached, maxBytes: number): IdDocumentWithContent[] {
  const referenced = contentIdsReferencedBy(message.html);
  const own = message.attachments
    .filter((attachment) => attachment.contentId === null || !referenced.has(attachment.contentId.toLowerCase()))
    .filter((attachment) => !NOT_DOCUMENTS.some((pattern) => pattern.test(attachment.declaredType)))
    .filter((attachment) => !OWN_RECEIPT.test(safeFilename(attachment.filename)))
    .map((attachment) => describeDocument(attachment, maxBytes));
  return [...own, ...message.forwarded.flatMap((inner) => findIdDocuments(inner, maxBytes))];
}

/** Logos and signature pictures are shown by the HTML body through cid: links. */
function contentIdsReferencedBy(html: string | null): Set<string> {
  return new Set(Array.from((html ?? '').matchAll(/cid:([^"'\s)>]+)/gi), (match) => match[1].toLowerCase()));
}

function describeDocument(attachment: MailAttachment, maxBytes: number): IdDocumentWithContent {
  const filename = safeFilename(attachment.filename);
  const contentType = sniffFileType(attachment.content);
  const problem = documentProblem(attachment, filename, contentType, maxBytes);
  return {
    filename,
    contentType,
    declaredType: attachment.declaredType,
    size: attachment.content.length,
    sha256: createHash('sha256').update(attachment.content).digest('hex'),
    valid: problem === null,
    problem,
    content: attachment.content,
  };
}

function documentProblem(
  attachment: MailAttachment,
  filename: string,
  sniffed: string,
  maxBytes: number,
): DocumentProblem | null {
  if (attachment.content.length === 0) return 'empty';
  if (attachment.content.length > maxBytes) return 'too_large';
  if (!ACCEPTED.has(sniffed)) return 'unsupported_type';
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1].toLowerCase();
  const claimed = [attachment.declaredType, extension ? TYPE_OF_EXTENSION[extension] : undefined]
    .map((type) => (type ? (SAME_KIND[type] ?? type) : undefined))
    .filter((type): type is string => type !== undefined && ACCEPTED.has(type));
  const actual = SAME_KIND[sniffed] ?? sniffed;
  if (claimed.some((type) => type !== actual)) return 'type_mismatch';
  // First bytes are easy to borrow: the file must be that format all through, and nothing else.
  return checkDocumentFormat(sniffed, attachment.content) === 'well_formed' ? null : 'type_mismatch';
}

/** A name safe to show and store: no directories, no control or direction-changing characters. */
export function safeFilename(name: string | null): string {
  const base = (name ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .split(/[\\/]/)
    .pop()!
    .trim()
    .slice(0, 200);
  return base === '' || /^\.+$/.test(base) ? 'attachment' : base;
}
