/**
 * The queue's first page and its counts without reading the whole queue. The listing is ordered by
 * due day (received day when there is none), then arrival: an index on that very expression, with
 * and without the status in front, lets a page read its fifty rows instead of sorting every match;
 * `queue list` reads the queue in arrival order, a page at a time, from one more.
 * The count per status is kept by triggers in `request_counts`, so the header's numbers and an
 * unfiltered listing's total cost one row each, however many requests history holds.
 *
 * A later migration that rebuilds `requests` drops these triggers with the table and must create
 * them again.
 */
export const sql = `
CREATE INDEX requests_in_queue_order ON requests (status, coalesce(due_at, substr(received_at, 1, 10)), received_at, id);
CREATE INDEX requests_in_order ON requests (coalesce(due_at, substr(received_at, 1, 10)), received_at, id);
-- queue list pages through every request in arrival order.
CREATE INDEX requests_by_arrival ON requests (received_at, id);

CREATE TABLE request_counts (
  status TEXT PRIMARY KEY,
  n INTEGER NOT NULL CHECK (n >= 0)
) WITHOUT ROWID;
INSERT INTO request_counts (status, n) SELECT status, count(*) FROM requests GROUP BY status;

CREATE TRIGGER request_counts_insert AFTER INSERT ON requests BEGIN
  INSERT INTO request_counts (status, n) VALUES (new.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER request_counts_update AFTER UPDATE OF status ON requests WHEN old.status <> new.status BEGIN
  UPDATE request_counts SET n = n - 1 WHERE status = old.status;
  INSERT INTO request_counts (status, n) VALUES (new.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER request_counts_delete AFTER DELETE ON requests BEGIN
  UPDATE request_counts SET n = n - 1 WHERE status = old.status;
END;
`;
