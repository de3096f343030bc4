import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeskStats } from '../queue/desk-stats';
import { REQUEST_STATUSES } from '../queue/request-status';

/** What intake did with one mail, as counted. */
export type MailOutcome = 'queued' | 'threaded' | 'triaged' | 'ignored' | 'quarantined';

/**
 * The desk's Prometheus series (`cancel_desk_*`). Events are counted as they happen; the state of the
 * queue is read from the database once per scrape, so every gauge of one scrape is from one moment.
 * Each app has its own registry: two apps in one process (tests) never share a count.
 */
export interface DeskMetrics {
  mailHandled(outcome: MailOutcome): void;
  acknowledgement(result: 'sent' | 'failed'): void;
  webhookDelivery(result: 'delivered' | 'failed'): void;
  intakeCycle(seconds: number, result: 'succeeded' | 'failed'): void;
  /** The Prometheus text exposition, with the queue's state as of `stats`. */
  scrape(stats: DeskStats, now: Date): Promise<string>;
  readonly contentType: string;
}

export function createDeskMetrics(): DeskMetrics {
  const registry = new Registry();
  const registers = [registry];
  const mailsFetched = new Counter({ name: 'cancel_desk_mails_fetched_total', help: 'Mails taken from the inbox, by what intake did with them', labelNames: ['outcome'], registers });
  const quarantined = new Counter({ name: 'cancel_desk_mails_quarantined_total', help: 'Mails moved to quarantine (malformed, hostile or failing again and again)', registers });
  const acknowledgements = new Counter({ name: 'cancel_desk_acknowledgements_total', help: 'Acknowledgement mails the outbox tried to send, by result', labelNames: ['result'], registers });
  const webhook = new Counter({ name: 'cancel_desk_webhook_deliveries_total', help: 'Approved requests posted to the account webhook, by result', labelNames: ['result'], registers });
  const cycles = new Histogram({
    name: 'cancel_desk_intake_cycle_duration_seconds',
    help: 'How long one intake cycle (draining the inbox) took, by result',
    labelNames: ['result'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const requests = new Gauge({ name: 'cancel_desk_requests', help: 'Cancellation requests, by status', labelNames: ['status'], registers });
  const triage = new Gauge({ name: 'cancel_desk_triage_items_open', help: 'Unsorted mails waiting for staff', registers });
  const outbox = new Gauge({ name: 'cancel_desk_outbox_depth', help: 'Outgoing mails not yet accepted by the mail server', registers });
  const oldest = new Gauge({ name: 'cancel_desk_oldest_pending_request_age_seconds', help: 'Age of the longest-waiting request pending review; 0 when none waits', registers });
  const overdue = new Gauge({ name: 'cancel_desk_overdue_requests', help: 'Requests pending review past their due day (in TIME_ZONE)', registers });
  // Zero from the first scrape, so that a rate() or an absent() alert has a series before the first event.
  for (const outcome of ['queued', 'threaded', 'triaged', 'ignored', 'quarantined']) mailsFetched.inc({ outcome }, 0);
  for (const result of ['sent', 'failed']) acknowledgements.inc({ result }, 0);
  for (const result of ['delivered', 'failed']) webhook.inc({ result }, 0);

  return {
    contentType: registry.contentType,
    mailHandled(outcome) {
      mailsFetched.inc({ outcome });
      if (outcome === 'quarantined') quarantined.inc();
    },
    acknowledgement: (result) => acknowledgements.inc({ result }),
    webhookDelivery: (result) => webhook.inc({ result }),
    intakeCycle: (seconds, result) => cycles.observe({ result }, seconds),
    scrape(stats, now) {
      for (const status of REQUEST_STATUSES) requests.set({ status }, stats.requestsByStatus[status]);
      triage.set(stats.openTriageItems);
      outbox.set(stats.outboxDepth);
      oldest.set(stats.oldestPendingReceivedAt === null ? 0 : Math.max(0, (now.getTime() - Date.parse(stats.oldestPendingReceivedAt)) / 1000));
      overdue.set(stats.overdue);
      return registry.metrics();
    },
  };
}
