import type { Clock } from '../clock';
import type { Db } from './database';

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

  /** The first record; false when another process recorded one first. */
  record(fingerprint: string, receiptKeyVaultId: string): boolean {
    const { changes } = this.db
      .prepare('INSERT INTO vault_key (id, fingerprint, receipt_key_vault_id, recorded_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(fingerprint, receiptKeyVaultId, this.clock.now().toISOString());
    return changes === 1;
  }

  startRotation(to: string): void {
    this.db.prepare('UPDATE vault_key SET rotating_to = ? WHERE id = 1').run(to);
  }

  finishRotation(to: string): void {
    this.db.prepare('UPDATE vault_key SET fingerprint = ?, rotating_to = NULL, recorded_at = ? WHERE id = 1 AND rotating_to = ?').run(to, this.clock.now().toISOString(), to);
  }

  /** Every vault file a committed row names: documents, triage documents, the receipt key. */
  /** The vault files rows still name; a document removed by retention names none. */
  vaultIdsInUse(): Set<string> {
    const rows = this.db
      .prepare('SELECT vault_id FROM documents WHERE purged_at IS NULL UNION ALL SELECT vault_id FROM triage_documents WHERE purged_at IS NULL UNION ALL SELECT receipt_key_vault_id FROM vault_key')
      .pluck()
      .all() as string[];
    return new Set(rows);
  }

  sealedVaultIds(limit: number): string[] {
    return this.db.prepare('SELECT vault_id FROM documents WHERE purged_at IS NULL UNION ALL SELECT vault_id FROM triage_documents WHERE purged_at IS NULL LIMIT ?').pluck().all(limit) as string[];
  }

  /** Whether anything was ever sealed: then a missing or new key must never be generated over it. */
  hasSealedDocuments(): boolean {
    return this.db.prepare('SELECT EXISTS (SELECT 1 FROM documents) OR EXISTS (SELECT 1 FROM triage_documents)').pluck().get() === 1;
  }
}
