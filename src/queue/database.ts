import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations';

export type Db = Database.Database;

/** Opens the queue database, in WAL mode, and brings its schema up to date in one transaction per migration. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') privateFiles(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL, not NORMAL: a committed outcome must survive power loss, because the mail then leaves the inbox.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Each mail recorded inside an intake batch's transaction is a savepoint, so that its failure undoes
  // only its own rows; SQLite spills that undo journal to temporary files otherwise. Measured with
  // strace over a poll, that was two thirds of all page writes, and none of them needs the disk.
  db.pragma('temp_store = MEMORY');
  // SQLite's own default of 2 MB, not the 16 MB better-sqlite3 builds in: the pages read again and
  // again are the indexes' upper levels, and the file stays in the OS's cache anyway; 16 MB only
  // filled up with the rows a long `queue list --all` reads once (a peak 16 MB higher from 10k requests).
  db.pragma('cache_size = -2000');
  migrate(db);
  prepareOnce(db);
  return db;
}

/**
 * Each SQL text is compiled once per connection: the stores write their SQL at the point of use,
 * the connection remembers it. A remembered statement comes back in its default result mode, and
 * one still being iterated is not handed out twice.
 */
function prepareOnce(db: Db): void {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    const known = compiled.get(source);
    if (known && !known.busy) return known.reader ? known.pluck(false).expand(false).raw(false) : known;
    const statement = compile(source);
    if (!known) compiled.set(source, statement);
    return statement;
  }) as Db['prepare'];
}

/**
 * A migration may rebuild a table that others reference (SQLite changes a constraint only that
 * way), so foreign keys are off while it runs and checked before it commits: a migration that
 * would leave a dangling reference rolls back.
 */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((candidate) => candidate.version > current);
  if (pending.length === 0) return;
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of pending) {
      db.transaction(() => {
        db.exec(migration.sql);
        const dangling = db.pragma('foreign_key_check') as unknown[];
        if (dangling.length > 0) throw new Error(`migration ${migration.name} would leave ${dangling.length} dangling references`);
        db.pragma(`user_version = ${migration.version}`);
      })();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/**
 * The database holds personal data: readable by this user only. SQLite gives its -wal and -shm
 * files the main file's mode, so creating that one 0600 is enough; older ones are narrowed.
 */
function privateFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Narrowed, never widened: a file made read-only on purpose stays so (and the database then says so).
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, statSync(file).mode & 0o700);
}
