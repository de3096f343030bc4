import type { Clock } from '../clock';

/** Rows to hand to another system, each until it is accepted: outgoing mail, account hand-offs. */
export interface DueWork<T extends { attempts: number }, R = void> {
  due(limit: number): T[];
  /** Resolves once the other side has accepted the item, with what was handed over. */
  attempt(item: T): Promise<R>;
  succeeded(item: T, handedOver: R): void;
  failed(item: T, error: Error, retryAt: Date): void;
}

const BATCH = 100;

/** Waits 1, 2, 4… minutes between attempts, at most an hour: a dead server is retried, not hammered. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** attempts, 3_600_000);
}

/**
 * Attempts every due item. One is marked done only after the other side accepted it: a crash in
 * between attempts it again (at least once), never loses it.
 */
export async function workThroughDue<T extends { attempts: number }, R = void>(
  work: DueWork<T, R>,
  clock: Clock,
  shouldStop: () => boolean,
): Promise<{ done: number; failed: number }> {
  const summary = { done: 0, failed: 0 };
  for (let batch = work.due(BATCH); batch.length > 0 && summary.failed === 0; batch = work.due(BATCH)) {
    for (const item of batch) {
      if (shouldStop()) return summary;
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
  }
  return summary;
}
