/** Requests, their append-only event log, ID documents (metadata; bytes live encrypted in the vault), the outbox. */
export const sql = `
CREATE TABLE requests (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('needs_info', 'pending_review', 'approved', 'rejected')),
  email TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
  username TEXT,
  registration_date TEXT,
  reason TEXT,
  problems TEXT NOT NULL,
  sender_authentication TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  message_id TEXT,
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX requests_by_status ON requests (status, received_at);

CREATE TABLE request_events (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests (id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX request_events_by_request ON request_events (request_id, id);
CREATE TRIGGER request_events_are_append_only_update BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER request_events_are_append_only_delete BEFORE DELETE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;

CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests (id),
  position INTEGER NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  declared_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  valid INTEGER NOT NULL,
  problem TEXT,
  vault_id TEXT NOT NULL UNIQUE,
  received_at TEXT NOT NULL,
  UNIQUE (request_id, position)
);

CREATE TABLE handled_messages (
  message_key TEXT PRIMARY KEY,
  handled_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'threaded', 'ignored', 'quarantined')),
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id INTEGER REFERENCES requests (id)
);

CREATE TABLE failed_attempts (
  message_key TEXT PRIMARY KEY,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  last_attempt_at TEXT NOT NULL
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests (id),
  purpose TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  recipient TEXT NOT NULL,
  in_reply_to TEXT,
  thread_references TEXT NOT NULL DEFAULT '[]',
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
`;
