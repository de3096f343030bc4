/**
 * Retention: when a decided request's (or a settled unsorted mail's) ID documents and mail texts
 * were removed. The request keeps what the audit needs: reference, fields, decisions, events, and
 * each document's name and SHA-256.
 */
export const sql = `
ALTER TABLE requests ADD COLUMN purged_at TEXT;
ALTER TABLE documents ADD COLUMN purged_at TEXT;
ALTER TABLE triage_items ADD COLUMN purged_at TEXT;
ALTER TABLE triage_documents ADD COLUMN purged_at TEXT;
CREATE INDEX requests_by_closure ON requests (status, closed_at);
CREATE INDEX triage_items_by_settlement ON triage_items (status, settled_at);
`;
