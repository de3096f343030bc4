/**
 * The queue's search without reading every request: two FTS5 indexes with the trigram tokenizer
 * (any substring of three or more characters, Chinese as well as English, letter case folded), one
 * row per request over its short fields and one row per customer mail over its text. A phrase
 * matches within one row only, so a search never matches across two fields or two mails, as the
 * substring search before it did not. Contentless (the text stays where it is, not twice), with
 * deletions allowed; `secure-delete` so that an old username or a mail text emptied by retention
 * leaves the index itself, not only its results.
 *
 * Triggers keep them current whatever writes the rows (intake, follow-ups, promotion out of
 * triage, staff corrections, retention). A later migration that rebuilds `requests` or
 * `request_messages` drops these triggers with the table and must create them again.
 */
export const sql = `
CREATE VIRTUAL TABLE request_search USING fts5 (reference, email, sender_name, username, tokenize = 'trigram', content = '', contentless_delete = 1);
INSERT INTO request_search (request_search, rank) VALUES ('secure-delete', 1);
INSERT INTO request_search (rowid, reference, email, sender_name, username)
  SELECT id, reference, email, sender_name, coalesce(username, '') FROM requests;

CREATE TRIGGER requests_searchable_insert AFTER INSERT ON requests BEGIN
  INSERT INTO request_search (rowid, reference, email, sender_name, username) VALUES (new.id, new.reference, new.email, new.sender_name, coalesce(new.username, ''));
END;
CREATE TRIGGER requests_searchable_update AFTER UPDATE OF reference, email, sender_name, username ON requests BEGIN
  DELETE FROM request_search WHERE rowid = old.id;
  INSERT INTO request_search (rowid, reference, email, sender_name, username) VALUES (new.id, new.reference, new.email, new.sender_name, coalesce(new.username, ''));
END;
CREATE TRIGGER requests_searchable_delete AFTER DELETE ON requests BEGIN
  DELETE FROM request_search WHERE rowid = old.id;
END;

-- Only the customer's mails: our own and staff notes were never searched.
CREATE VIRTUAL TABLE message_search USING fts5 (text, tokenize = 'trigram', content = '', contentless_delete = 1);
INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
INSERT INTO message_search (rowid, text) SELECT id, text FROM request_messages WHERE direction = 'in';

CREATE TRIGGER request_messages_searchable_insert AFTER INSERT ON request_messages WHEN new.direction = 'in' BEGIN
  INSERT INTO message_search (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER request_messages_searchable_update AFTER UPDATE OF text, direction ON request_messages BEGIN
  DELETE FROM message_search WHERE rowid = old.id;
  INSERT INTO message_search (rowid, text) SELECT new.id, new.text WHERE new.direction = 'in';
END;
CREATE TRIGGER request_messages_searchable_delete AFTER DELETE ON request_messages BEGIN
  DELETE FROM message_search WHERE rowid = old.id;
END;

-- Searches under three characters cannot use a trigram: they read this narrow index of the short fields instead of the wide rows.
CREATE INDEX requests_short_fields ON requests (reference, email, sender_name, username);
`;
