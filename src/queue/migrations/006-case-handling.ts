/**
 * A case from first mail to closed account: `closed` (the account system confirmed it, or staff
 * recorded it) apart from `approved`; who closed it and when; the working-day deadline; a mark for
 * a customer reply staff have not read yet; corrections a follow-up made; who a request is assigned to; our own mails and staff
 * notes in the conversation; lookups by sender, username and document hash that the checks and the
 * queue make on every page. The status list is a CHECK constraint, so the table is rebuilt (the
 * migration runner turns foreign keys off around it and checks them before committing).
 */
export const sql = `
CREATE TABLE requests_rebuilt (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('needs_info', 'pending_review', 'approved', 'closed', 'rejected')),
  email TEXT NOT NULL,
  sender_name TEXT NOT NULL DEFAULT '',
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
  version INTEGER NOT NULL DEFAULT 1,
  decided_by TEXT,
  decided_at TEXT,
  evidence TEXT NOT NULL DEFAULT '[]',
  field_doubts TEXT NOT NULL DEFAULT '[]',
  closed_by TEXT,
  closed_at TEXT,
  due_at TEXT,
  unread_since TEXT,
  assigned_to TEXT
);
INSERT INTO requests_rebuilt (id, reference, status, email, sender_name, language, username, registration_date, reason, problems,
    sender_authentication, subject, body_text, message_id, received_at, updated_at, version, decided_by, decided_at, evidence, field_doubts)
  SELECT id, reference, status, email, sender_name, language, username, registration_date, reason, problems,
    sender_authentication, subject, body_text, message_id, received_at, updated_at, version, decided_by, decided_at, evidence, field_doubts
  FROM requests;
DROP TABLE requests;
ALTER TABLE requests_rebuilt RENAME TO requests;
CREATE INDEX requests_by_status ON requests (status, received_at);
CREATE INDEX requests_by_decision ON requests (status, decided_at);
CREATE INDEX requests_by_due ON requests (status, due_at);
CREATE INDEX requests_by_email ON requests (email);
CREATE INDEX requests_by_username ON requests (username COLLATE NOCASE);
CREATE INDEX requests_unread ON requests (unread_since) WHERE unread_since IS NOT NULL;
CREATE INDEX requests_by_assignee ON requests (assigned_to) WHERE assigned_to IS NOT NULL;

CREATE INDEX documents_by_sha256 ON documents (sha256);

ALTER TABLE request_messages ADD COLUMN outbox_id INTEGER REFERENCES outbox (id);
ALTER TABLE request_messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE request_messages ADD COLUMN actor TEXT;
-- For a customer's follow-up that corrected a field: { field: { from, to } }, shown as old → new.
ALTER TABLE request_messages ADD COLUMN changes TEXT NOT NULL DEFAULT '{}';
`;
