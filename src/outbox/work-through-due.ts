import type { Clock } from '../clock';

/** Rows to hand to another system, each until it is accepted: outgoing mail, account hand-offs. */
export interface DueWork<T extends { attempts: number }, R = void> {
  /** The next due item, leased to this process so that no other attempts it meanwhile; null when none is left. */
  claim(): T | null;
  /** Resolves once the other side has accepted the item, with what was handed over. */
  attempt(item: T): Promise<R>;
  succeeded(item: T, handedOver: R): void;
  failed(item: T, error: Error, retryAt: Date): void;
}

/** Waits 1, 2, 4… minutes between attempts, at most an hour: a dead server is retried, not hammered. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** attempts, 3_600_000);
}

/**
 * Attempts every due item. One is marked done only after the other side accepted it: a crash in
 * between attempts it again (at least once, once the dead process's lease is freed), never loses it.
 */
export async function workThroughDue<T extends { attempts: number }, R = void>(
  work: DueWork<T, R>,
  clock: Clock,
  shouldStop: () => boolean,
): Promise<{ done: number; failed: number }> {
  const summary = { done: 0, failed: 0 };
  // One at a time: a lease taken for a whole batch could run out before the batch's end was reached.
  for (let item = shouldStop() ? null : work.claim(); item !== null; item = shouldStop() ? null : work.claim()) {
    let handedOver: R;
    try {
      handedOver = await work.attempt(item);
    } catch (error) {
      work.failed(item, error as Error, new Date(clock.now().getTime() + retryDelayMs(item.attempts)));
      summary.failed++;
      // The other side is most likely down: the rest waits for the next run rather than timing out one by one.
      break;
    }
    work.succeeded(item, handedOver);
    summary.done++;
  }
  return summary;
}
