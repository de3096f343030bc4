// Fills a queue to `size` requests by copying the requests real intake already stored there, row by
// row in SQLite (with their events, mails, documents and outbox rows): intake itself would take hours
// for 100k. Columns are read from the schema, so a column added later is copied too.
const Database = require('better-sqlite3');

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A reference no intake would make (real ones are random): `CR-` and the copy's number in the alphabet. */
function referenceFor(number) {
  let reference = '';
  for (let digit = 0; digit < 10; digit++) {
    reference = ALPHABET[number % ALPHABET.length] + reference;
    number = Math.floor(number / ALPHABET.length);
  }
  return `CR-${reference}`;
}

function columnsOf(db, table) {
  return db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all().filter((name) => name !== 'id');
}

/** Copies of `table`'s rows of one request for another, `replace` naming the columns given new values. */
function copier(db, table, replace) {
  const columns = columnsOf(db, table);
  const values = columns.map((name) => (name === 'request_id' ? '@to' : replace[name] ?? name));
  return db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${table} WHERE request_id = @from`);
}

function seedRequests(file, size) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const templates = db.prepare('SELECT id FROM requests ORDER BY id').pluck().all();
  if (templates.length === 0) throw new Error('no request to copy: run intake first');
  const requestColumns = columnsOf(db, 'requests');
  // Each copy is another customer, as a real queue's requests mostly are: its own address, username
  // and ID document (a queue of a hundred copies of each customer would list a hundred "other
  // requests" and a hundred reuses of the same ID on every request page).
  const distinct = {
    reference: '@reference',
    message_id: "'<copy-' || @number || '@bench>'",
    email: "'c' || @number || '.' || email",
    username: "CASE WHEN username IS NULL THEN NULL ELSE username || '.c' || @number END",
  };
  const copyRequest = db.prepare(
    `INSERT INTO requests (${requestColumns.join(', ')}) SELECT ${requestColumns.map((name) => distinct[name] ?? name).join(', ')} FROM requests WHERE id = @from`,
  );
  const children = [
    copier(db, 'request_events', {}),
    copier(db, 'request_messages', { outbox_id: 'NULL' }),
    copier(db, 'documents', { vault_id: "vault_id || '-' || @to", message_id: 'NULL', sha256: "substr(sha256, 1, 48) || printf('%016x', @to)" }),
    copier(db, 'outbox', { message_id: "'<copy-' || @to || '.' || message_id" }),
    // Each copied document row has its data key row, as intake records them (the copies are never opened).
    db.prepare(
      `INSERT INTO document_keys (vault_id, wrapped_key, wrapped_under, old_format)
       SELECT documents.vault_id || '-' || @to, wrapped_key, wrapped_under, old_format FROM document_keys JOIN documents USING (vault_id) WHERE documents.request_id = @from`,
    ),
  ];
  let number = 0;
  db.transaction(() => {
    for (let count = templates.length; count < size; count++) {
      const from = templates[count % templates.length];
      const to = Number(copyRequest.run({ reference: referenceFor((number += 1)), number: BigInt(number), from }).lastInsertRowid);
      for (const copy of children) copy.run({ from, to });
    }
  })();
  const middle = db.prepare('SELECT reference, username FROM requests WHERE username IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?').get(Math.floor(size / 2)) ?? db.prepare('SELECT reference, username FROM requests LIMIT 1').get();
  return { db, reference: middle.reference, searchTerm: middle.username ?? 'account' };
}

module.exports = { seedRequests };
