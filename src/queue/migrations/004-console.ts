/**
 * The web console's own state: staff sessions (only a hash of each session token is kept, so a copy
 * of the database signs nobody in) and the sign-in throttle (recent failures and active locks, per
 * staff name and per client address).
 */
export const sql = `
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  staff TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
CREATE INDEX console_sessions_by_staff ON console_sessions (staff);

CREATE TABLE console_signin_failures (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX console_signin_failures_by_subject ON console_signin_failures (subject, at);

CREATE TABLE console_signin_locks (
  subject TEXT PRIMARY KEY,
  locked_until TEXT NOT NULL
);
`;
