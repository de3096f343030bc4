/**
 * Failures of the machinery rather than of one message or mail. A fatal one does not go away by
 * trying again in a minute (a read-only or corrupt database, a read-only disk, a file this user may
 * not touch): the daemon stops with one clear line, so that its supervisor restarts it and someone is
 * told. A transient one (the database busy with another process, a full disk) is retried on the
 * next run and logged.
 */
export interface Fault {
  kind: 'fatal' | 'transient';
  reason: string;
  /** For the one line an operator reads. */
  description: string;
}

// By prefix: SQLite's extended codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE…) begin with their primary code.
const FAULTS: [RegExp, Fault][] = [
  [/^SQLITE_READONLY/, { kind: 'fatal', reason: 'database_read_only', description: 'the database cannot be written: its file, folder or disk is read-only' }],
  [/^SQLITE_(CORRUPT|NOTADB)/, { kind: 'fatal', reason: 'database_corrupt', description: 'the database file is damaged or not a database: restore it from a backup' }],
  [/^SQLITE_CANTOPEN/, { kind: 'fatal', reason: 'database_unreachable', description: 'the database file cannot be opened' }],
  [/^SQLITE_IOERR/, { kind: 'fatal', reason: 'disk_io_error', description: 'the disk failed to read or write the database' }],
  [/^EROFS$/, { kind: 'fatal', reason: 'read_only_filesystem', description: 'DATA_DIR is on a read-only file system' }],
  [/^(EACCES|EPERM)$/, { kind: 'fatal', reason: 'permission_denied', description: 'a file or folder under DATA_DIR is closed to this user (permissions)' }],
  [/^SQLITE_(BUSY|LOCKED)/, { kind: 'transient', reason: 'database_busy', description: 'the database is busy with another process' }],
  [/^(SQLITE_FULL|ENOSPC|EDQUOT)$/, { kind: 'transient', reason: 'disk_full', description: 'the disk (or quota) is full' }],
];

/** Null for anything else: a failure of one message, mail or remote server, handled where it happens. */
export function faultOf(error: unknown): Fault | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  return FAULTS.find(([pattern]) => pattern.test(code))?.[1] ?? null;
}

/** What an operator reads: what is wrong, then the error as the system gave it. */
export function describeFault(fault: Fault, error: Error): string {
  return `${fault.description} (${String((error as { code?: unknown }).code)}: ${error.message})`;
}
