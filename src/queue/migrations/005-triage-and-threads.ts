/**
 * Every mail seen: human mail that is not confidently a request waits for staff in triage (with its
 * documents sealed like a request's and an append-only log of its own); each customer mail of a
 * request is kept as a message of its conversation, with the sender check it passed or failed;
 * documents from an unverified follow-up are kept but do not count; requests keep the evidence
 * intake weighed. The outbox can carry a staff reply to a triage item, so its request becomes
 * optional (SQLite changes a column only by rebuilding the table).
 */
export const sql = `
CREATE TABLE triage_items (
  id INTEGER PRIMARY KEY,
  message_key TEXT NOT NULL UNIQUE,
  sender TEXT NOT NULL,
  sender_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
  sender_authentication TEXT NOT NULL,
  may_acknowledge INTEGER NOT NULL,
  evidence TEXT NOT NULL DEFAULT '[]',
  fields TEXT NOT NULL,
  field_doubts TEXT NOT NULL DEFAULT '[]',
  body_text TEXT NOT NULL,
  own_text TEXT NOT NULL,
  message_id TEXT,
  replies_to TEXT NOT NULL DEFAULT '[]',
  received_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'promoted', 'replied', 'dismissed')),
  request_id INTEGER REFERENCES requests (id),
  settled_by TEXT,
  settled_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX triage_items_by_status ON triage_items (status, received_at);

CREATE TABLE triage_documents (
  id INTEGER PRIMARY KEY,
  triage_id INTEGER NOT NULL REFERENCES triage_items (id),
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
  UNIQUE (triage_id, position)
);

CREATE TABLE triage_events (
  id INTEGER PRIMARY KEY,
  triage_id INTEGER NOT NULL REFERENCES triage_items (id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX triage_events_by_item ON triage_events (triage_id, id);
CREATE TRIGGER triage_events_are_append_only_update BEFORE UPDATE ON triage_events
BEGIN SELECT RAISE(ABORT, 'triage_events is append-only'); END;
CREATE TRIGGER triage_events_are_append_only_delete BEFORE DELETE ON triage_events
BEGIN SELECT RAISE(ABORT, 'triage_events is append-only'); END;

CREATE TABLE request_messages (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests (id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'note')),
  at TEXT NOT NULL,
  sender TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  sender_authentication TEXT,
  message_id TEXT,
  -- For a customer's follow-up: whether it was allowed to change the request's fields and documents.
  applied INTEGER
);
CREATE INDEX request_messages_by_request ON request_messages (request_id, id);
INSERT INTO request_messages (request_id, direction, at, sender, subject, text, sender_authentication, message_id, applied)
  SELECT id, 'in', received_at, email, subject, body_text, sender_authentication, message_id, 1 FROM requests ORDER BY id;

ALTER TABLE documents ADD COLUMN message_id INTEGER REFERENCES request_messages (id);
ALTER TABLE documents ADD COLUMN counted INTEGER NOT NULL DEFAULT 1;

ALTER TABLE requests ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
ALTER TABLE requests ADD COLUMN field_doubts TEXT NOT NULL DEFAULT '[]';

CREATE TABLE handled_messages_rebuilt (
  message_key TEXT PRIMARY KEY,
  handled_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'threaded', 'triaged', 'ignored', 'quarantined')),
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id INTEGER REFERENCES requests (id),
  triage_id INTEGER REFERENCES triage_items (id)
);
INSERT INTO handled_messages_rebuilt (message_key, handled_at, outcome, kind, reason, request_id)
  SELECT message_key, handled_at, outcome, kind, reason, request_id FROM handled_messages;
DROP TABLE handled_messages;
ALTER TABLE handled_messages_rebuilt RENAME TO handled_messages;

CREATE TABLE outbox_rebuilt (
  id INTEGER PRIMARY KEY,
  request_id INTEGER REFERENCES requests (id),
  triage_id INTEGER REFERENCES triage_items (id),
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
  sent_at TEXT,
  CHECK ((request_id IS NULL) <> (triage_id IS NULL))
);
INSERT INTO outbox_rebuilt (id, request_id, purpose, message_id, recipient, in_reply_to, thread_references, payload, created_at, attempts, next_attempt_at, last_error, sent_at)
  SELECT id, request_id, purpose, message_id, recipient, in_reply_to, thread_references, payload, created_at, attempts, next_attempt_at, last_error, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
CREATE INDEX outbox_by_request ON outbox (request_id);
CREATE INDEX outbox_by_triage ON outbox (triage_id);
`;
