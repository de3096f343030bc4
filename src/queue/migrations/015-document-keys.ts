/**
 * Envelope encryption: each vault file is sealed under its own data key, kept here wrapped (sealed)
 * under the vault key, so that deleting the row destroys the document for good (retention) and a
 * key rotation rewraps these small rows instead of every file. `wrapped_under` is the fingerprint
 * of the vault key that wraps the row, so a rotation that stops midway resumes where it was.
 * `old_format` is 1 while an upgrade from files sealed directly under the vault key is between
 * recording this row and replacing the file.
 */
export const sql = `
CREATE TABLE document_keys (
  vault_id TEXT PRIMARY KEY,
  wrapped_key BLOB NOT NULL,
  wrapped_under TEXT NOT NULL,
  old_format INTEGER NOT NULL DEFAULT 0 CHECK (old_format IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX document_keys_by_wrapping ON document_keys (wrapped_under);
`;
