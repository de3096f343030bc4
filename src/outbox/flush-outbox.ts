import type { Clock } from '../clock';
import type { DeskMetrics } from '../health/desk-metrics';
import { maskAddress, type Logger } from '../log';
import type { OutboxMessage, OutboxStore } from '../queue/outbox-store';
import type { MailTransport, OutgoingMail } from './outgoing-mail';
import { workThroughDue } from './work-through-due';

export interface OutboxDependencies {
  outbox: OutboxStore;
  transport: MailTransport;
  compose: (message: OutboxMessage) => Promise<OutgoingMail>;
  clock: Clock;
  log: Logger;
  /** Whether the last flush found automatic mail paused, so that a pause and its end are logged once each. */
  breaker: { paused: boolean };
  metrics: DeskMetrics;
}

export interface FlushSummary {
  sent: number;
  sendFailed: number;
}

/**
 * Mails composed ahead of the one being sent: enough to keep the receipt renderer busy while intake
 * has the event loop, and claimed six or more at a time (one transaction each); few enough to stay
 * small in memory (a mail and its PDF are tens of KB).
 */
const LOOKAHEAD = 12;

/**
 * Sends every due mail. Marked sent only after the server accepted it: a crash in between sends it
 * again with the same Message-ID (at least once), never loses it.
 */
export async function flushOutbox(deps: OutboxDependencies, shouldStop: () => boolean = () => false): Promise<FlushSummary> {
  const { done, failed } = await workThroughDue<OutboxMessage, OutgoingMail, OutgoingMail>(
    {
      claim: (limit) => deps.outbox.claimDue(limit),
      prepare: (message) => deps.compose(message),
      async attempt(_message, mail) {
        await deps.transport.send(mail);
        return mail;
      },
      succeeded(message, mail) {
        deps.outbox.markSent(message, { from: mail.from.address, subject: mail.subject, text: mail.text, attachments: mail.attachments.map((attachment) => attachment.filename) });
        if (message.purpose === 'acknowledgement') deps.metrics.acknowledgement('sent');
        deps.log.info('mail_sent', { ...concerning(message), messageId: message.messageId, purpose: message.purpose, to: maskAddress(message.recipient) });
      },
      failed(message, error, retryAt) {
        deps.outbox.markFailed(message, error.message, retryAt);
        if (message.purpose === 'acknowledgement') deps.metrics.acknowledgement('failed');
        deps.log.warn('mail_failed', { ...concerning(message), messageId: message.messageId, purpose: message.purpose, attempts: message.attempts + 1, retryAt: retryAt.toISOString(), error: error.message });
      },
      release: (messages) => deps.outbox.release(messages),
    },
    deps.clock,
    shouldStop,
    LOOKAHEAD,
  );
  const paused = deps.outbox.sendingPaused();
  if (paused !== deps.breaker.paused) {
    if (paused) deps.log.warn('automatic_mail_paused', { advice: 'ACK_LIMIT_PER_HOUR automatic mails went out within the last hour: the rest wait until the hour has room (staff-written mail still goes out)' });
    else deps.log.info('automatic_mail_resumed', {});
    deps.breaker.paused = paused;
  }
  return { sent: done, sendFailed: failed };
}

/** What a mail is about, named the way every other log line names it. */
function concerning(message: OutboxMessage): { reference: string } | { triageId: number } {
  return 'request' in message.payload ? { reference: message.payload.request.reference } : { triageId: message.payload.triage.id };
}
