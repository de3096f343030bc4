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
  const copyRequest = db.prepare(
    `INSERT INTO requests (${requestColumns.join(', ')}) SELECT ${requestColumns.map((name) => (name === 'reference' ? '@reference' : name === 'message_id' ? "'<copy-' || @number || '@bench>'" : name)).join(', ')} FROM requests WHERE id = @from`,
  );
  const children = [
    copier(db, 'request_events', {}),
    copier(db, 'request_messages', { outbox_id: 'NULL' }),
    copier(db, 'documents', { vault_id: "vault_id || '-' || @to", message_id: 'NULL' }),
    copier(db, 'outbox', { message_id: "'<copy-' || @to || '.' || message_id" }),
  ];
  let number = 0;
  db.transaction(() => {
    for (let count = templates.length; count < size; count++) {
      const from = templates[count % templates.length];
      const to = Number(copyRequest.run({ reference: referenceFor((number += 1)), number, from }).lastInsertRowid);
      for (const copy of children) copy.run({ from, to });
    }
  })();
  const middle = db.prepare('SELECT reference, username FROM requests WHERE username IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?').get(Math.floor(size / 2)) ?? db.prepare('SELECT reference, username FROM requests LIMIT 1').get();
  return { db, reference: middle.reference, searchTerm: middle.username ?? 'account' };
}

module.exports = { seedRequests };
