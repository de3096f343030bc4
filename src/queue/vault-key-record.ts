import type { Clock } from '../clock';
import type { Db } from './database';
import { DocumentKeys, VAULT_IDS_IN_USE, type WrappedDataKey } from './document-keys';

export interface RecordedVaultKey {
  fingerprint: string;
  receiptKeyVaultId: string;
  /** The fingerprint of the key an unfinished `vault rotate-key` moves to; null when none runs. */
  rotatingTo: string | null;
}

/** All SQL about which vault key the documents are sealed under (its fingerprint only, never the key). */
export class VaultKeyRecord {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  current(): RecordedVaultKey | null {
    const row = this.db.prepare('SELECT fingerprint, receipt_key_vault_id, rotating_to FROM vault_key WHERE id = 1').get() as
      | { fingerprint: string; receipt_key_vault_id: string; rotating_to: string | null }
      | undefined;
    return row ? { fingerprint: row.fingerprint, receiptKeyVaultId: row.receipt_key_vault_id, rotatingTo: row.rotating_to } : null;
  }

  /** The first record, with the receipt key's data key; false when another process recorded one first. */
  record(fingerprint: string, receiptKey: { vaultId: string; dataKey: WrappedDataKey }): boolean {
    return this.db.transaction(() => {
      const { changes } = this.db
        .prepare('INSERT INTO vault_key (id, fingerprint, receipt_key_vault_id, recorded_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
        .run(fingerprint, receiptKey.vaultId, this.clock.now().toISOString());
      if (changes === 1) new DocumentKeys(this.db).record(receiptKey.vaultId, receiptKey.dataKey);
      return changes === 1;
    })();
  }

  /** Whether every file from before data keys is known to be sealed again (`markOldFilesUpgraded`). */
  oldFilesUpgraded(): boolean {
    return this.db.prepare('SELECT old_files_upgraded_at IS NOT NULL FROM vault_key WHERE id = 1').pluck().get() === 1;
  }

  markOldFilesUpgraded(): void {
    this.db.prepare('UPDATE vault_key SET old_files_upgraded_at = ? WHERE id = 1').run(this.clock.now().toISOString());
  }

  startRotation(to: string): void {
    this.db.prepare('UPDATE vault_key SET rotating_to = ? WHERE id = 1').run(to);
  }

  /**
   * Records the new key once no data key is wrapped under another; false while one is (a document
   * sealed meanwhile by a daemon left running), for the rotation to take it too.
   */
  finishRotation(to: string): boolean {
    return this.db
      .transaction(() => {
        if (this.db.prepare('SELECT EXISTS (SELECT 1 FROM document_keys WHERE wrapped_under <> ?)').pluck().get(to) === 1) return false;
        const { changes } = this.db.prepare('UPDATE vault_key SET fingerprint = ?, rotating_to = NULL, recorded_at = ? WHERE id = 1 AND rotating_to = ?').run(to, this.clock.now().toISOString(), to);
        if (changes !== 1) throw new Error(`no rotation to the key ${to} is under way any more: another \`vault rotate-key\` finished or changed it`);
        return true;
      })
      .immediate();
  }

  vaultIdsInUse(): Set<string> {
    return new Set(this.db.prepare(VAULT_IDS_IN_USE).pluck().all() as string[]);
  }

  sealedVaultIds(limit: number): string[] {
    return this.db.prepare('SELECT vault_id FROM documents WHERE purged_at IS NULL UNION ALL SELECT vault_id FROM triage_documents WHERE purged_at IS NULL LIMIT ?').pluck().all(limit) as string[];
  }

  /** Whether anything was ever sealed: then a missing or new key must never be generated over it. */
  hasSealedDocuments(): boolean {
    return this.db.prepare('SELECT EXISTS (SELECT 1 FROM documents) OR EXISTS (SELECT 1 FROM triage_documents)').pluck().get() === 1;
  }
}
