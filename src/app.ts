import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calendarDay, type Clock } from './clock';
import type { Config } from './config';
import { drainInbox, type DrainSummary } from './inbox/drain-inbox';
import type { Logger } from './log';
import { createDirectoryMailbox } from './mailbox/directory-mailbox';
import type { Mailbox } from './mailbox/mailbox';
import { composeMail } from './outbox/compose-mail';
import { flushOutbox, type FlushSummary } from './outbox/flush-outbox';
import type { MailTransport } from './outbox/outgoing-mail';
import { AccountStore } from './queue/accounts';
import { openDatabase, type Db } from './queue/database';
import { DecisionStore } from './queue/decisions';
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
import { createFileVault, type Vault } from './queue/vault';
import { importAccountCsv, type AccountImport } from './review/account-csv';
import { deliverHandoffs, type HandoffSummary } from './review/account-webhook';
import { approvedSince } from './review/approved-export';
import { createReviewService } from './review/create-review-service';
import { dueDay } from './review/working-days';
import type { ReviewService } from './review/review-service';
import { createStaffDirectory, type PasswordCost, type StaffRoster } from './review/staff-directory';
import { receiptWorkerPool, type ReceiptRenderer } from './documents/receipt-renderer';
import { createTriageService, type TriageService } from './triage/triage-service';

export interface App {
  readonly config: Config;
  readonly queue: RequestQueue;
  readonly outbox: OutboxStore;
  readonly vault: Vault;
  /** The key receipts are signed with, derived from the vault key so there is one secret to keep. */
  readonly receiptKey: Buffer;
  readonly review: ReviewService;
  /** Unsorted human mail waiting for staff. */
  readonly triage: TriageService;
  readonly staff: StaffRoster;
  /** The web console's sign-ins and sign-in throttle (src/console). */
  readonly sessions: ConsoleSessions;
  readonly signInAttempts: SignInAttempts;
  /** Reads an account directory CSV and stores its good rows in one transaction. */
  importAccounts(csv: Uint8Array): AccountImport;
  /** Approved requests, in approval order; `since` is a `YYYY-MM-DD` day in TIME_ZONE. */
  approvedRequests(since: string | null): ApprovedRequest[];
  drainInbox(shouldStop?: () => boolean): Promise<DrainSummary>;
  flushOutbox(shouldStop?: () => boolean): Promise<FlushSummary>;
  /** Posts due approvals to ACCOUNT_WEBHOOK_URL; does nothing without one. */
  deliverHandoffs(shouldStop?: () => boolean): Promise<HandoffSummary>;
  housekeeping(): Promise<void>;
  close(): void;
}

/** Adapters a test may replace, for failure injection or speed; everything else is built from config. */
export interface AppOverrides {
  mailbox?: Mailbox;
  transport?: MailTransport;
  vault?: Vault;
  /** Receipts in this thread, where a worker pool is not worth starting (tests). */
  receipts?: ReceiptRenderer;
  /** Tests only, so that fixtures do not spend a second per staff member: production hashes at full cost. */
  passwordCost?: PasswordCost;
}

/** The composition root: the one place that turns config into adapters and wires them together. */
export async function createApp(config: Config, clock: Clock, log: Logger, overrides: AppOverrides = {}): Promise<App> {
  await mkdir(config.dataDir, { recursive: true });
  const vaultKey = config.vaultKey ?? (await embeddedVaultKey(config.dataDir, log));
  const receiptKey = Buffer.from(hkdfSync('sha256', vaultKey, Buffer.alloc(0), 'cancel-desk receipt verification', 32));
  const db: Db = openDatabase(databasePath(config));
  const events = new EventLog(db, clock);
  const outbox = new OutboxStore(db, clock, config.intake.messageIdDomain, events);
  const triage = new TriageStore(db, clock, events);
  const queue = new RequestQueue(db, clock, outbox, events, triage, (receivedAt) => dueDay(calendarDay(receivedAt, config.timeZone), config.review.workingDays, config.review.calendar));
  const vault = overrides.vault ?? createFileVault(join(config.dataDir, 'vault'), vaultKey);
  // The IMAP and SMTP stacks load when first used: most commands never read or send mail.
  const { imap, smtp } = config;
  const mailbox = once(async () => overrides.mailbox ?? (imap ? (await import('./mailbox/imap-mailbox')).createImapMailbox(imap, log) : createDirectoryMailbox(join(config.dataDir, 'inbox'))));
  const transport = once(async () => {
    if (overrides.transport) return overrides.transport;
    const transports = await import('./outbox/nodemailer-transports');
    return smtp ? transports.createSmtpTransport(smtp) : transports.createDirectoryTransport(join(config.dataDir, 'outgoing'));
  });
  const receipts = overrides.receipts ?? receiptWorkerPool();
  const compose = { templatesDir: config.templatesDir, mailFrom: config.mailFrom, receiptKey, timeZone: config.timeZone, workingDays: config.review.workingDays, renderReceipt: receipts.render };
  const staff = new StaffStore(db, clock);
  const accounts = new AccountStore(db, clock);
  const handoffs = new HandoffStore(db, clock, events, queue);
  const decisions = new DecisionStore(db, clock, queue, events, staff, handoffs);
  const { accountWebhook } = config;

  return {
    config,
    queue,
    outbox,
    vault,
    receiptKey,
    review: createReviewService({ queue, decisions, reviews: new ReviewStore(db, events), accounts, handoffs, vault, handOff: accountWebhook !== null }),
    triage: createTriageService({ triage, decisions: new TriageDecisions(db, clock, staff, triage, queue, outbox, events), vault }),
    staff: createStaffDirectory(staff, overrides.passwordCost),
    sessions: new ConsoleSessions(db, clock, config.web.sessionIdleMs),
    signInAttempts: new SignInAttempts(db, clock, config.web.signIn),
    importAccounts: (csv) => importAccountCsv(accounts, csv),
    approvedRequests: (since) => approvedSince(decisions.approved(), since, config.timeZone),
    drainInbox: singleFlight(async (shouldStop) =>
      drainInbox({ mailbox: await mailbox(), queue, vault, policy: config.intake, clock, timeZone: config.timeZone, log, maxAttempts: config.maxProcessingAttempts }, shouldStop),
    ),
    // Two flushes at once could both send the same due mail: callers share the one in progress.
    flushOutbox: singleFlight(async (shouldStop) => flushOutbox({ outbox, transport: await transport(), compose: (message) => composeMail(message, compose), clock, log }, shouldStop)),
    // Like the outbox: two runs at once could both post the same hand-off.
    deliverHandoffs: singleFlight(async (shouldStop) =>
      accountWebhook ? deliverHandoffs({ handoffs, webhook: accountWebhook, clock, log }, shouldStop) : { delivered: 0, deliveryFailed: 0 },
    ),
    housekeeping: () => housekeeping(queue, outbox, vault, clock, log),
    close() {
      transport.ifMade?.close();
      void receipts.close();
      db.close();
    },
  };
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

/**
 * The embedded default has no secret store: a key is generated once, readable by this user only.
 * With a real inbox configured, config refuses to start without VAULT_KEY instead.
 */
async function embeddedVaultKey(dataDir: string, log: Logger): Promise<Buffer> {
  const path = join(dataDir, 'vault.key');
  try {
    await writeFile(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    log.warn('vault_key_generated', { path, advice: 'back this file up: without it the stored ID documents cannot be read' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}

const ORPHAN_AGE_MS = 60 * 60 * 1000;

async function housekeeping(queue: RequestQueue, outbox: OutboxStore, vault: Vault, clock: Clock, log: Logger): Promise<void> {
  const removed = await vault.removeUnreferenced(queue.vaultIdsInUse(), new Date(clock.now().getTime() - ORPHAN_AGE_MS));
  log.info('housekeeping_done', { orphanedDocumentsRemoved: removed, unsentMail: outbox.unsentCount() });
}
