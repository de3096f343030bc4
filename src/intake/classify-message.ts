import type { MessageKind } from './intake-result';
import type { MailMessage } from './read-message';

const OUT_OF_OFFICE_SUBJECT =
  /^[\s【\[(（]*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|auto:|out of (?:the )?office|ooo\b|away from (?:the )?office|on vacation|on leave|自动回复|自動回覆|自动答复|休假|不在办公室)/i;

const MACHINE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/** What kind of sender this is, following RFC 3834 and the habits of common mail systems. */
export function classifyMessage(
  message: MailMessage,
  ownAddresses: string[],
  isCancellationRequest: boolean,
): MessageKind {
  if (isBounce(message)) return 'bounce';
  if (isAutoReply(message, ownAddresses)) return 'auto_reply';
  if (isBulk(message)) return 'bulk';
  return isCancellationRequest ? 'cancellation_request' : 'other';
}

function isBounce(message: MailMessage): boolean {
  const reportType = /report-type\s*=\s*"?([\w-]+)/.exec(message.contentType)?.[1];
  if (message.contentType.startsWith('multipart/report') && reportType !== 'disposition-notification') return true;
  if (message.partTypes.some((type) => type === 'message/delivery-status' || type === 'message/feedback-report')) return true;
  return message.fromAddress !== null && MACHINE_SENDER.test(message.fromAddress);
}

function isAutoReply(message: MailMessage, ownAddresses: string[]): boolean {
  const { headers } = message;
  const autoSubmitted = headers.first('auto-submitted')?.toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return true;
  if (['x-autoreply', 'x-autorespond', 'x-qq-auto-reply', 'x-cancel-desk-reference'].some((name) => headers.has(name))) return true;
  if (message.contentType.includes('disposition-notification') || message.partTypes.includes('message/disposition-notification')) return true;
  if (message.fromAddress !== null && ownAddresses.includes(message.fromAddress)) return true;
  return OUT_OF_OFFICE_SUBJECT.test(message.subject);
}

function isBulk(message: MailMessage): boolean {
  const precedence = message.headers.first('precedence')?.toLowerCase() ?? '';
  if (['bulk', 'list', 'junk'].includes(precedence.trim())) return true;
  return message.headers.has('list-id') || message.headers.has('list-unsubscribe');
}
