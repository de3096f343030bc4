/**
 * One sender per mail: a row of the outbox or of the account hand-offs is leased to the process
 * that picked it (claimed_by) until claimed_until, in the transaction that picks it, so that any
 * number of processes on one DATA_DIR never hand the same row over twice. And the daemon's lock on
 * its DATA_DIR: one row, held by one process, kept fresh by its heartbeat.
 */
export const sql = `
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
ALTER TABLE account_handoffs ADD COLUMN claimed_by TEXT;
ALTER TABLE account_handoffs ADD COLUMN claimed_until TEXT;

-- The storm limits count automatic mail per recipient and per hour.
CREATE INDEX outbox_by_recipient ON outbox (recipient, created_at);
CREATE INDEX outbox_by_sent ON outbox (sent_at);

CREATE TABLE daemon_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
);
`;
