import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Clock } from '../clock';
import type { Db } from './database';
import { VaultKeyRecord, type RecordedVaultKey } from './vault-key-record';
import { keyFilePath, keyFingerprint, readKeyFile, writeKeyFile } from './vault-keys';

const MANIFEST = 'manifest.json';
const DATABASE = 'cancel-desk.db';
const FORMAT = 'cancel-desk-backup/1';

/** What a backup holds, written last: a folder without it is no (complete) backup. */
export interface BackupManifest {
  format: typeof FORMAT;
  createdAt: string;
  /** The vault key the documents are sealed under, by fingerprint; restore checks the key against it. */
  keyFingerprint: string;
  /** Whether `vault.key` is in the backup (`--include-key`); otherwise the key must be kept elsewhere. */
  includesKey: boolean;
  vaultFiles: { id: string; sha256: string }[];
}

export type BackupOutcome = { ok: true; manifest: BackupManifest } | { ok: false; reason: 'target_not_empty' | 'rotating' | 'not_a_backup' | 'wrong_key' | 'no_key' | 'damaged'; message: string };

/**
 * A consistent copy while the daemon runs: SQLite's online backup is one snapshot, and the vault
 * files copied are those that snapshot names. A vault file is written before the row that names it
 * commits, so a document added during the copy is either wholly in (row and file) or wholly out.
 */
export async function backupDataDir(settings: { db: Db; dataDir: string; target: string; key: Buffer; includeKey: boolean; clock: Clock }): Promise<BackupOutcome> {
  const { target } = settings;
  if (!(await isEmptyOrMissing(target))) return { ok: false, reason: 'target_not_empty', message: `${target} is not empty: name a new folder for the backup` };
  await fs.mkdir(join(target, 'vault'), { recursive: true, mode: 0o700 });
  const copy = join(target, DATABASE);
  await settings.db.backup(copy);
  await fs.chmod(copy, 0o600);
  const snapshot = new Database(copy);
  let ids: Set<string>;
  let recorded: RecordedVaultKey;
  try {
    // One file to keep, not three: the copy leaves WAL mode.
    snapshot.pragma('journal_mode = DELETE');
    const record = new VaultKeyRecord(snapshot, settings.clock);
    ids = record.vaultIdsInUse();
    // The app that runs the backup has recorded its key.
    recorded = record.current()!;
  } finally {
    snapshot.close();
  }
  if (recorded.rotatingTo !== null) {
    await fs.rm(target, { recursive: true, force: true });
    return { ok: false, reason: 'rotating', message: 'a vault key rotation started during the backup: finish it (cancel-desk vault rotate-key), then back up again' };
  }
  const fingerprint = recorded.fingerprint;
  const vaultFiles: BackupManifest['vaultFiles'] = [];
  for (const id of ids) {
    const into = join(target, 'vault', `${id}.bin`);
    await fs.copyFile(join(settings.dataDir, 'vault', `${id}.bin`), into);
    await fs.chmod(into, 0o600);
    vaultFiles.push({ id, sha256: await sha256Of(into) });
  }
  if (settings.includeKey) await writeKeyFile(join(target, 'vault.key'), settings.key, { replace: true });
  const manifest: BackupManifest = { format: FORMAT, createdAt: settings.clock.now().toISOString(), keyFingerprint: fingerprint, includesKey: settings.includeKey, vaultFiles };
  await fs.writeFile(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { ok: true, manifest };
}

/**
 * Into an empty (or missing) DATA_DIR only, and only with the key the backup was sealed under (from
 * the backup when it holds one, else VAULT_KEY). Assembled beside DATA_DIR and renamed into place,
 * so a restore that fails leaves nothing half-restored.
 */
export async function restoreDataDir(settings: { source: string; dataDir: string; configuredKey: Buffer | null }): Promise<BackupOutcome> {
  const { source, dataDir } = settings;
  const manifest = await readManifest(source);
  if (manifest === null) return { ok: false, reason: 'not_a_backup', message: `${source} is not a complete cancel-desk backup (no ${MANIFEST})` };
  if (!(await isEmptyOrMissing(dataDir))) return { ok: false, reason: 'target_not_empty', message: `${dataDir} is not empty: restore only into an empty DATA_DIR` };
  const fromBackup = manifest.includesKey ? await readKeyFile(join(source, 'vault.key')) : null;
  const key = settings.configuredKey ?? (fromBackup?.ok ? fromBackup.key : null);
  if (key === null) {
    return { ok: false, reason: 'no_key', message: `the backup holds no key: set VAULT_KEY to the key with fingerprint ${manifest.keyFingerprint} (the one the desk ran with)` };
  }
  if (keyFingerprint(key) !== manifest.keyFingerprint) {
    return {
      ok: false,
      reason: 'wrong_key',
      message: `the key ${settings.configuredKey ? 'in VAULT_KEY' : 'in the backup'} has fingerprint ${keyFingerprint(key)}, but the backup was sealed under ${manifest.keyFingerprint}: nothing was restored`,
    };
  }
  for (const { id, sha256 } of manifest.vaultFiles) {
    const actual = await sha256Of(join(source, 'vault', `${id}.bin`)).catch(() => null);
    if (actual !== sha256) return { ok: false, reason: 'damaged', message: `vault file ${id} in the backup is ${actual === null ? 'missing' : 'damaged'}: nothing was restored` };
  }

  const staging = join(dirname(dataDir), `.${basename(dataDir)}.restoring-${randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(join(staging, 'vault'), { recursive: true, mode: 0o700 });
    await fs.copyFile(join(source, DATABASE), join(staging, DATABASE));
    await fs.chmod(join(staging, DATABASE), 0o600);
    for (const { id } of manifest.vaultFiles) {
      await fs.copyFile(join(source, 'vault', `${id}.bin`), join(staging, 'vault', `${id}.bin`));
      await fs.chmod(join(staging, 'vault', `${id}.bin`), 0o600);
    }
    if (settings.configuredKey === null) await writeKeyFile(keyFilePath(staging), key, { replace: false });
    await fs.rmdir(dataDir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    await fs.rename(staging, dataDir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { ok: true, manifest };
}

async function readManifest(source: string): Promise<BackupManifest | null> {
  try {
    const manifest = JSON.parse(await fs.readFile(join(source, MANIFEST), 'utf8')) as BackupManifest;
    return manifest.format === FORMAT ? manifest : null;
  } catch {
    return null;
  }
}

async function isEmptyOrMissing(directory: string): Promise<boolean> {
  try {
    return (await fs.readdir(directory)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(path)).digest('hex');
}
