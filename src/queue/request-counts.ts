import type { Db } from './database';
import type { RequestStatus } from './request-status';

/** The queue's count per status, kept by triggers (migration 017): one small table read, never the queue counted. */
export function keptCounts(db: Db): Record<RequestStatus, number> {
  const counts: Record<RequestStatus, number> = { needs_info: 0, pending_review: 0, approved: 0, closed: 0, rejected: 0 };
  for (const row of db.prepare('SELECT status, n FROM request_counts').all() as { status: RequestStatus; n: number }[]) counts[row.status] = row.n;
  return counts;
}

/** How many requests have `status`, or the whole queue's when none is given. */
export function keptCount(db: Db, status: RequestStatus | undefined): number {
  const counts = keptCounts(db);
  return status === undefined ? Object.values(counts).reduce((sum, n) => sum + n, 0) : counts[status];
}
