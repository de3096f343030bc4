import type { MissingItem, ReceiptFacts, ReceiptKind } from '../documents/receipt-facts';
import type { Letterhead } from '../documents/receipt-pdf';
import type { RenderReceipt } from '../documents/receipt-renderer';
import { formatDay } from '../documents/zoned-time';
import { loadReceiptWording } from '../documents/receipt-wording';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language, RequestProblem } from '../intake/intake-result';
import type { MailPurpose, OutboxMessage, RequestMailPayload, TriageMailPayload } from '../queue/outbox-store';
import { mailHtml } from './mail-html';
import { renderMailTemplate, type MailText } from './mail-templates';
import type { OutgoingMail } from './outgoing-mail';

export interface CompositionSettings {
  templatesDir: string;
  mailFrom: { name: string; address: string };
  receiptKey: Buffer;
  /** In a child process for the daemon, so composing a mail never holds up intake or the console. */
  renderReceipt: RenderReceipt;
  timeZone: string;
  /** The working-day reply promise, as the acknowledgement states it. */
  workingDays: number;
  /** Named in every mail's HTML part and at the head of every receipt. */
  organisation: Letterhead & { supportEmail: string };
}

const MISSING_ITEM: Record<RequestProblem, MissingItem> = {
  missing_username: 'username',
  missing_registration_date: 'registration_date',
  ambiguous_registration_date: 'registration_date',
  missing_reason: 'reason',
  missing_id_document: 'id_document',
  invalid_id_document: 'id_document',
};

type RequestPurpose = Exclude<MailPurpose, 'triage-reply'>;

/**
 * Each request mail's template in `templates/mail/`, the receipt PDF it carries, if any, and whether
 * a machine wrote it (RFC 3834) or a person did (a staff member's own reply).
 */
const PURPOSES: Record<RequestPurpose, { template: (request: RequestMailPayload['request']) => string; receipt: ReceiptKind | null; automatic?: false }> = {
  acknowledgement: { template: (request) => (request.status === 'needs_info' ? 'acknowledgement-needs-info' : 'acknowledgement'), receipt: 'acknowledgement' },
  // A follow-up that changed nothing recorded: a receipt would only repeat the last one.
  'reply-received': { template: () => 'reply-received', receipt: null },
  'staff-reply': { template: () => 'staff-reply', receipt: null, automatic: false },
  // Approved is not closed: the confirmation PDF goes out only once the account system confirmed.
  'decision-approved': { template: () => 'decision-approved', receipt: null },
  'decision-closed': { template: () => 'decision-closed', receipt: 'confirmation' },
  'decision-rejected': { template: () => 'decision-rejected', receipt: null },
  'decision-info-requested': { template: () => 'decision-info-requested', receipt: null },
};

/** Turns a queued outbox row into the mail the customer receives, in their language, with its PDF. */
export async function composeMail(message: OutboxMessage, settings: CompositionSettings): Promise<OutgoingMail> {
  return 'triage' in message.payload ? composeTriageReply(message, message.payload, settings) : composeRequestMail(message, message.payload, settings);
}

async function composeRequestMail(message: OutboxMessage, payload: RequestMailPayload, settings: CompositionSettings): Promise<OutgoingMail> {
  const { request, note } = payload;
  const purpose = PURPOSES[message.purpose as RequestPurpose];
  const wording = loadReceiptWording(settings.templatesDir, request.language);
  const missing = [...new Set(request.problems.map((problem) => MISSING_ITEM[problem]))];
  const text = renderMailTemplate(settings.templatesDir, purpose.template(request), request.language, {
    reference: request.reference,
    missing: missing.map((item) => `- ${wording.missingItems[item]}`).join('\n'),
    reason: note ?? '',
    needed: asList(note ?? ''),
    message: note ?? '',
    dueDate: request.dueDate ? formatDay(request.dueDate, request.language) : '',
    workingDays: String(settings.workingDays),
  });
  const attachments: OutgoingMail['attachments'] = [];
  if (purpose.receipt !== null) {
    const facts = receiptFacts(purpose.receipt, payload, missing, settings.timeZone);
    const pdf = await settings.renderReceipt(facts, settings.receiptKey, wording, settings.organisation);
    // A view of the PDF, not a copy: the daemon's short-lived buffers are what fragments its memory.
    attachments.push({ filename: `${facts.kind}-${request.reference}.pdf`, content: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), contentType: 'application/pdf' });
  }
  return {
    from: settings.mailFrom,
    to: message.recipient,
    subject: text.subject,
    text: text.body,
    html: htmlOf(text, request.language, settings),
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references,
    headers: {
      // RFC 3834: mark the reply as automatic so that well-behaved responders never answer it.
      ...(purpose.automatic === false ? {} : { 'Auto-Submitted': 'auto-replied' }),
      // Exchange and Outlook honour this and send no out-of-office reply to us.
      'X-Auto-Response-Suppress': 'All',
      'X-Cancel-Desk-Reference': request.reference,
    },
    attachments,
  };
}

/** A staff member's own words to someone whose mail sat in triage: not automatic, so not marked so. */
function composeTriageReply(message: OutboxMessage, payload: TriageMailPayload, settings: CompositionSettings): OutgoingMail {
  const text = renderMailTemplate(settings.templatesDir, 'triage-reply', payload.triage.language, {
    subject: payload.triage.subject.replace(/^(?:\s*(?:re|aw|回复|答复)\s*[:：])+\s*/i, ''),
    message: payload.note,
  });
  return {
    from: settings.mailFrom,
    to: message.recipient,
    subject: text.subject,
    text: text.body,
    html: htmlOf(text, payload.triage.language, settings),
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references,
    headers: { 'X-Auto-Response-Suppress': 'All' },
    attachments: [],
  };
}

/** The HTML alternative of a mail, in the operator's layout (`templates/mail/layout.html`, read on every use like the texts). */
function htmlOf(text: MailText, language: Language, settings: CompositionSettings): string {
  const layout = readFileSync(join(settings.templatesDir, 'mail', 'layout.html'), 'utf8');
  return mailHtml(text.body, layout, { lang: language, subject: text.subject, orgName: settings.organisation.name, supportEmail: settings.organisation.supportEmail });
}

function receiptFacts(kind: ReceiptKind, payload: RequestMailPayload, missing: MissingItem[], timeZone: string): ReceiptFacts {
  const { request, queuedAt } = payload;
  return {
    kind,
    reference: request.reference,
    language: request.language,
    receivedAt: request.receivedAt,
    timeZone,
    status: request.status,
    sender: request.email,
    username: request.fields.username,
    registrationDate: request.fields.registrationDate,
    reason: request.fields.reason,
    idDocuments: request.idDocuments.filter((document) => document.counted !== false).map(({ filename, sha256 }) => ({ filename, sha256 })),
    missing,
    issuedAt: queuedAt,
    ...(kind === 'confirmation' && request.closedAt ? { closedAt: request.closedAt } : {}),
    // A promise only while staff have everything and have not decided yet.
    ...(kind === 'acknowledgement' && request.status === 'pending_review' && request.dueDate ? { dueDate: request.dueDate } : {}),
  };
}

/** Staff's words as a list, one item per line, whether or not they typed bullets themselves. */
function asList(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^[-*•·]\s*/, ''))
    .filter((line) => line !== '')
    .map((line) => `- ${line}`)
    .join('\n');
}
