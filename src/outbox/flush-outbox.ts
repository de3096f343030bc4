import type { Clock } from '../clock';
import { maskAddress, type Logger } from '../log';
import type { OutboxMessage, RequestQueue } from '../queue/request-queue';
import type { MailTransport, OutgoingMail } from './outgoing-mail';

export interface OutboxDependencies {
  queue: RequestQueue;
  transport: MailTransport;
  compose: (message: OutboxMessage) => Promise<OutgoingMail>;
  clock: Clock;
  log: Logger;
}

export interface FlushSummary {
  sent: number;
  sendFailed: number;
}

const BATCH = 100;

/** Waits 1, 2, 4… minutes between attempts, at most an hour: a dead mail server is retried, not hammered. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** attempts, 3_600_000);
}

/**
 * Sends every due mail. Marked sent only after the server accepted it: a crash in between sends it
 * again with the same Message-ID (at least once), never loses it.
 */
export async function flushOutbox(deps: OutboxDependencies, shouldStop: () => boolean = () => false): Promise<FlushSummary> {
  const summary: FlushSummary = { sent: 0, sendFailed: 0 };
  for (let batch = deps.queue.dueMail(BATCH); batch.length > 0 && summary.sendFailed === 0; batch = deps.queue.dueMail(BATCH)) {
    for (const message of batch) {
      if (shouldStop()) return summary;
      try {
        await deps.transport.send(await deps.compose(message));
      } catch (error) {
        const retryAt = new Date(deps.clock.now().getTime() + retryDelayMs(message.attempts));
        deps.queue.markFailed(message, (error as Error).message, retryAt);
        deps.log.warn('mail_failed', { messageId: message.messageId, purpose: message.purpose, attempts: message.attempts + 1, retryAt: retryAt.toISOString(), error: (error as Error).message });
        summary.sendFailed++;
        // The server is most likely down: the rest waits for the next flush rather than timing out one by one.
        break;
      }
      deps.queue.markSent(message);
      deps.log.info('mail_sent', { messageId: message.messageId, purpose: message.purpose, to: maskAddress(message.recipient) });
      summary.sent++;
    }
  }
  return summary;
}
