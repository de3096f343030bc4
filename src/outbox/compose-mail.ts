import type { MissingItem, ReceiptFacts } from '../documents/receipt-facts';
import { renderReceiptPdf } from '../documents/receipt-pdf';
import { loadReceiptWording } from '../documents/receipt-wording';
import type { RequestProblem } from '../intake/intake-result';
import type { OutboxMessage } from '../queue/request-queue';
import { renderMailTemplate } from './mail-templates';
import type { OutgoingMail } from './outgoing-mail';

export interface CompositionSettings {
  templatesDir: string;
  mailFrom: { name: string; address: string };
  receiptKey: Buffer;
  timeZone: string;
}

const MISSING_ITEM: Record<RequestProblem, MissingItem> = {
  missing_username: 'username',
  missing_registration_date: 'registration_date',
  ambiguous_registration_date: 'registration_date',
  missing_reason: 'reason',
  missing_id_document: 'id_document',
  invalid_id_document: 'id_document',
};

/** Turns a queued outbox row into the mail the customer receives, in their language, with its PDF. */
export async function composeMail(message: OutboxMessage, settings: CompositionSettings): Promise<OutgoingMail> {
  const { request, queuedAt } = message.payload;
  const wording = loadReceiptWording(settings.templatesDir, request.language);
  const missing = [...new Set(request.problems.map((problem) => MISSING_ITEM[problem]))];
  const facts: ReceiptFacts = {
    kind: 'acknowledgement',
    reference: request.reference,
    language: request.language,
    receivedAt: request.receivedAt,
    timeZone: settings.timeZone,
    status: request.status,
    sender: request.email,
    username: request.fields.username,
    registrationDate: request.fields.registrationDate,
    reason: request.fields.reason,
    idDocuments: request.idDocuments.map(({ filename, sha256 }) => ({ filename, sha256 })),
    missing,
    issuedAt: queuedAt,
  };
  const template = request.status === 'needs_info' ? `${message.purpose}-needs-info` : message.purpose;
  const text = renderMailTemplate(settings.templatesDir, template, request.language, {
    reference: request.reference,
    missing: missing.map((item) => `- ${wording.missingItems[item]}`).join('\n'),
  });
  const pdf = await renderReceiptPdf(facts, settings.receiptKey, wording);
  return {
    from: settings.mailFrom,
    to: message.recipient,
    subject: text.subject,
    text: text.body,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references,
    headers: {
      // RFC 3834: mark the reply as automatic so that well-behaved responders never answer it.
      'Auto-Submitted': 'auto-replied',
      // Exchange and Outlook honour this and send no out-of-office reply to us.
      'X-Auto-Response-Suppress': 'All',
      'X-Cancel-Desk-Reference': request.reference,
    },
    attachments: [{ filename: `${facts.kind}-${request.reference}.pdf`, content: Buffer.from(pdf), contentType: 'application/pdf' }],
  };
}
