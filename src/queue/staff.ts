import type { Clock } from '../clock';
import type { Db } from './database';

export interface StaffRow {
  name: string;
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
}

/** All SQL about staff accounts. Names compare case-insensitively, so "Alice" and "alice" are one person. */
export class StaffStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** False when the name is taken. */
  add(name: string, passwordHash: string): boolean {
    const { changes } = this.db
      .prepare('INSERT INTO staff (name, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .run(name, passwordHash, this.now());
    return changes === 1;
  }

  /** Adds the member only while there is no staff at all: two first starts at once create one admin. */
  addFirst(name: string, passwordHash: string): boolean {
    return this.db.transaction(() => {
      const { n } = this.db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number };
      return n === 0 && this.add(name, passwordHash);
    }).immediate();
  }

  find(name: string): StaffRow | null {
    const row = this.db.prepare('SELECT * FROM staff WHERE name = ?').get(name) as RawStaffRow | undefined;
    return row ? toStaffRow(row) : null;
  }

  list(): StaffRow[] {
    return (this.db.prepare('SELECT * FROM staff ORDER BY name').all() as RawStaffRow[]).map(toStaffRow);
  }

  /** False when there is no such member; disabling twice keeps the first date. */
  disable(name: string): boolean {
    const { changes } = this.db.prepare('UPDATE staff SET disabled_at = coalesce(disabled_at, ?) WHERE name = ?').run(this.now(), name);
    return changes === 1;
  }

  /** The member's name as stored, when enabled; joins the caller's transaction. */
  enabledName(name: string): string | null {
    const row = this.db.prepare('SELECT name FROM staff WHERE name = ? AND disabled_at IS NULL').get(name) as { name: string } | undefined;
    return row?.name ?? null;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

interface RawStaffRow {
  name: string;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

function toStaffRow(row: RawStaffRow): StaffRow {
  return { name: row.name, passwordHash: row.password_hash, createdAt: row.created_at, disabled: row.disabled_at !== null };
}
