import { simpleParser, type AddressObject, type Attachment, type HeaderLines } from 'mailparser';
import iconv from 'iconv-lite';
import { decodeStrayEntities, htmlToText } from './html-to-text';

export interface MailAttachment {
  filename: string | null;
  /** The Content-Type header's type, lower-case, without parameters. */
  declaredType: string;
  contentId: string | null;
  content: Buffer;
}

/** One mail as intake needs it: decoded, but with the raw headers still at hand for classification. */
export interface MailMessage {
  headers: HeaderList;
  messageId: string | null;
  fromAddress: string | null;
  /** The From display name, on one line; '' when there is none. */
  fromName: string;
  subject: string;
  /** The top-level Content-Type value and parameters, lower-case. */
  contentType: string;
  /** Content types declared anywhere in the MIME tree, including report parts the parser folds into the text. */
  partTypes: string[];
  /** The readable body: the text part, else the HTML part read as text. */
  text: string;
  html: string | null;
  attachments: MailAttachment[];
  /** Mails attached whole (Outlook's "forward as attachment"), read in turn: a customer's ID sent before may be inside one. */
  forwarded: MailMessage[];
}

/** How deep attached mails are read inside attached mails; the MIME depth limit already bounds the raw nesting. */
const FORWARD_DEPTH = 3;

export class HeaderList {
  constructor(private readonly lines: HeaderLines) {}

  /** Every value of a header, unfolded, in the order they stand (topmost first). */
  all(name: string): string[] {
    const key = name.toLowerCase();
    return this.lines
      .filter((header) => header.key === key)
      .map((header) => header.line.slice(header.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }

  first(name: string): string | null {
    return this.all(name)[0] ?? null;
  }

  has(name: string): boolean {
    return this.all(name).length > 0;
  }
}

export async function readMessage(raw: Buffer, depth = 0): Promise<MailMessage> {
  // skipHtmlToText: a single-part text/html mail is read by our own HTML reader, which keeps table
  // cells apart; mailparser's would glue "Reason" to its value.
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const attachments = parsed.attachments.map(toMailAttachment);
  const headers = new HeaderList(parsed.headerLines);
  const html = typeof parsed.html === 'string' ? parsed.html : null;
  const text = parsed.text ? decodeStrayEntities(parsed.text) : html ? htmlToText(html) : '';
  return {
    headers,
    messageId: parsed.messageId?.trim() || null,
    fromAddress: senderAddress(parsed.from),
    fromName: oneLine(parsed.from?.value.find((entry) => entry.address)?.name ?? ''),
    subject: oneLine(decodeSubject(parsed.subject ?? '', headers)),
    contentType: headers.first('content-type')?.toLowerCase() ?? 'text/plain',
    partTypes: declaredContentTypes(raw),
    text,
    html,
    attachments,
    forwarded: depth < FORWARD_DEPTH ? await readForwarded(attachments, depth + 1) : [],
  };
}

async function readForwarded(attachments: MailAttachment[], depth: number): Promise<MailMessage[]> {
  const forwarded: MailMessage[] = [];
  for (const attachment of attachments.filter((part) => /^message\/(?:rfc822|global)$/.test(part.declaredType))) {
    // An attached mail that cannot be read costs only its own contents, not the mail around it.
    const inner = await readMessage(attachment.content, depth).catch(() => null);
    if (inner) forwarded.push(inner);
  }
  return forwarded;
}

/**
 * Reads only the header block, for mail refused before full parsing (too large, too deep, broken):
 * enough to log it and to tell a machine from a customer. Never throws.
 */
export async function readHeadersOnly(raw: Buffer, maxHeaderBytes: number): Promise<MailMessage> {
  const text = raw.subarray(0, maxHeaderBytes).toString('latin1');
  const blank = text.search(/\r?\n\r?\n/);
  const headerBlock = blank === -1 ? text.slice(0, text.lastIndexOf('\n') + 1) : text.slice(0, blank);
  try {
    const message = await readMessage(Buffer.from(`${headerBlock}\r\n\r\n`, 'latin1'));
    return { ...message, text: '', html: null, partTypes: [], attachments: [], forwarded: [] };
  } catch {
    return { ...EMPTY_MESSAGE, headers: new HeaderList([]) };
  }
}

const EMPTY_MESSAGE: Omit<MailMessage, 'headers'> = {
  messageId: null,
  fromAddress: null,
  fromName: '',
  subject: '',
  contentType: 'text/plain',
  partTypes: [],
  text: '',
  html: null,
  attachments: [],
  forwarded: [],
};

function declaredContentTypes(raw: Buffer): string[] {
  const types = raw.toString('latin1').matchAll(/^content-type:[ \t]*([\w!#$&^.+-]+\/[\w!#$&^.+-]+)/gim);
  return [...new Set(Array.from(types, (match) => match[1].toLowerCase()))];
}

function toMailAttachment(attachment: Attachment): MailAttachment {
  // The parser swaps a declared application/octet-stream for a guess from the file name; we want what was declared.
  const declared = attachment.headers.get('content-type') as { value?: string } | undefined;
  return {
    filename: attachment.filename ?? null,
    declaredType: (declared?.value ?? attachment.contentType).toLowerCase().split(';')[0].trim(),
    contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, '') : null,
    content: attachment.content,
  };
}

function senderAddress(from: AddressObject | undefined): string | null {
  const address = from?.value.find((entry) => entry.address)?.address;
  return address ? address.trim().toLowerCase() : null;
}

/**
 * Old clients put raw 8-bit GBK or UTF-8 into the Subject without RFC 2047; the parser then shows
 * mojibake. The raw bytes survive in the header line (read as latin1), so decode them ourselves.
 */
function decodeSubject(decoded: string, headers: HeaderList): string {
  const raw = headers.first('subject');
  if (raw === null || !/[\x80-\xff]/.test(raw) || /=\?[^?]+\?[bq]\?/i.test(raw)) return decoded;
  const bytes = Buffer.from(raw, 'latin1');
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\ufffd') ? iconv.decode(bytes, 'gb18030') : utf8;
}

/** Subjects and names may carry CR/LF and control characters: never let them reach logs or replies. */
export function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
}
