/** What each mailbox's message keys were valid for last time (IMAP UIDVALIDITY), to notice a reset. */
export const sql = `
CREATE TABLE mailbox_state (
  mailbox TEXT PRIMARY KEY,
  generation TEXT NOT NULL,
  seen_at TEXT NOT NULL
);
`;
