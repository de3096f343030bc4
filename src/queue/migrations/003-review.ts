/**
 * Back-office review: staff (scrypt hashes only), the optional account directory pre-checks compare
 * against, hand-offs of approved requests to the account system, and who decided each request when.
 */
export const sql = `
CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT
);

CREATE TABLE accounts (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  email TEXT NOT NULL,
  registration_date TEXT NOT NULL,
  status TEXT NOT NULL,
  imported_at TEXT NOT NULL
);

CREATE TABLE account_handoffs (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL UNIQUE REFERENCES requests (id),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  delivered_at TEXT
);
CREATE INDEX account_handoffs_due ON account_handoffs (delivered_at, next_attempt_at);

ALTER TABLE requests ADD COLUMN decided_by TEXT;
ALTER TABLE requests ADD COLUMN decided_at TEXT;
CREATE INDEX requests_by_decision ON requests (status, decided_at);
`;
