import type { Clock } from '../clock';
import type { Db } from './database';

/** One account as the account system exported it: `registrationDate` is `YYYY-MM-DD`. */
export interface DirectoryAccount {
  username: string;
  email: string;
  registrationDate: string;
  status: string;
}

/** All SQL about the account directory. Usernames compare case-insensitively, as customers type them. */
export class AccountStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Adds or replaces every account in one transaction: a failed import changes nothing. */
  upsert(accounts: DirectoryAccount[]): { added: number; updated: number } {
    return this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM accounts WHERE username = ?').pluck();
      const write = this.db.prepare(
        `INSERT INTO accounts (username, email, registration_date, status, imported_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET username = excluded.username, email = excluded.email,
           registration_date = excluded.registration_date, status = excluded.status, imported_at = excluded.imported_at`,
      );
      let added = 0;
      const now = this.clock.now().toISOString();
      for (const account of accounts) {
        if (exists.get(account.username) === undefined) added++;
        write.run(account.username, account.email, account.registrationDate, account.status, now);
      }
      // The directory changed: every request's account checks are due again.
      this.db.prepare('UPDATE requests SET check_state = NULL').run();
      return { added, updated: accounts.length - added };
    })();
  }

  find(username: string): DirectoryAccount | null {
    const row = this.db.prepare('SELECT username, email, registration_date AS registrationDate, status FROM accounts WHERE username = ?').get(username) as
      | DirectoryAccount
      | undefined;
    return row ?? null;
  }

  /** Without a directory there is nothing to compare with: checks read "unknown", not "fail". */
  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM accounts LIMIT 1').get() === undefined;
  }
}
