import { createHmac } from 'node:crypto';
import type { Clock } from '../clock';
import type { DeskMetrics } from '../health/desk-metrics';
import type { Logger } from '../log';
import { workThroughDue } from '../outbox/work-through-due';
import type { DueHandoff, HandoffStore } from '../queue/handoffs';

export interface AccountWebhook {
  url: string;
  secret: string;
}

export interface HandoffSummary {
  delivered: number;
  deliveryFailed: number;
}

export const SIGNATURE_HEADER = 'X-Cancel-Desk-Signature';
/** Long enough for a slow account system, short enough that one dead server cannot stall the daemon's job. */
const TIMEOUT_MS = 15_000;

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes, so the receiver verifies before parsing. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Hands every due approval to the account system; each is retried with backoff until it answers 2xx. */
export function deliverHandoffs(
  deps: { handoffs: HandoffStore; webhook: AccountWebhook; clock: Clock; log: Logger; metrics: DeskMetrics },
  shouldStop: () => boolean = () => false,
): Promise<HandoffSummary> {
  const { handoffs, webhook, log, metrics } = deps;
  return workThroughDue<DueHandoff, string>(
    {
      claim: (limit) => handoffs.claimDue(limit),
      prepare: async (handoff) => handoff.body,
      attempt: (_handoff, body) => post(webhook, body),
      succeeded(handoff) {
        handoffs.markDelivered(handoff);
        metrics.webhookDelivery('delivered');
        log.info('account_handoff_delivered', { reference: handoff.reference, attempts: handoff.attempts + 1 });
      },
      failed(handoff, error, retryAt) {
        handoffs.markFailed(handoff, error.message, retryAt);
        metrics.webhookDelivery('failed');
        log.warn('account_handoff_failed', { reference: handoff.reference, attempts: handoff.attempts + 1, retryAt: retryAt.toISOString(), error: error.message });
      },
      release: (unattempted) => handoffs.release(unattempted),
    },
    deps.clock,
    shouldStop,
  ).then(({ done, failed }) => ({ delivered: done, deliveryFailed: failed }));
}

async function post(webhook: AccountWebhook, body: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: webhookSignature(body, webhook.secret) },
      body,
      // The body carries personal data and its signature: it goes to the configured address and nowhere else.
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (error as Error).message);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}
