/**
 * A tamper-evident audit: each event carries a hash over itself and the hash of the event before it
 * in its log, so an edited, removed or reordered event breaks the chain (`cancel-desk audit verify`).
 * Events written before this migration have no hash; the chain starts after them.
 */
export const sql = `
ALTER TABLE request_events ADD COLUMN hash TEXT;
ALTER TABLE triage_events ADD COLUMN hash TEXT;
`;
