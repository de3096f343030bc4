import type { Clock } from '../clock';
import type { Db } from './database';

export type StaffRole = 'admin' | 'staff';
/** The console's languages. */
export type ConsoleLanguage = 'en' | 'zh';

export interface StaffRow {
  name: string;
  role: StaffRole;
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
  /** The password was issued by an admin: the member chooses their own before anything else. */
  mustChangePassword: boolean;
  /** The console language the member chose; null until they choose. */
  language: ConsoleLanguage | null;
}

/**
 * All SQL about staff accounts. Names are stored NFC-normalized and every lookup normalizes too, so
 * "Zoë" typed with a combining diaeresis is the same person; ASCII letters compare case-insensitively
 * ("Alice" and "alice" are one person).
 */
export class StaffStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** False when the name is taken. */
  add(name: string, passwordHash: string, role: StaffRole, mustChangePassword: boolean): boolean {
    const { changes } = this.db
      .prepare('INSERT INTO staff (name, password_hash, created_at, role, must_change_password) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .run(key(name), passwordHash, this.now(), role, mustChangePassword ? 1 : 0);
    return changes === 1;
  }

  /** Adds an admin only while there is no staff at all: two first starts at once create one admin. */
  addFirst(name: string, passwordHash: string): boolean {
    return this.db.transaction(() => {
      const { n } = this.db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number };
      return n === 0 && this.add(name, passwordHash, 'admin', true);
    }).immediate();
  }

  find(name: string): StaffRow | null {
    const row = this.db.prepare('SELECT * FROM staff WHERE name = ?').get(key(name)) as RawStaffRow | undefined;
    return row ? toStaffRow(row) : null;
  }

  list(): StaffRow[] {
    return (this.db.prepare('SELECT * FROM staff ORDER BY name').all() as RawStaffRow[]).map(toStaffRow);
  }

  /** False when there is no such member; disabling twice keeps the first date. */
  disable(name: string): boolean {
    const { changes } = this.db.prepare('UPDATE staff SET disabled_at = coalesce(disabled_at, ?) WHERE name = ?').run(this.now(), key(name));
    return changes === 1;
  }

  /** False when there is no such member. */
  enable(name: string): boolean {
    const { changes } = this.db.prepare('UPDATE staff SET disabled_at = NULL WHERE name = ?').run(key(name));
    return changes === 1;
  }

  /** False when there is no such member. */
  setPassword(name: string, passwordHash: string, mustChangePassword: boolean): boolean {
    const { changes } = this.db.prepare('UPDATE staff SET password_hash = ?, must_change_password = ? WHERE name = ?').run(passwordHash, mustChangePassword ? 1 : 0, key(name));
    return changes === 1;
  }

  /** False when there is no such member. */
  setLanguage(name: string, language: ConsoleLanguage): boolean {
    const { changes } = this.db.prepare('UPDATE staff SET language = ? WHERE name = ?').run(language, key(name));
    return changes === 1;
  }

  /** The member's name as stored, when enabled; joins the caller's transaction. */
  enabledName(name: string): string | null {
    const row = this.db.prepare('SELECT name FROM staff WHERE name = ? AND disabled_at IS NULL').get(key(name)) as { name: string } | undefined;
    return row?.name ?? null;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

function key(name: string): string {
  return name.normalize('NFC');
}

interface RawStaffRow {
  name: string;
  role: StaffRole;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
  must_change_password: number;
  language: ConsoleLanguage | null;
}

function toStaffRow(row: RawStaffRow): StaffRow {
  return {
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    disabled: row.disabled_at !== null,
    mustChangePassword: row.must_change_password === 1,
    language: row.language,
  };
}
