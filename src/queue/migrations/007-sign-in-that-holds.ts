/**
 * Sign-in that holds: one count per throttled subject (a name from an address, an address, a name;
 * names only as a hash, since a mistyped password often lands in the name field), bumped before the
 * password is checked; and when each session was last used, so an idle one ends.
 */
export const sql = `
DROP TABLE console_signin_failures;
DROP TABLE console_signin_locks;

CREATE TABLE console_signin_counts (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at TEXT NOT NULL
);
CREATE INDEX console_signin_counts_by_age ON console_signin_counts (last_at);

ALTER TABLE console_sessions ADD COLUMN last_seen_at TEXT;
UPDATE console_sessions SET last_seen_at = created_at;
`;
