import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/queue/database';
import { migrations } from '../../src/queue/migrations';

it('makes the earliest member of a desk from before roles its admin, and everyone else staff', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'cancel-desk-roles-')), 'cancel-desk.db');
  const before = new Database(path);
  for (const migration of migrations.filter((candidate) => candidate.version <= 7)) before.exec(migration.sql);
  before.pragma('user_version = 7');
  const add = before.prepare("INSERT INTO staff (name, password_hash, created_at) VALUES (?, 'scrypt$x', '2026-01-01T00:00:00.000Z')");
  for (const name of ['admin', 'alice', 'bob']) add.run(name);
  before.close();

  const db = openDatabase(path);
  try {
    expect(db.prepare('SELECT name, role, must_change_password FROM staff ORDER BY id').all()).toEqual([
      { name: 'admin', role: 'admin', must_change_password: 0 },
      { name: 'alice', role: 'staff', must_change_password: 0 },
      { name: 'bob', role: 'staff', must_change_password: 0 },
    ]);
  } finally {
    db.close();
  }
});
