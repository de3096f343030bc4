import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { Mailbox } from '../mailbox/mailbox';
import type { RetentionStore } from '../queue/retention-store';
import type { Vault } from '../queue/vault';

export interface RetentionDependencies {
  store: RetentionStore;
  vault: Vault;
  mailbox: () => Promise<Mailbox>;
  clock: Clock;
  log: Logger;
  days: number;
  purgeImapProcessed: boolean;
  /** Files that name customers and age out with them: the embedded outgoing mail, quarantined mail. */
  folders: string[];
}

export interface RetentionSummary {
  dryRun: boolean;
  /** Decided before this instant: their documents and mail texts go. */
  cutoff: string;
  requests: string[];
  unsortedMail: string[];
  documents: number;
  files: number;
  imapProcessed: number;
}

/**
 * Forgets what retention covers: each expired request's or unsorted mail's documents, their data
 * keys and its texts in its own committed transaction first (from then on no copy of those files
 * opens), then its vault files (a crash in between leaves files no row names, which housekeeping
 * removes). A dry run says what would go and changes nothing.
 */
export async function purgeExpired(deps: RetentionDependencies, dryRun: boolean): Promise<RetentionSummary> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.days * 86_400_000);
  const expired = deps.store.expired(cutoff.toISOString());
  const summary: RetentionSummary = {
    dryRun,
    cutoff: cutoff.toISOString(),
    requests: expired.filter((item) => item.kind === 'request').map((item) => item.label),
    unsortedMail: expired.filter((item) => item.kind === 'triage').map((item) => item.label),
    documents: expired.reduce((sum, item) => sum + item.vaultIds.length, 0),
    files: 0,
    imapProcessed: 0,
  };
  for (const folder of deps.folders) summary.files += await removeOlderThan(folder, cutoff, dryRun);
  if (dryRun) return summary;
  for (const item of expired) {
    deps.store.purge(item, deps.days);
    for (const id of item.vaultIds) await deps.vault.remove(id);
  }
  if (deps.purgeImapProcessed) summary.imapProcessed = (await (await deps.mailbox()).purgeProcessed?.(cutoff)) ?? 0;
  deps.log.info('retention_purged', { cutoff: summary.cutoff, requests: summary.requests.length, unsortedMail: summary.unsortedMail.length, documents: summary.documents, files: summary.files, imapProcessed: summary.imapProcessed });
  return summary;
}

/** Files (not folders) last written before `before`; a folder that does not exist holds none. */
async function removeOlderThan(folder: string, before: Date, dryRun: boolean): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(folder, entry.name);
    if ((await stat(path)).mtime >= before) continue;
    if (!dryRun) await rm(path, { force: true });
    removed++;
  }
  return removed;
}
