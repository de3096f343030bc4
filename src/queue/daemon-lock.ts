import { hostname } from 'node:os';
import type { Clock } from '../clock';
import type { Db } from './database';
import { newHolder, processIsAlive } from './leases';

/** How often the daemon holding the lock says it is alive. */
export const HEARTBEAT_MS = 30_000;
/** A lock without a heartbeat for this long is stale: its daemon hangs, or its pid was reused after a crash. */
const STALE_AFTER_MS = 4 * HEARTBEAT_MS;

export interface LockHolder {
  host: string;
  pid: number;
  startedAt: string;
}

interface LockRow extends LockHolder {
  holder: string;
  heartbeatAt: string;
}

/**
 * One daemon per DATA_DIR, as one row in its database: taken in an IMMEDIATE transaction, so two
 * daemons starting at once cannot both get it, and free again once its holder is gone (its process
 * on this host no longer exists, or its heartbeat stopped). The database is the DATA_DIR's one
 * thing every process already shares, so no lock file can drift from it.
 */
export class DaemonLock {
  private readonly holder = newHolder();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Null when taken; otherwise the live daemon that holds it. */
  acquire(): LockHolder | null {
    return this.db
      .transaction((): LockHolder | null => {
        const current = this.current();
        if (current && current.holder !== this.holder && this.isLive(current)) return { host: current.host, pid: current.pid, startedAt: current.startedAt };
        const now = this.now();
        this.db
          .prepare(
            `INSERT INTO daemon_lock (id, holder, host, pid, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
          )
          .run(this.holder, hostname(), process.pid, now, now);
        return null;
      })
      .immediate();
  }

  /** False when the lock is no longer ours: another daemon found it stale and took it. */
  heartbeat(): boolean {
    return this.db.prepare('UPDATE daemon_lock SET heartbeat_at = ? WHERE id = 1 AND holder = ?').run(this.now(), this.holder).changes === 1;
  }

  /** Whoever holds it now, for the message of a daemon that lost it. */
  heldBy(): LockHolder | null {
    return this.current();
  }

  release(): void {
    this.db.prepare('DELETE FROM daemon_lock WHERE id = 1 AND holder = ?').run(this.holder);
  }

  private current(): LockRow | null {
    return (
      (this.db
        .prepare('SELECT holder, host, pid, started_at AS startedAt, heartbeat_at AS heartbeatAt FROM daemon_lock WHERE id = 1')
        .get() as LockRow | undefined) ?? null
    );
  }

  private isLive(row: LockRow): boolean {
    const fresh = this.clock.now().getTime() - Date.parse(row.heartbeatAt) < STALE_AFTER_MS;
    return fresh && (row.host !== hostname() || processIsAlive(row.pid));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
