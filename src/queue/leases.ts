import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock';
import type { Db } from './database';

/**
 * Long enough for any one hand-over to end (SMTP and webhook time out within a minute or two), so a
 * lease never runs out under a process that is still sending; a process that dies leaves it behind.
 */
export const LEASE_MS = 10 * 60 * 1000;

/** This host, this process, and this instance: two apps in one process are two holders. */
export function newHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder on this host whose process is gone will never finish: its leases are free now, not only once they expire. */
export function holderIsGone(holder: string): boolean {
  const [host, pid] = holder.split(':');
  return host === hostname() && !processIsAlive(Number(pid));
}

/** The condition a row must meet to be claimed (named parameter `@now`): nobody holds a lease on it. */
export const UNCLAIMED = '(claimed_until IS NULL OR claimed_until <= @now)';

/**
 * Rows handed to another system by whichever process picks them first (outgoing mail, account
 * hand-offs), like a job queue: the pick and the lease are one IMMEDIATE transaction, so two
 * processes never pick the same row while its lease runs.
 */
export class LeasedRows {
  readonly holder = newHolder();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly table: 'outbox' | 'account_handoffs',
    private readonly doneColumn: 'sent_at' | 'delivered_at',
  ) {}

  /**
   * `pick` selects due rows that meet UNCLAIMED (at most as many as the caller wants); they are leased
   * to this holder, all in one transaction, before anyone else can pick them.
   */
  claim<T extends { id: number }>(pick: (now: string) => T[]): T[] {
    return this.db
      .transaction((): T[] => {
        const now = this.clock.now();
        const held = this.db
          .prepare(`SELECT DISTINCT claimed_by FROM ${this.table} WHERE ${this.doneColumn} IS NULL AND claimed_until > ?`)
          .pluck()
          .all(now.toISOString()) as string[];
        for (const gone of held.filter(holderIsGone)) {
          this.db.prepare(`UPDATE ${this.table} SET claimed_until = NULL WHERE claimed_by = ? AND ${this.doneColumn} IS NULL`).run(gone);
        }
        const rows = pick(now.toISOString());
        if (rows.length === 0) return rows;
        this.db
          .prepare(`UPDATE ${this.table} SET claimed_by = ?, claimed_until = ? WHERE id IN (SELECT value FROM json_each(?))`)
          .run(this.holder, new Date(now.getTime() + LEASE_MS).toISOString(), JSON.stringify(rows.map((row) => row.id)));
        return rows;
      })
      .immediate();
  }

  /** Rows leased to this holder and not attempted after all (the run stopped first): free for anyone at once. */
  release(ids: number[]): void {
    if (ids.length === 0) return;
    this.db
      .prepare(`UPDATE ${this.table} SET claimed_until = NULL WHERE id IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND ${this.doneColumn} IS NULL`)
      .run(JSON.stringify(ids), this.holder);
  }
}
