import Database from 'better-sqlite3';
import { createCipheriv, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A vault file as cancel-desk wrote it before data keys: `CDV1`, IV, tag, ciphertext, sealed directly under the vault key. */
export function oldFormatFile(vaultKey: Buffer, id: string, content: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', vaultKey, iv);
  cipher.setAAD(Buffer.from(id));
  const sealed = Buffer.concat([cipher.update(content), cipher.final()]);
  return Buffer.concat([Buffer.from('CDV1'), iv, cipher.getAuthTag(), sealed]);
}

/**
 * Turns a stopped desk's DATA_DIR into one written by the release before data keys: every vault
 * file sealed directly under the vault key, and a database on schema 14 (no data keys).
 */
export function toOldFormat(dataDir: string, vaultKey: Buffer, contents: Map<string, Buffer>): void {
  for (const [id, content] of contents) writeFileSync(join(dataDir, 'vault', `${id}.bin`), oldFormatFile(vaultKey, id, content));
  const db = new Database(join(dataDir, 'cancel-desk.db'));
  // Everything migrations 015 to 018 made: data keys, the search indexes and the queue's order and counts, with their triggers, and the mark of old files upgraded.
  db.exec(`DROP TABLE document_keys;
    DROP TRIGGER request_counts_insert; DROP TRIGGER request_counts_update; DROP TRIGGER request_counts_delete;
    DROP TABLE request_counts; DROP INDEX requests_in_queue_order; DROP INDEX requests_in_order; DROP INDEX requests_by_arrival;
    DROP TRIGGER requests_searchable_insert; DROP TRIGGER requests_searchable_update; DROP TRIGGER requests_searchable_delete;
    DROP TRIGGER request_messages_searchable_insert; DROP TRIGGER request_messages_searchable_update; DROP TRIGGER request_messages_searchable_delete;
    DROP TABLE request_search; DROP TABLE message_search; DROP INDEX requests_short_fields;
    ALTER TABLE vault_key DROP COLUMN old_files_upgraded_at;`);
  db.pragma('user_version = 14');
  db.close();
}
