import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { calendarDay, type Clock } from './clock';
import type { Config } from './config';
import { createDeskMetrics } from './health/desk-metrics';
import { judgeHealth, type HealthReport, type IntakeCycle } from './health/health-check';
import { drainInbox, type DrainSummary } from './inbox/drain-inbox';
import type { Logger } from './log';
import { createDirectoryMailbox } from './mailbox/directory-mailbox';
import type { Mailbox } from './mailbox/mailbox';
import { composeMail } from './outbox/compose-mail';
import { compositionSettings } from './outbox/composition-settings';
import { flushOutbox, type FlushSummary } from './outbox/flush-outbox';
import type { MailTransport } from './outbox/outgoing-mail';
import { AccountStore } from './queue/accounts';
import { DaemonLock } from './queue/daemon-lock';
import { openDatabase, type Db } from './queue/database';
import { DecisionStore } from './queue/decisions';
import { DeskStatsReader } from './queue/desk-stats';
import { HandoffStore, type ApprovedRequest } from './queue/handoffs';
import { EventLog } from './queue/event-log';
import { OutboxStore } from './queue/outbox-store';
import { RequestQueue } from './queue/request-queue';
import { ReviewStore } from './queue/review-store';
import { ConsoleSessions } from './queue/sessions';
import { SignInAttempts } from './queue/sign-in-attempts';
import { StaffStore } from './queue/staff';
import { TriageDecisions } from './queue/triage-decisions';
import { TriageStore } from './queue/triage-store';
import type { Vault } from './queue/vault';
import { backupDataDir, restoreDataDir, type BackupOutcome } from './queue/backup';
import { VaultKeyRecord } from './queue/vault-key-record';
import { rotateVaultKey, unlockVault, type KeyFileSystem } from './queue/vault-keys';
import { importAccountCsv, type AccountImport } from './review/account-csv';
import { deliverHandoffs, type HandoffSummary } from './review/account-webhook';
import { approvedSince } from './review/approved-export';
import { createReviewService } from './review/create-review-service';
import { dueDay } from './review/working-days';
import { DocumentKeys } from './queue/document-keys';
import { RetentionStore } from './queue/retention-store';
import { purgeExpired, type RetentionSummary } from './retention/purge-expired';
import type { AccountHandoff, ReviewService } from './review/review-service';
import { createStaffDirectory, type PasswordCost, type StaffRoster } from './review/staff-directory';
import { childProcessRenderer, type ReceiptRenderer } from './documents/receipt-renderer';
import type { InboxWatch } from './mailbox/imap-watch';
import { createAccessTokens } from './mailbox/oauth2-tokens';
import { createTriageService, type TriageService } from './triage/triage-service';

export interface App {
  readonly config: Config;
  /** The tamper-evident event log: its chain and the triggers that keep it append-only. */
  readonly audit: Pick<EventLog, 'verify' | 'missingGuards' | 'restoreGuards'>;
  readonly queue: RequestQueue;
  readonly outbox: OutboxStore;
  readonly vault: Vault;
  /** The key receipts are signed with, derived from the vault key so there is one secret to keep. */
  readonly receiptKey: Buffer;
  /** Names the vault key without revealing it (src/queue/vault-keys.ts). */
  readonly vaultKeyFingerprint: string;
  readonly review: ReviewService;
  /** Unsorted human mail waiting for staff. */
  readonly triage: TriageService;
  readonly staff: StaffRoster;
  /** The web console's sign-ins and sign-in throttle (src/console). */
  readonly sessions: ConsoleSessions;
  readonly signInAttempts: SignInAttempts;
  /** One daemon per DATA_DIR (`cancel-desk run`). */
  readonly daemonLock: DaemonLock;
  /** Reads an account directory CSV and stores its good rows in one transaction. */
  importAccounts(csv: Uint8Array): AccountImport;
  /** Where a request's hand-off to the account system stands; null when it has none. */
  handoffOf(reference: string): AccountHandoff | null;
  /** Approved requests, in approval order; `since` is a `YYYY-MM-DD` day in TIME_ZONE. */
  approvedRequests(since: string | null): ApprovedRequest[];
  drainInbox(shouldStop?: () => boolean): Promise<DrainSummary>;
  flushOutbox(shouldStop?: () => boolean): Promise<FlushSummary>;
  /** An intake cycle with the outbox flushed alongside it: acknowledgements go out while later mail is still read. */
  intakeAndSend(shouldStop?: () => boolean): Promise<DrainSummary & FlushSummary>;
  /** Whether automatic mail waits because ACK_LIMIT_PER_HOUR of it went out within the last hour (for health reports). */
  sendingPaused(): boolean;
  /** Posts due approvals to ACCOUNT_WEBHOOK_URL; does nothing without one. */
  deliverHandoffs(shouldStop?: () => boolean): Promise<HandoffSummary>;
  housekeeping(): Promise<void>;
  /** Removes the documents and mail texts of requests decided more than RETENTION_DAYS ago; `dryRun` only says what would go. */
  purgeExpired(dryRun: boolean): Promise<RetentionSummary>;
  /** A consistent copy of the database and the vault into `target` (src/queue/backup.ts); the key only when asked. */
  backup(target: string, options: { includeKey: boolean }): Promise<BackupOutcome>;
  /** Calls `onNewMail` whenever the IMAP server announces new mail (IDLE); null for the folder inbox, read at each poll. */
  watchInbox(onNewMail: () => void): Promise<InboxWatch | null>;
  /** For `/healthz`: whether mail is read (a recent successful intake cycle), recorded and answered. */
  health(): HealthReport;
  /** For `/metrics`: the Prometheus text exposition and its content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
  close(): void;
}

/** Adapters a test may replace, for failure injection or speed, and the password hashing cost; everything else is built from config. */
export interface AppOverrides {
  mailbox?: Mailbox;
  transport?: MailTransport;
  vault?: Vault;
  /** How the embedded default's key file is written (a full disk, in a test). */
  keyFileSystem?: KeyFileSystem;
  /** Tests that create staff hash at a low cost; production always uses PRODUCTION_COST (no setting changes it). */
  passwordCost?: PasswordCost;
  /** Whether sending is paused, for a health check under test; by default the outbox's own breaker says. */
  sendingPaused?: () => boolean;
  /** Receipts in this thread, where a renderer process is not worth starting (tests). */
  receipts?: ReceiptRenderer;
}

/** The composition root: the one place that turns config into adapters and wires them together. */
export async function createApp(config: Config, clock: Clock, log: Logger, overrides: AppOverrides = {}): Promise<App> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const db: Db = openDatabase(databasePath(config));
  let unlocked;
  try {
    unlocked = await unlockVault({ dataDir: config.dataDir, configuredKey: config.vaultKey, record: new VaultKeyRecord(db, clock), keys: new DocumentKeys(db), log, io: overrides.keyFileSystem });
  } catch (error) {
    db.close();
    throw error;
  }
  const { receiptKey } = unlocked;
  const vaultRecord = new VaultKeyRecord(db, clock);
  const events = new EventLog(db, clock);
  const outbox = new OutboxStore(db, clock, config.intake.messageIdDomain, events, config.automaticMail);
  const triage = new TriageStore(db, clock, events);
  const queue = new RequestQueue(db, clock, outbox, events, triage, (receivedAt) => dueDay(calendarDay(receivedAt, config.timeZone), config.review.workingDays, config.review.calendar));
  const vault = overrides.vault ?? unlocked.vault;
  // The IMAP and SMTP stacks load when first used: most commands never read or send mail.
  const { imap, smtp } = config;
  // One token cache for the intake, the IDLE watch and the outbox: one endpoint to back off from, one health fact.
  const tokens = config.oauth2 ? createAccessTokens({ grant: config.oauth2, clock, log }) : null;
  const mailbox = once(
    async () => overrides.mailbox ?? (imap ? (await import('./mailbox/imap-mailbox')).createImapMailbox(imap, log, {}, tokens) : createDirectoryMailbox(join(config.dataDir, 'inbox'))),
  );
  const transport = once(async () => {
    if (overrides.transport) return overrides.transport;
    const transports = await import('./outbox/nodemailer-transports');
    return smtp ? transports.createSmtpTransport(smtp, tokens) : transports.createDirectoryTransport(join(config.dataDir, 'outgoing'));
  });
  const receipts = overrides.receipts ?? childProcessRenderer();
  const compose = compositionSettings(config, receiptKey, receipts.render);
  const staff = new StaffStore(db, clock);
  const accounts = new AccountStore(db, clock);
  const handoffs = new HandoffStore(db, clock, events, queue);
  const decisions = new DecisionStore(db, clock, queue, events, staff, handoffs);
  const { accountWebhook } = config;
  const breaker = { paused: false };
  const metrics = createDeskMetrics();
  const stats = new DeskStatsReader(db);
  const sendingPaused = overrides.sendingPaused ?? (() => outbox.sendingPaused());
  let lastCycle: IntakeCycle | null = null;
  // Every cycle, from `run` or `poll`, is timed and remembered for the health check.
  const intakeCycle = async (shouldStop?: () => boolean, onCommitted?: () => void) => {
    const started = clock.now();
    const finish = (succeeded: boolean) => {
      const finishedAt = clock.now();
      lastCycle = { finishedAt, succeeded };
      metrics.intakeCycle((finishedAt.getTime() - started.getTime()) / 1000, succeeded ? 'succeeded' : 'failed');
    };
    try {
      const summary = await drainInbox(
        { mailbox: await mailbox(), queue, vault, policy: config.intake, clock, timeZone: config.timeZone, log, metrics, maxAttempts: config.maxProcessingAttempts },
        shouldStop,
        onCommitted,
      );
      finish(true);
      return summary;
    } catch (error) {
      finish(false);
      throw error;
    }
  };

  const drain = singleFlight(intakeCycle);
  // Leases keep two flushes from sending the same mail; callers still share the one in progress rather than queue behind it.
  const flush = singleFlight(async (shouldStop?: () => boolean) =>
    flushOutbox({ outbox, transport: await transport(), compose: (message) => composeMail(message, compose), clock, log, breaker, metrics }, shouldStop),
  );

  return {
    config,
    audit: events,
    queue,
    outbox,
    vault,
    receiptKey,
    vaultKeyFingerprint: unlocked.fingerprint,
    review: createReviewService({ queue, decisions, reviews: new ReviewStore(db, events), accounts, handoffs, vault, handOff: accountWebhook !== null, today: () => calendarDay(clock.now(), config.timeZone) }),
    triage: createTriageService({ triage, decisions: new TriageDecisions(db, clock, staff, triage, queue, outbox, events), vault }),
    staff: createStaffDirectory(staff, overrides.passwordCost),
    sessions: new ConsoleSessions(db, clock, config.web.sessionIdleMs),
    signInAttempts: new SignInAttempts(db, clock, config.web.signIn),
    daemonLock: new DaemonLock(db, clock),
    importAccounts: (csv) => importAccountCsv(accounts, csv),
    handoffOf: (reference) => handoffs.of(reference),
    approvedRequests: (since) => approvedSince(decisions.approved(), since, config.timeZone),
    drainInbox: (shouldStop) => drain(shouldStop),
    flushOutbox: flush,
    intakeAndSend: (shouldStop) => intakeAndSend(drain, flush, shouldStop),
    sendingPaused,
    deliverHandoffs: singleFlight(async (shouldStop) =>
      accountWebhook ? deliverHandoffs({ handoffs, webhook: accountWebhook, clock, log, metrics }, shouldStop) : { delivered: 0, deliveryFailed: 0 },
    ),
    housekeeping: () => housekeeping(vaultRecord, outbox, vault, clock, log),
    purgeExpired: (dryRun) =>
      purgeExpired(
        {
          store: new RetentionStore(db, clock, events),
          vault,
          mailbox,
          clock,
          log,
          days: config.retention.days,
          purgeImapProcessed: config.retention.purgeImapProcessed,
          folders: [join(config.dataDir, 'outgoing'), join(config.dataDir, 'inbox', 'quarantine')],
        },
        dryRun,
      ),
    backup: (target, { includeKey }) => backupDataDir({ db, dataDir: config.dataDir, target, key: unlocked.key, includeKey, clock }),
    watchInbox: async (onNewMail) => (imap ? (await import('./mailbox/imap-watch')).watchImapInbox(imap, log, onNewMail, { tokens }) : null),
    health: () =>
      judgeHealth({
        lastCycle,
        now: clock.now(),
        maxCycleAgeMs: config.health.maxCycleAgeMs,
        databaseWritable: stats.writable(),
        sendingPaused: sendingPaused(),
        mailTokenFailing: tokens?.failing() ?? false,
      }),
    async metrics() {
      const now = clock.now();
      return { contentType: metrics.contentType, body: await metrics.scrape(stats.read(calendarDay(now, config.timeZone)), now) };
    },
    close() {
      transport.ifMade?.close();
      void receipts.close();
      db.close();
    },
  };
}

/**
 * Flushes whenever the intake has committed another batch, and once more after its end; a flush that
 * could not send stops there (the server is most likely down: the next run tries again). The outbox is
 * in the database, so however large the inbox, only a batch of mail and a few composed mails are in memory.
 */
async function intakeAndSend(
  drain: (shouldStop?: () => boolean, onCommitted?: () => void) => Promise<DrainSummary>,
  flush: (shouldStop?: () => boolean) => Promise<FlushSummary>,
  shouldStop?: () => boolean,
): Promise<DrainSummary & FlushSummary> {
  let newMail = false;
  let wake = () => {};
  const draining = drain(shouldStop, () => {
    newMail = true;
    wake();
  });
  let finished = false;
  const ended = draining.then(
    () => void (finished = true),
    () => void (finished = true),
  );
  const sent: FlushSummary = { sent: 0, sendFailed: 0 };
  try {
    for (;;) {
      const last = finished;
      newMail = false;
      const flushed = await flush(shouldStop);
      sent.sent += flushed.sent;
      sent.sendFailed += flushed.sendFailed;
      if (last || flushed.sendFailed > 0 || shouldStop?.()) break;
      if (!newMail && !finished) await Promise.race([new Promise<void>((resolve) => (wake = resolve)), ended]);
    }
  } finally {
    // Never returns (or fails) with the intake still running: whoever awaits the cycle may close the database next.
    await ended;
  }
  // The intake's failure is the cycle's, whatever was sent meanwhile.
  return { ...(await draining), ...sent };
}

/** Where the queue database of a `DATA_DIR` lives. */
export function databasePath(config: Config): string {
  return join(config.dataDir, 'cancel-desk.db');
}

/** `make` runs on the first call only; `ifMade` is its result once there is one. */
function once<T>(make: () => Promise<T>): (() => Promise<T>) & { ifMade?: T } {
  let made: Promise<T> | undefined;
  const get = Object.assign(() => (made ??= make().then((value) => (get.ifMade = value))), { ifMade: undefined as T | undefined });
  return get;
}

function singleFlight<A extends unknown[], R>(work: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let running: Promise<R> | null = null;
  return (...args) => {
    running ??= work(...args).finally(() => {
      running = null;
    });
    return running;
  };
}

/** `restore`: a backup into an empty DATA_DIR, under the key it was sealed with. */
export function restoreBackup(config: Config, source: string): Promise<BackupOutcome> {
  return restoreDataDir({ source, dataDir: config.dataDir, configuredKey: config.vaultKey });
}

/**
 * `vault rotate-key`: every document's data key wrapped again under a new vault key (generated, or
 * `newKey` with VAULT_KEY). Opens the database itself: the app refuses a DATA_DIR whose rotation is unfinished.
 */
export async function rotateKey(config: Config, clock: Clock, log: Logger, newKey: Buffer | null): Promise<Awaited<ReturnType<typeof rotateVaultKey>>> {
  const db = openDatabase(databasePath(config));
  try {
    const record = new VaultKeyRecord(db, clock);
    const keys = new DocumentKeys(db);
    const current = await unlockVault({ dataDir: config.dataDir, configuredKey: config.vaultKey, record, keys, log, duringRotation: { nextKey: newKey } });
    return await rotateVaultKey({ dataDir: config.dataDir, current, newKey, configured: config.vaultKey !== null, record, keys, log });
  } finally {
    db.close();
  }
}

const ORPHAN_AGE_MS = 60 * 60 * 1000;

async function housekeeping(vaultRecord: VaultKeyRecord, outbox: OutboxStore, vault: Vault, clock: Clock, log: Logger): Promise<void> {
  const removed = await vault.removeUnreferenced(vaultRecord.vaultIdsInUse(), new Date(clock.now().getTime() - ORPHAN_AGE_MS));
  log.info('housekeeping_done', { orphanedDocumentsRemoved: removed, unsentMail: outbox.unsentCount() });
}
