import cron, { type ScheduledTask } from 'node-cron';
import type { App } from './app';
import { systemClock } from './clock';
import { startConsole } from './console/start-console';
import { describeFault, faultOf } from './faults';
import type { Logger } from './log';
import { MailTokenError } from './mailbox/oauth2-tokens';
import { HEARTBEAT_MS } from './queue/daemon-lock';

/**
 * `cancel-desk run`: an intake cycle at once, then the schedules. On SIGTERM or SIGINT the jobs stop
 * taking new messages, the message in hand is finished, and the process exits without waiting for
 * the next tick (node-cron's own shutdown would keep it alive for its whole timeout). A fault it
 * cannot recover from (see src/faults.ts) stops it the same way, with exit code 1 and one
 * `daemon_fatal` line, rather than leaving a console up over an intake that fails for ever.
 * Resolves with the exit code; 1 at once when another daemon holds this DATA_DIR.
 */
export async function runDaemon(app: App, log: Logger): Promise<number> {
  const other = app.daemonLock.acquire();
  if (other) {
    process.stderr.write(
      `cancel-desk: another daemon (pid ${other.pid} on ${other.host}, since ${other.startedAt}) is running on ${app.config.dataDir}: one daemon per DATA_DIR; stop it first (\`cancel-desk poll\` is safe beside it)\n`,
    );
    app.close();
    return 1;
  }
  // The web console first: a port already taken stops the daemon before it touches the inbox.
  let web: Awaited<ReturnType<typeof startConsole>>;
  try {
    web = await startConsole(app, systemClock, log);
  } catch (error) {
    app.daemonLock.release();
    app.close();
    throw error;
  }
  let stopping = false;
  let watch: Awaited<ReturnType<App['watchInbox']>> = null;
  const inFlight = new Set<Promise<unknown>>();
  const shouldStop = () => stopping;
  let stop: (why: { signal: NodeJS.Signals } | { fatal: string }) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    stop = (why) => {
      if (stopping) return;
      stopping = true;
      void (async () => {
        log.info('daemon_stopping', { ...why, jobsInFlight: inFlight.size });
        clearInterval(heartbeat);
        await Promise.all([watch?.stop(), ...tasks.map((task) => task.destroy())]);
        await Promise.all(inFlight);
        await web.close();
        try {
          app.daemonLock.release();
        } catch {
          // The database that stopped us may refuse this too: the lock then frees itself once this process is gone.
        }
        app.close();
        log.info('daemon_stopped', {});
        resolve('fatal' in why ? 1 : 0);
      })();
    };
  });

  const failed = (name: string, error: Error) => {
    const fault = faultOf(error);
    if (fault?.kind === 'fatal') {
      log.error('daemon_fatal', { job: name, reason: fault.reason, error: describeFault(fault, error) });
      stop({ fatal: fault.reason });
    } else if (error instanceof MailTokenError) {
      // Logged once where it happened (mail_token_failed) and shown in /healthz: not again every tick.
      log.debug(`${name}_failed`, { reason: 'mail_token_failed', error: error.message, retry: 'next run' });
    } else if (fault) {
      log.warn(`${name}_failed`, { reason: fault.reason, error: error.message, retry: 'next run' });
    } else {
      log.error(`${name}_failed`, { error: error.message });
    }
  };

  // A tick that finds its job still running is skipped; the first intake runs before any tick.
  const busy = new Set<string>();
  const again = new Set<string>();
  const job = (name: string, work: () => Promise<unknown>) => async function run(): Promise<void> {
    if (stopping || busy.has(name)) return;
    busy.add(name);
    const running = work().then(
      (summary) => log.info(`${name}_finished`, summary && typeof summary === 'object' ? { ...summary } : {}),
      (error: Error) => failed(name, error),
    );
    inFlight.add(running);
    await running;
    inFlight.delete(running);
    busy.delete(name);
    if (again.delete(name)) void run();
  };

  const intake = job('intake', () => app.intakeAndSend(shouldStop));
  const outbox = job('outbox', () => app.flushOutbox(shouldStop));
  const housekeeping = job('housekeeping', () => app.housekeeping());
  const retention = job('retention', () => app.purgeExpired(false));
  const handoff = job('handoff', () => app.deliverHandoffs(shouldStop));

  const { schedules, timeZone } = app.config;
  const tasks: ScheduledTask[] = [
    cron.schedule(schedules.poll, intake, { name: 'intake', timezone: timeZone }),
    cron.schedule(schedules.outbox, outbox, { name: 'outbox', timezone: timeZone }),
    cron.schedule(schedules.housekeeping, housekeeping, { name: 'housekeeping', timezone: timeZone }),
    cron.schedule(schedules.retention, retention, { name: 'retention', timezone: timeZone }),
    // Without a webhook, approved requests wait for `cancel-desk export`: nothing to schedule.
    ...(app.config.accountWebhook ? [cron.schedule(schedules.webhook, handoff, { name: 'handoff', timezone: timeZone })] : []),
  ];
  // Also a write every half minute: a database that became read-only stops the daemon even while no mail comes in.
  const heartbeat = setInterval(() => {
    try {
      if (!app.daemonLock.heartbeat()) {
        const holder = app.daemonLock.heldBy();
        log.error('daemon_fatal', { reason: 'lock_lost', error: `another daemon (pid ${holder?.pid ?? '?'} on ${holder?.host ?? '?'}) took over this DATA_DIR` });
        stop({ fatal: 'lock_lost' });
      }
    } catch (error) {
      failed('heartbeat', error as Error);
    }
  }, HEARTBEAT_MS);
  // Before saying it started: a supervisor may stop it the moment it reads that line.
  process.once('SIGTERM', (signal) => stop({ signal }));
  process.once('SIGINT', (signal) => stop({ signal }));
  log.info('daemon_started', { schedules, pid: process.pid });
  if (app.config.intake.trustedAuthservId === '') {
    log.warn('sender_check_disabled', {
      advice: 'TRUSTED_AUTHSERV_ID is not set: no sender can be verified, so no customer follow-up changes a request until staff look at it',
    });
  }
  void intake();
  // IDLE's news of mail during a cycle may postdate that cycle's look at the inbox: one more cycle follows it.
  watch = await app.watchInbox(() => (busy.has('intake') ? again.add('intake') : void intake()));
  // A stop that came while the watch was starting has already passed it by.
  if (stopping) await watch?.stop();

  return stopped;
}
