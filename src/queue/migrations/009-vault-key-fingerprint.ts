/**
 * Keys that cannot drift: the fingerprint of the vault key the documents are sealed under (never the
 * key), the vault file holding the receipt signing key (sealed like a document, so that a key
 * rotation re-seals it and old receipts stay genuine), and the key a rotation in progress moves to.
 */
export const sql = `
CREATE TABLE vault_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT NOT NULL,
  receipt_key_vault_id TEXT NOT NULL,
  rotating_to TEXT,
  recorded_at TEXT NOT NULL
);
`;
