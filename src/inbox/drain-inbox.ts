import { createHash } from 'node:crypto';
import { calendarDay, type Clock } from '../clock';
import { faultOf } from '../faults';
import { analyseMessage, type IntakeAnalysis } from '../intake/analyse-message';
import type { DeskMetrics } from '../health/desk-metrics';
import type { IntakePolicy } from '../intake/intake-policy';
import { maskAddress, type Logger } from '../log';
import type { Destination, Mailbox, PendingMessage } from '../mailbox/mailbox';
import type { HandledOutcome, RequestQueue } from '../queue/request-queue';
import type { SealedDocument } from '../queue/incoming-mail';
import type { Vault } from '../queue/vault';

export interface InboxDependencies {
  mailbox: Mailbox;
  queue: RequestQueue;
  vault: Vault;
  policy: IntakePolicy;
  clock: Clock;
  timeZone: string;
  log: Logger;
  metrics: DeskMetrics;
  /** After this many failed attempts a message is quarantined so it cannot block the ones behind it. */
  maxAttempts: number;
}

export interface DrainSummary {
  seen: number;
  queued: number;
  threaded: number;
  triaged: number;
  ignored: number;
  quarantined: number;
  alreadyHandled: number;
  failed: number;
}

/** Messages analysed before their outcomes are committed together: one disk sync for all of them, few enough to hold in memory. */
const BATCH = 16;

/**
 * Mails analysed at once: the next one while the one before it finishes (its documents synced to
 * disk). Sixteen side by side took nearly every turn of the event loop from the outbox sending
 * meanwhile, and the receipt renderer waited for work; three or four were no faster than two.
 */
const IN_HAND = 2;

/**
 * One intake cycle: every message in the inbox is analysed, its outcome committed, and only then
 * moved out. A crash anywhere leaves the message in the inbox or its outcome on record, never neither.
 * Messages go in batches: read and analysed (their documents sealed) one after another, at most two
 * at a time, their outcomes committed in one transaction, then moved out; `onCommitted` hears of
 * each batch once it is moved out (the outbox may have mail to send).
 */
export async function drainInbox(deps: InboxDependencies, shouldStop: () => boolean = () => false, onCommitted: () => void = () => {}): Promise<DrainSummary> {
  const summary: DrainSummary = { seen: 0, queued: 0, threaded: 0, triaged: 0, ignored: 0, quarantined: 0, alreadyHandled: 0, failed: 0 };
  const session = await deps.mailbox.open();
  const previousGeneration = deps.queue.rememberMailboxGeneration(deps.mailbox.description, session.generation);
  if (previousGeneration !== null && previousGeneration !== session.generation) {
    // Harmless by design: messages are recognised by Message-ID (or content hash), never by UID.
    deps.log.warn('mailbox_generation_changed', { mailbox: deps.mailbox.description, from: previousGeneration, to: session.generation });
  }
  try {
    const pending = await session.pending();
    for (let start = 0; start < pending.length && !shouldStop(); start += BATCH) {
      const batch = pending.slice(start, start + BATCH);
      // The next mail comes over the connection while this one is analysed; one left unread when the cycle stops is read next time.
      const readAhead = (index: number) => {
        const reading = session.read(batch[index]);
        reading.catch(() => {});
        return reading;
      };
      let reading = readAhead(0);
      const read: Array<{ message: PendingMessage; prepared: Promise<Prepared> }> = [];
      for (const [index, message] of batch.entries()) {
        if (shouldStop()) break;
        const raw = await reading;
        if (index + 1 < batch.length) reading = readAhead(index + 1);
        summary.seen++;
        const prepared = prepare(deps, raw);
        prepared.catch(() => {});
        read.push({ message, prepared });
        if (read.length >= IN_HAND) await read[read.length - IN_HAND].prepared;
      }
      const analysed = await Promise.all(read.map(async ({ message, prepared }) => ({ message, prepared: await prepared })));
      const outcomes = deps.queue.commitTogether(() => analysed.map(({ prepared }) => recordSafely(deps, prepared)));
      for (const [index, { message }] of analysed.entries()) {
        const outcome = outcomes[index];
        if (outcome === 'failed') {
          summary.failed++;
          continue;
        }
        await session.settle(message, outcome.destination);
        summary[outcome.counter]++;
        if (outcome.counter !== 'alreadyHandled') deps.metrics.mailHandled(outcome.counter);
        deps.log.info('message_handled', { ...outcome.logFields, mailboxKey: message.key, destination: outcome.destination });
      }
      onCommitted();
    }
  } finally {
    await session.close().catch((error: Error) => deps.log.warn('mailbox_close_failed', { error: error.message }));
  }
  return summary;
}

type Handled = {
  destination: Destination;
  counter: Exclude<keyof DrainSummary, 'seen' | 'failed'>;
  logFields: Record<string, unknown>;
};

/** A message ready to be recorded: handled before, analysed with its documents sealed, or failed to analyse. */
type Prepared = { rawKey: string } & ({ earlier: HandledOutcome } | { analysis: IntakeAnalysis; documents: SealedDocument[] } | { error: Error });

async function prepare(deps: InboxDependencies, raw: Buffer): Promise<Prepared> {
  const rawKey = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const earlier = deps.queue.handledOutcome(rawKey);
  if (earlier !== null) return { rawKey, earlier };
  try {
    const analysis = await analyseMessage(raw, deps.policy, calendarDay(deps.clock.now(), deps.timeZone));
    return { rawKey, analysis, documents: await sealDocuments(deps.vault, analysis) };
  } catch (error) {
    // Failures of the machinery, not of the message: the cycle stops and the message waits for the next one.
    if (faultOf(error) !== null) throw error;
    return { rawKey, error: error as Error };
  }
}

/** Joins the batch's transaction; a message's own failure undoes only its own changes. */
function recordSafely(deps: InboxDependencies, prepared: Prepared): Handled | 'failed' {
  try {
    if ('error' in prepared) throw prepared.error;
    return record(deps, prepared);
  } catch (error) {
    if (faultOf(error) !== null) throw error;
    const { rawKey } = prepared;
    const attempts = deps.queue.recordFailedAttempt(rawKey, (error as Error).message);
    deps.log.error('message_failed', { messageKey: rawKey, attempts, error: (error as Error).message });
    if (attempts < deps.maxAttempts) return 'failed';
    deps.queue.recordSettledWithoutRequest(rawKey, 'quarantined', 'unprocessable', 'processing_failed');
    return { destination: 'quarantine', counter: 'quarantined', logFields: { messageKey: rawKey, outcome: 'quarantined', reason: 'processing_failed', attempts } };
  }
}

function record(deps: InboxDependencies, prepared: Exclude<Prepared, { error: Error }>): Handled {
  const analysis = 'analysis' in prepared ? prepared.analysis : null;
  const messageKey = analysis?.result.messageId ? `message-id:${analysis.result.messageId}` : prepared.rawKey;
  // Asked again here, inside the transaction: an earlier mail of the same batch may carry the same Message-ID.
  const handledBefore = 'earlier' in prepared ? prepared.earlier : deps.queue.handledOutcome(messageKey);
  if (handledBefore !== null || analysis === null || !('documents' in prepared)) {
    return { destination: destinationOf(handledBefore ?? 'ignored'), counter: 'alreadyHandled', logFields: { messageKey: loggedKey(messageKey), outcome: 'already_handled' } };
  }
  const { result } = analysis;
  const logFields = { messageKey: loggedKey(messageKey), kind: result.kind, from: maskAddress(result.from), problems: result.problems };
  switch (result.disposition) {
    case 'quarantine':
      deps.queue.recordSettledWithoutRequest(messageKey, 'quarantined', result.kind, result.problems.join(','));
      return { destination: 'quarantine', counter: 'quarantined', logFields: { ...logFields, outcome: 'quarantined' } };
    case 'ignore':
      deps.queue.recordSettledWithoutRequest(messageKey, 'ignored', result.kind, result.kind);
      return { destination: 'processed', counter: 'ignored', logFields: { ...logFields, outcome: 'ignored' } };
    case 'queue':
    case 'triage': {
      const recorded = deps.queue.recordIncoming({
        messageKey,
        result,
        bodyText: analysis.bodyText,
        ownText: analysis.ownText,
        senderName: analysis.senderName,
        repliesTo: analysis.repliesTo,
        registrationDateAmbiguous: analysis.fields.registrationDateAmbiguous,
        standsAlone: analysis.standsAlone,
        answerable: analysis.answerable,
        documents: prepared.documents,
      });
      if (recorded.senderLimited) deps.log.warn('acknowledgement_withheld', { messageKey, reason: 'sender_limit', to: maskAddress(result.from), reference: recorded.reference });
      return {
        destination: 'processed',
        counter: recorded.outcome,
        logFields: {
          ...logFields,
          outcome: recorded.outcome,
          ...(recorded.reference ? { reference: recorded.reference } : { triageId: recorded.triageId }),
          acknowledged: recorded.acknowledged,
        },
      };
    }
  }
}

/**
 * Sealed before the transaction that names them and records their data keys; a crash in between
 * leaves only an orphan file, unreadable without its key, for housekeeping.
 */
async function sealDocuments(vault: Vault, analysis: IntakeAnalysis): Promise<SealedDocument[]> {
  const sealed: SealedDocument[] = [];
  for (const { content, ...metadata } of analysis.documents) sealed.push({ ...metadata, ...(await vault.put(content)) });
  return sealed;
}

/**
 * Message-IDs often carry the sender's address (Coremail's and Open-Xchange's do): logs name a
 * digest of the key instead, stable across the lines about one mail. Content hashes stay as they are.
 */
function loggedKey(messageKey: string): string {
  return messageKey.startsWith('sha256:') ? messageKey : `message-id-sha256:${createHash('sha256').update(messageKey).digest('hex').slice(0, 16)}`;
}

function destinationOf(outcome: HandledOutcome): Destination {
  return outcome === 'quarantined' ? 'quarantine' : 'processed';
}
