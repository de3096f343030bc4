import { isCalendarDay } from '../clock';
import type { AccountStore, DirectoryAccount } from '../queue/accounts';
import { parseCsv } from './csv';

export interface RejectedLine {
  line: number;
  reason: string;
}

export type AccountCsv = { ok: true; accounts: DirectoryAccount[]; rejected: RejectedLine[] } | { ok: false; message: string };

export type AccountImport = { ok: true; added: number; updated: number; rejected: RejectedLine[] } | { ok: false; message: string };

/** Reads the file and stores its good rows in one transaction; the bad ones come back with their lines. */
export function importAccountCsv(store: AccountStore, bytes: Uint8Array): AccountImport {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Excel in a Chinese locale saves GBK by default; guessing would store mangled names.
    return { ok: false, message: 'the file is not UTF-8 text: save it as "CSV UTF-8"' };
  }
  const read = readAccountCsv(text);
  return read.ok ? { ok: true, ...store.upsert(read.accounts), rejected: read.rejected } : read;
}

const COLUMNS = ['username', 'email', 'registration_date', 'status'] as const;

/**
 * The account system's export: a header row naming username, email, registration_date and status
 * (in any order), then one account per row. Bad rows are reported with their line and left out;
 * a missing header refuses the whole file, since its rows could not be read correctly.
 */
export function readAccountCsv(text: string): AccountCsv {
  const [header, ...rows] = parseCsv(text);
  if (!header || 'error' in header) return { ok: false, message: `line 1: ${header ? header.error : 'the file is empty'}` };
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const missing = COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) return { ok: false, message: `line ${header.line}: the header row must name ${COLUMNS.join(', ')}; missing ${missing.join(', ')}` };

  const accounts: DirectoryAccount[] = [];
  const rejected: RejectedLine[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    if ('error' in row) {
      rejected.push({ line: row.line, reason: row.error });
      continue;
    }
    if (row.fields.length !== names.length) {
      rejected.push({ line: row.line, reason: `${row.fields.length} fields where the header has ${names.length}` });
      continue;
    }
    const value = (column: (typeof COLUMNS)[number]) => row.fields[names.indexOf(column)].trim();
    const account: DirectoryAccount = {
      username: value('username'),
      email: value('email'),
      registrationDate: value('registration_date'),
      status: value('status').toLowerCase(),
    };
    const reason = invalidity(account) ?? duplicate(firstLineOf, account.username, row.line);
    if (reason) rejected.push({ line: row.line, reason });
    else accounts.push(account);
  }
  return { ok: true, accounts, rejected };
}

function invalidity(account: DirectoryAccount): string | null {
  if (account.username === '' || account.username.length > 64) return 'username must have 1 to 64 characters';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(account.email)) return `"${account.email}" is not an email address`;
  if (!isCalendarDay(account.registrationDate)) return `registration_date "${account.registrationDate}" is not a date (YYYY-MM-DD)`;
  if (account.status === '') return 'status is empty';
  return null;
}

function duplicate(firstLineOf: Map<string, number>, username: string, line: number): string | null {
  const key = username.toLowerCase();
  const first = firstLineOf.get(key);
  if (first !== undefined) return `username ${username} is already on line ${first}`;
  firstLineOf.set(key, line);
  return null;
}
