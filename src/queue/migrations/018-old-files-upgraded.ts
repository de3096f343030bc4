/**
 * When every vault file from before data keys had been sealed again under a key of its own: from
 * then on a start need not look for such files, a search that reads every document the vault holds.
 */
export const sql = `
ALTER TABLE vault_key ADD COLUMN old_files_upgraded_at TEXT;
`;
