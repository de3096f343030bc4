import cron, { type ScheduledTask } from 'node-cron';
import type { App } from './app';
import { systemClock } from './clock';
import { startConsole } from './console/start-console';
import type { Logger } from './log';

/**
 * `cancel-desk run`: an intake cycle at once, then the schedules. On SIGTERM or SIGINT the jobs stop
 * taking new messages, the message in hand is finished, and the process exits without waiting for
 * the next tick (node-cron's own shutdown would keep it alive for its whole timeout).
 */
export async function runDaemon(app: App, log: Logger): Promise<void> {
  // The web console first: a port already taken stops the daemon before it touches the inbox.
  const web = await startConsole(app, systemClock, log);
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const shouldStop = () => stopping;

  // A tick that finds its job still running is skipped; the first intake runs before any tick.
  const busy = new Set<string>();
  const again = new Set<string>();
  const job = (name: string, work: () => Promise<unknown>) => async function run(): Promise<void> {
    if (stopping || busy.has(name)) return;
    busy.add(name);
    const running = work().then(
      (summary) => log.info(`${name}_finished`, summary && typeof summary === 'object' ? { ...summary } : {}),
      (error: Error) => log.error(`${name}_failed`, { error: error.message }),
    );
    inFlight.add(running);
    await running;
    inFlight.delete(running);
    busy.delete(name);
    if (again.delete(name)) void run();
  };

  const intake = job('intake', async () => {
    const drained = await app.drainInbox(shouldStop);
    const flushed = await app.flushOutbox(shouldStop);
    return { ...drained, ...flushed };
  });
  const outbox = job('outbox', () => app.flushOutbox(shouldStop));
  const housekeeping = job('housekeeping', () => app.housekeeping());
  const handoff = job('handoff', () => app.deliverHandoffs(shouldStop));

  const { schedules, timeZone } = app.config;
  const tasks: ScheduledTask[] = [
    cron.schedule(schedules.poll, intake, { name: 'intake', timezone: timeZone }),
    cron.schedule(schedules.outbox, outbox, { name: 'outbox', timezone: timeZone }),
    cron.schedule(schedules.housekeeping, housekeeping, { name: 'housekeeping', timezone: timeZone }),
    // Without a webhook, approved requests wait for `cancel-desk export`: nothing to schedule.
    ...(app.config.accountWebhook ? [cron.schedule(schedules.webhook, handoff, { name: 'handoff', timezone: timeZone })] : []),
  ];
  log.info('daemon_started', { schedules, pid: process.pid });
  if (app.config.intake.trustedAuthservId === '') {
    log.warn('sender_check_disabled', {
      advice: 'TRUSTED_AUTHSERV_ID is not set: no sender can be verified, so no customer follow-up changes a request until staff look at it',
    });
  }
  void intake();
  // IDLE's news of mail during a cycle may postdate that cycle's look at the inbox: one more cycle follows it.
  const watch = app.watchInbox(() => (busy.has('intake') ? again.add('intake') : void intake()));

  return new Promise((resolve) => {
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info('daemon_stopping', { signal, jobsInFlight: inFlight.size });
      await Promise.all([watch?.stop(), ...tasks.map((task) => task.destroy())]);
      await Promise.all(inFlight);
      await web.close();
      app.close();
      log.info('daemon_stopped', {});
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
