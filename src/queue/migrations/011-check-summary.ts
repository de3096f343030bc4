/**
 * The pre-check summary of each request, stored so that the queue filters and counts it in SQL
 * instead of checking the whole queue on every page. NULL means stale: computed again on the next
 * read (a new request, a reply, an edit, an account import, a request sharing a document or a
 * username all make it stale).
 */
export const sql = `
ALTER TABLE requests ADD COLUMN check_state TEXT CHECK (check_state IN ('clear', 'open', 'fail'));
ALTER TABLE requests ADD COLUMN check_counts TEXT;
CREATE INDEX requests_by_check ON requests (check_state, status);
CREATE INDEX requests_stale_checks ON requests (id) WHERE check_state IS NULL;
`;
