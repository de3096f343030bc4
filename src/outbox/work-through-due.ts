import type { Clock } from '../clock';
import { LEASE_MS } from '../queue/leases';

/** Rows to hand to another system, each until it is accepted: outgoing mail, account hand-offs. */
export interface DueWork<T extends { attempts: number }, P, R = void> {
  /** Up to `limit` due items, leased to this process so that no other attempts them meanwhile; none when none is left. */
  claim(limit: number): T[];
  /**
   * What can be done before the hand-over without changing anything outside this process (composing
   * a mail and its PDF): started for the items behind the one being handed over.
   */
  prepare(item: T): Promise<P>;
  /** Resolves once the other side has accepted the item, with what was handed over. */
  attempt(item: T, prepared: P): Promise<R>;
  succeeded(item: T, handedOver: R): void;
  failed(item: T, error: Error, retryAt: Date): void;
  /** Gives back the leases of items claimed and never attempted. */
  release(items: T[]): void;
}

/** Waits 1, 2, 4… minutes between attempts, at most an hour: a dead server is retried, not hammered. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** attempts, 3_600_000);
}

/**
 * Attempts every due item, one hand-over at a time, in order. One is marked done only after the
 * other side accepted it: a crash in between attempts it again (at least once, once the dead
 * process's lease is freed), never loses it. Up to `lookahead` items are claimed ahead (one
 * transaction for several) and prepared while the one before them is handed over, so that a worker
 * thread renders the next PDF while this thread sends; an item is attempted only while at least
 * half its lease is left, so a lease never runs out under a slow hand-over of the items before it.
 */
export async function workThroughDue<T extends { attempts: number }, P, R = void>(
  work: DueWork<T, P, R>,
  clock: Clock,
  shouldStop: () => boolean,
  lookahead = 1,
): Promise<{ done: number; failed: number }> {
  const summary = { done: 0, failed: 0 };
  const ahead: Array<{ item: T; prepared: Promise<P>; claimedAt: number }> = [];
  let exhausted = false;
  const refill = () => {
    if (exhausted || shouldStop() || ahead.length > lookahead / 2) return;
    const wanted = lookahead - ahead.length;
    const claimed = work.claim(wanted);
    // Fewer than asked: the rest is someone else's or not due; the next run looks again.
    exhausted = claimed.length < wanted;
    const claimedAt = clock.now().getTime();
    for (const item of claimed) {
      const prepared = work.prepare(item);
      // Its failure is the attempt's, reported when its turn comes (or never, if the run stops first).
      prepared.catch(() => {});
      ahead.push({ item, prepared, claimedAt });
    }
  };
  try {
    for (refill(); ahead.length > 0 && !shouldStop(); refill()) {
      const { item, prepared, claimedAt } = ahead[0];
      if (clock.now().getTime() - claimedAt > LEASE_MS / 2) break;
      ahead.shift();
      refill();
      let handedOver: R;
      try {
        handedOver = await work.attempt(item, await prepared);
      } catch (error) {
        work.failed(item, error as Error, new Date(clock.now().getTime() + retryDelayMs(item.attempts)));
        summary.failed++;
        // The other side is most likely down: the rest waits for the next run rather than timing out one by one.
        break;
      }
      work.succeeded(item, handedOver);
      summary.done++;
    }
  } finally {
    work.release(ahead.splice(0).map(({ item }) => item));
  }
  return summary;
}
