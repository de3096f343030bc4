import type { Evidence, MessageKind } from './intake-result';
import type { MailMessage } from './read-message';

const OUT_OF_OFFICE_SUBJECT =
  /^[\s【\[(（]*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|auto:|out of (?:the )?office|ooo\b|away from (?:the )?office|on vacation|on leave|自动回复|自動回覆|自动答复|休假|不在办公室)/i;

const MACHINE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

export type MachineEvidence = Evidence & { signal: 'bounce' | 'auto_reply' | 'own_mail' | 'bulk' };

/** The kind each machine signal makes a mail. */
export const MACHINE_KIND: Record<MachineEvidence['signal'], MessageKind> = {
  bounce: 'bounce',
  auto_reply: 'auto_reply',
  own_mail: 'auto_reply',
  bulk: 'bulk',
};

/**
 * Whether a machine sent this, following RFC 3834 and the habits of common mail systems, with the
 * header that says so. These are hard gates: a machine is never answered, whatever its words say.
 */
export function machineEvidence(message: MailMessage, ownAddresses: string[]): MachineEvidence | null {
  return bounce(message) ?? autoReply(message, ownAddresses) ?? bulk(message);
}

function bounce(message: MailMessage): MachineEvidence | null {
  const reportType = /report-type\s*=\s*"?([\w-]+)/.exec(message.contentType)?.[1];
  if (message.contentType.startsWith('multipart/report') && reportType !== 'disposition-notification') return { signal: 'bounce', detail: `multipart/report; report-type=${reportType ?? '?'}` };
  const report = message.partTypes.find((type) => type === 'message/delivery-status' || type === 'message/feedback-report');
  if (report) return { signal: 'bounce', detail: report };
  return message.fromAddress !== null && MACHINE_SENDER.test(message.fromAddress) ? { signal: 'bounce', detail: `From: ${message.fromAddress}` } : null;
}

function autoReply(message: MailMessage, ownAddresses: string[]): MachineEvidence | null {
  const { headers } = message;
  if (message.fromAddress !== null && ownAddresses.includes(message.fromAddress)) return { signal: 'own_mail', detail: `From: ${message.fromAddress}` };
  const autoSubmitted = headers.first('auto-submitted')?.toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return { signal: 'auto_reply', detail: `Auto-Submitted: ${autoSubmitted}` };
  if (headers.has('x-cancel-desk-reference')) return { signal: 'own_mail', detail: 'X-Cancel-Desk-Reference' };
  const marker = ['x-autoreply', 'x-autorespond', 'x-qq-auto-reply'].find((name) => headers.has(name));
  if (marker) return { signal: 'auto_reply', detail: marker };
  if (message.contentType.includes('disposition-notification') || message.partTypes.includes('message/disposition-notification')) {
    return { signal: 'auto_reply', detail: 'read receipt (disposition-notification)' };
  }
  return OUT_OF_OFFICE_SUBJECT.test(message.subject) ? { signal: 'auto_reply', detail: `Subject: ${message.subject.slice(0, 80)}` } : null;
}

function bulk(message: MailMessage): MachineEvidence | null {
  const precedence = message.headers.first('precedence')?.toLowerCase().trim() ?? '';
  if (['bulk', 'list', 'junk'].includes(precedence)) return { signal: 'bulk', detail: `Precedence: ${precedence}` };
  const list = ['list-id', 'list-unsubscribe'].find((name) => message.headers.has(name));
  return list ? { signal: 'bulk', detail: list } : null;
}
