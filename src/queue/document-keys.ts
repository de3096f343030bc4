import type { Db } from './database';

/** Every vault file a committed row names: documents, triage documents, the receipt key; a document removed by retention names none. */
export const VAULT_IDS_IN_USE =
  'SELECT vault_id FROM documents WHERE purged_at IS NULL UNION SELECT vault_id FROM triage_documents WHERE purged_at IS NULL UNION SELECT receipt_key_vault_id FROM vault_key';

/** A document's data key sealed under the vault key whose fingerprint is `under`; never the key in the clear. */
export interface WrappedDataKey {
  wrapped: Buffer;
  under: string;
}

/** A data key as recorded: `oldFormat` while an upgrade has recorded it but not yet replaced the old file. */
export interface RecordedDataKey extends WrappedDataKey {
  oldFormat: boolean;
}

/** All SQL about the documents' data keys. Deleting a row is what makes a document unreadable for good. */
export class DocumentKeys {
  constructor(private readonly db: Db) {}

  find(vaultId: string): RecordedDataKey | null {
    const row = this.db.prepare('SELECT wrapped_key, wrapped_under, old_format FROM document_keys WHERE vault_id = ?').get(vaultId) as
      | { wrapped_key: Buffer; wrapped_under: string; old_format: number }
      | undefined;
    return row ? { wrapped: row.wrapped_key, under: row.wrapped_under, oldFormat: row.old_format === 1 } : null;
  }

  /** Joins the caller's transaction: a data key is committed with the row that names its file, never alone. */
  record(vaultId: string, key: WrappedDataKey): void {
    this.db.prepare('INSERT INTO document_keys (vault_id, wrapped_key, wrapped_under) VALUES (?, ?, ?)').run(vaultId, key.wrapped, key.under);
  }

  /** The data key an old-format file is about to be sealed under; another process upgrading it too may have recorded one first. */
  beginUpgrade(vaultId: string, key: WrappedDataKey): void {
    this.db
      .prepare('INSERT INTO document_keys (vault_id, wrapped_key, wrapped_under, old_format) VALUES (?, ?, ?, 1) ON CONFLICT (vault_id) DO NOTHING')
      .run(vaultId, key.wrapped, key.under);
  }

  /** Joins the caller's transaction: each file is named with its new data key, or (a promoted mail's) already has one. */
  recordFor(documents: { vaultId: string; dataKey?: WrappedDataKey }[]): void {
    for (const { vaultId, dataKey } of documents) {
      if (dataKey) this.record(vaultId, dataKey);
      else if (this.find(vaultId) === null) throw new Error(`vault file ${vaultId} has no data key: it cannot be named without one`);
    }
  }

  /** Joins the caller's transaction (retention): without its data key a file, and every copy of it, is unreadable. */
  destroy(vaultIds: string[]): void {
    const remove = this.db.prepare('DELETE FROM document_keys WHERE vault_id = ?');
    for (const id of vaultIds) remove.run(id);
  }

  /** Vault files in use that an upgrade has not finished: no data key yet, or the old file not yet replaced. */
  awaitingUpgrade(): string[] {
    return this.db
      .prepare(`SELECT vault_id FROM (${VAULT_IDS_IN_USE}) WHERE vault_id NOT IN (SELECT vault_id FROM document_keys WHERE old_format = 0) ORDER BY vault_id`)
      .pluck()
      .all() as string[];
  }

  upgraded(vaultId: string): void {
    this.db.prepare('UPDATE document_keys SET old_format = 0 WHERE vault_id = ?').run(vaultId);
  }

  /** Up to `limit` data keys still wrapped under another vault key than `fingerprint` (a rotation's remaining work). */
  wrappedOtherThan(fingerprint: string, limit: number): { vaultId: string; key: WrappedDataKey }[] {
    const rows = this.db.prepare('SELECT vault_id, wrapped_key, wrapped_under FROM document_keys WHERE wrapped_under <> ? ORDER BY vault_id LIMIT ?').all(fingerprint, limit) as {
      vault_id: string;
      wrapped_key: Buffer;
      wrapped_under: string;
    }[];
    return rows.map((row) => ({ vaultId: row.vault_id, key: { wrapped: row.wrapped_key, under: row.wrapped_under } }));
  }

  /** One batch of a rotation, in one transaction: a crash leaves each key wrapped under the old vault key or the new one. */
  rewrap(batch: { vaultId: string; key: WrappedDataKey }[]): void {
    const update = this.db.prepare('UPDATE document_keys SET wrapped_key = ?, wrapped_under = ? WHERE vault_id = ?');
    this.db.transaction(() => {
      for (const { vaultId, key } of batch) update.run(key.wrapped, key.under, vaultId);
    })();
  }
}
