import type { Clock } from '../clock';
import type { Db } from './database';
import { DocumentKeys } from './document-keys';
import type { EventLog } from './event-log';

/** Something whose documents and texts are past retention, and the vault files to remove after the commit. */
export interface Expired {
  kind: 'request' | 'triage';
  id: number;
  /** A request's reference, or an unsorted mail's id. */
  label: string;
  vaultIds: string[];
}

/** All SQL about retention: what is past it, and forgetting it in one transaction each. */
export class RetentionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  /**
   * Decided before `cutoff` and not purged yet: closed and rejected requests (an approved one waits
   * for its closure), and unsorted mail that was dismissed, answered or promoted.
   */
  expired(cutoff: string): Expired[] {
    const requests = this.db
      .prepare(
        `SELECT id, reference AS label FROM requests
         WHERE purged_at IS NULL AND ((status = 'closed' AND closed_at < @cutoff) OR (status = 'rejected' AND decided_at < @cutoff))
         ORDER BY id`,
      )
      .all({ cutoff }) as { id: number; label: string }[];
    const triage = this.db
      .prepare("SELECT id, CAST(id AS TEXT) AS label FROM triage_items WHERE purged_at IS NULL AND status <> 'open' AND settled_at < @cutoff ORDER BY id")
      .all({ cutoff }) as { id: number; label: string }[];
    // A promoted mail's documents are the request's own files: a file goes only when no row that keeps its documents names it.
    const requestFiles = this.db
      .prepare(
        `SELECT vault_id FROM documents mine WHERE request_id = ? AND purged_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM triage_documents other WHERE other.vault_id = mine.vault_id AND other.purged_at IS NULL)`,
      )
      .pluck();
    const triageFiles = this.db
      .prepare(
        `SELECT vault_id FROM triage_documents mine WHERE triage_id = ? AND purged_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM documents other WHERE other.vault_id = mine.vault_id AND other.purged_at IS NULL)`,
      )
      .pluck();
    return [
      ...requests.map((row) => ({ kind: 'request' as const, ...row, vaultIds: requestFiles.all(row.id) as string[] })),
      ...triage.map((row) => ({ kind: 'triage' as const, ...row, vaultIds: triageFiles.all(row.id) as string[] })),
    ];
  }

  /**
   * Forgets what retention covers, in one transaction: the documents are marked removed and the data
   * keys of their vault files destroyed (crypto-shred: no copy of a file opens again; the files go
   * once this commits), the mail texts are emptied, and the log says so.
   */
  purge(item: Expired, retentionDays: number): void {
    const now = this.clock.now().toISOString();
    this.db.transaction(() => {
      new DocumentKeys(this.db).destroy(item.vaultIds);
      if (item.kind === 'request') {
        this.db.prepare('UPDATE documents SET purged_at = ? WHERE request_id = ? AND purged_at IS NULL').run(now, item.id);
        this.db.prepare("UPDATE request_messages SET text = '' WHERE request_id = ? AND direction = 'in'").run(item.id);
        this.db.prepare("UPDATE requests SET body_text = '', purged_at = ? WHERE id = ?").run(now, item.id);
        this.events.append({ requestId: item.id }, 'system', 'retention_purged', { documents: item.vaultIds.length, retentionDays });
      } else {
        this.db.prepare('UPDATE triage_documents SET purged_at = ? WHERE triage_id = ? AND purged_at IS NULL').run(now, item.id);
        this.db.prepare("UPDATE triage_items SET body_text = '', own_text = '', purged_at = ? WHERE id = ?").run(now, item.id);
        this.events.append({ triageId: item.id }, 'system', 'retention_purged', { documents: item.vaultIds.length, retentionDays });
      }
    })();
  }
}
