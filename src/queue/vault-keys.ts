import { hkdfSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../log';
import type { DocumentKeys } from './document-keys';
import { createFileVault, keyFingerprint, syncDirectory, unwrapDataKey, wrapDataKey, type FileVault } from './vault';
import type { VaultKeyRecord } from './vault-key-record';

export { keyFingerprint };

/** A vault key that does not fit the documents: start-up stops with this message, naming what to do. */
export class VaultKeyError extends Error {}

/** The key file of the embedded default, and where a rotation keeps the next key until it is done. */
export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'vault.key');
}
const nextKeyFilePath = (dataDir: string) => `${keyFilePath(dataDir)}.next`;

/** The file operations a key file is written with; a test injects a failing one (a full disk). */
export type KeyFileSystem = Pick<typeof fs, 'open' | 'link' | 'rename' | 'rm'>;

export type KeyFileRead = { ok: true; key: Buffer } | { ok: false; reason: 'missing' | 'malformed'; detail: string };

export async function readKeyFile(path: string): Promise<KeyFileRead> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', detail: 'there is no such file' };
    throw error;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length === 32) return { ok: true, key };
  return { ok: false, reason: 'malformed', detail: text.trim() === '' ? 'it is empty' : `it holds ${key.length} bytes, not 32 in base64` };
}

/**
 * Writes the key whole or not at all: a temporary file in the same folder, synced, then given its
 * name, then the folder synced. `replace: false` never overwrites a key another process wrote first
 * (false is returned then). A failed write (a full disk) leaves no key file behind.
 */
export async function writeKeyFile(path: string, key: Buffer, options: { replace: boolean; io?: KeyFileSystem }): Promise<boolean> {
  const io = options.io ?? fs;
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await io.open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(`${key.toString('base64')}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    if (options.replace) {
      await io.rename(temporary, path);
    } else {
      try {
        await io.link(temporary, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    }
    await syncDirectory(dirname(path));
    return true;
  } finally {
    await io.rm(temporary, { force: true });
  }
}

export interface UnlockedVault {
  key: Buffer;
  fingerprint: string;
  vault: FileVault;
  /** Receipts are signed with it; kept sealed in the vault so that it survives a key rotation. */
  receiptKey: Buffer;
  receiptKeyVaultId: string;
}

export interface UnlockSettings {
  dataDir: string;
  /** VAULT_KEY, when set; else the embedded default's key file. */
  configuredKey: Buffer | null;
  record: VaultKeyRecord;
  keys: DocumentKeys;
  log: Logger;
  /**
   * Only `vault rotate-key` opens a vault whose rotation is unfinished, to finish it; documents
   * already sealed under the next key (`nextKey` with VAULT_KEY, else its file) open too.
   */
  duringRotation?: { nextKey: Buffer | null };
  io?: KeyFileSystem;
}

/**
 * The vault under the one key its documents are sealed under, or a VaultKeyError: a missing, empty
 * or different key is never a reason to generate a new one over documents sealed under another.
 * Files still in the format from before data keys are upgraded before the vault is handed out.
 */
export async function unlockVault(settings: UnlockSettings): Promise<UnlockedVault> {
  const unlocked = await unlockRecorded(settings);
  // Every file sealed since has a data key: once the old ones are done, no start need look again.
  if (!settings.record.oldFilesUpgraded()) {
    await upgradeOldFormat(unlocked.vault, settings.keys, settings.log);
    settings.record.markOldFilesUpgraded();
  }
  return unlocked;
}

async function unlockRecorded(settings: UnlockSettings): Promise<UnlockedVault> {
  const { dataDir, record, log } = settings;
  const directory = join(dataDir, 'vault');
  const source = settings.configuredKey ? 'VAULT_KEY' : keyFilePath(dataDir);
  const key = settings.configuredKey ?? (await keyFromFile(settings));
  const fingerprint = keyFingerprint(key);
  const recorded = record.current();
  const next = recorded?.rotatingTo && settings.duringRotation ? await rotationKey(dataDir, settings.configuredKey !== null, settings.duringRotation.nextKey) : null;
  const vault = createFileVault(directory, settings.keys, key, next && keyFingerprint(next) === recorded?.rotatingTo ? [next] : []);

  if (recorded === null) {
    if (record.hasSealedDocuments()) await mustOpenASealedDocument(vault, record, fingerprint, source);
    // The derivation receipts were always signed with, so receipts sent before the record stay genuine.
    const receiptKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'cancel-desk receipt verification', 32));
    const sealed = await vault.put(receiptKey);
    // Two first starts at once: the one that recorded first wins, the other checks against it.
    if (!record.record(fingerprint, sealed)) return unlockRecorded(settings);
    log.info('vault_key_recorded', { fingerprint });
    return { key, fingerprint, vault, receiptKey, receiptKeyVaultId: sealed.vaultId };
  }

  if (recorded.rotatingTo !== null && !settings.duringRotation) {
    throw new VaultKeyError(
      `a vault key rotation (from ${recorded.fingerprint} to ${recorded.rotatingTo}) is unfinished: run \`cancel-desk vault rotate-key\` again to finish it, with the same key source`,
    );
  }
  if (fingerprint !== recorded.fingerprint) {
    const finished = settings.configuredKey ? null : await finishedRotation(dataDir, recorded.fingerprint, log);
    if (finished) return unlockRecorded(settings);
    throw new VaultKeyError(
      `the vault key from ${source} has fingerprint ${fingerprint}, but the documents in ${dataDir} are sealed under the key with fingerprint ${recorded.fingerprint}: ` +
        'put that key back (restore vault.key from your backup, or set VAULT_KEY to it); nothing was changed',
    );
  }
  return { key, fingerprint, vault, receiptKey: await vault.get(recorded.receiptKeyVaultId), receiptKeyVaultId: recorded.receiptKeyVaultId };
}

/**
 * Files sealed directly under the vault key (before data keys) are sealed again each under a data
 * key of its own; a crash midway leaves every file readable and the next start goes on. A file
 * already missing stays missing (and is said so); anything else stops the start.
 */
async function upgradeOldFormat(vault: FileVault, keys: DocumentKeys, log: Logger): Promise<void> {
  const pending = keys.awaitingUpgrade();
  if (pending.length === 0) return;
  log.info('vault_upgrade_started', { files: pending.length });
  let upgraded = 0;
  for (const id of pending) {
    try {
      await vault.upgrade(id);
      upgraded++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      log.warn('vault_file_missing', { vaultId: id });
    }
  }
  log.info('vault_upgraded', { files: upgraded });
}

/** The embedded default's key file; generated only while nothing is sealed and no key was recorded. */
async function keyFromFile(settings: UnlockSettings): Promise<Buffer> {
  const { dataDir, record, log } = settings;
  const path = keyFilePath(dataDir);
  const read = await readKeyFile(path);
  if (read.ok) return read.key;
  const recorded = record.current();
  if (recorded !== null || record.hasSealedDocuments()) {
    const sealedUnder = recorded ? `the key with fingerprint ${recorded.fingerprint}` : 'a key';
    throw new VaultKeyError(
      `${path} is ${read.reason === 'missing' ? 'missing' : `not a vault key (${read.detail})`}, but documents in ${dataDir} are sealed under ${sealedUnder}: ` +
        'restore vault.key from your backup (or set VAULT_KEY to that key); a new key would leave every document unreadable, so none was generated',
    );
  }
  // Nothing sealed yet: a key file left empty or partial by an interrupted first start protects nothing.
  const key = randomBytes(32);
  if (!(await writeKeyFile(path, key, { replace: read.reason === 'malformed', io: settings.io }))) return keyFromFile(settings);
  log.warn('vault_key_generated', {
    path,
    replaced: read.reason === 'malformed' ? `the file was not a key (${read.detail}) and nothing was sealed yet` : null,
    advice: 'back this file up (or keep the key elsewhere as VAULT_KEY): without it the stored ID documents cannot be read',
  });
  return key;
}

/** The key an unfinished rotation moves to: the one given again with VAULT_KEY, else the next key file. */
async function rotationKey(dataDir: string, configured: boolean, given: Buffer | null): Promise<Buffer | null> {
  if (configured) return given;
  const read = await readKeyFile(nextKeyFilePath(dataDir));
  return read.ok ? read.key : null;
}

/** A database from before fingerprints were recorded: the key must open what is already sealed. */
async function mustOpenASealedDocument(vault: FileVault, record: VaultKeyRecord, fingerprint: string, source: string): Promise<void> {
  const [sample] = record.sealedVaultIds(1);
  try {
    await vault.get(sample);
  } catch {
    throw new VaultKeyError(`the vault key from ${source} (fingerprint ${fingerprint}) does not open the documents already sealed: put the key they were sealed under back; nothing was changed`);
  }
}

/** A rotation that committed but crashed before the new key file took its name: give it the name. */
async function finishedRotation(dataDir: string, recordedFingerprint: string, log: Logger): Promise<boolean> {
  const next = await readKeyFile(nextKeyFilePath(dataDir));
  if (!next.ok || keyFingerprint(next.key) !== recordedFingerprint) return false;
  await fs.rename(nextKeyFilePath(dataDir), keyFilePath(dataDir));
  await syncDirectory(dataDir);
  log.warn('vault_key_rotation_completed', { fingerprint: recordedFingerprint });
  return true;
}

export interface RotationSettings {
  dataDir: string;
  current: UnlockedVault;
  /** With VAULT_KEY the operator brings the new key (and sets VAULT_KEY to it after); else one is generated. */
  newKey: Buffer | null;
  configured: boolean;
  record: VaultKeyRecord;
  keys: DocumentKeys;
  log: Logger;
  /** Data keys rewrapped per transaction. */
  batchSize?: number;
}

/**
 * Wraps every data key (the documents' and the receipt key's) again under a new vault key; the
 * files are not touched. Resumable: the next key is kept (its file, or its fingerprint for
 * VAULT_KEY) before any data key is, each batch commits whole, and a rerun takes only the data keys
 * not yet wrapped under the new key. The new key is recorded only once none is left under another.
 */
export async function rotateVaultKey(settings: RotationSettings): Promise<{ from: string; to: string; rewrapped: number; resumed: boolean }> {
  const { dataDir, current, record, log } = settings;
  const recorded = record.current()!;
  const resumed = recorded.rotatingTo !== null;
  let newKey: Buffer;
  if (resumed) {
    const next = await rotationKey(dataDir, settings.configured, settings.newKey);
    if (next === null || keyFingerprint(next) !== recorded.rotatingTo) {
      throw new VaultKeyError(
        settings.configured
          ? `the unfinished rotation moves to the key with fingerprint ${recorded.rotatingTo}: give that key again on standard input`
          : `the unfinished rotation moves to the key with fingerprint ${recorded.rotatingTo}, but ${nextKeyFilePath(dataDir)} does not hold it: restore that file`,
      );
    }
    newKey = next;
  } else {
    newKey = settings.newKey ?? randomBytes(32);
    if (keyFingerprint(newKey) === current.fingerprint) throw new VaultKeyError('the new key is the current key: give a new one');
    if (!settings.configured) await writeKeyFile(nextKeyFilePath(dataDir), newKey, { replace: true });
    record.startRotation(keyFingerprint(newKey));
  }
  const to = keyFingerprint(newKey);
  log.info('vault_key_rotation_started', { from: current.fingerprint, to, resumed });
  const vaultKeys = new Map([current.key, newKey].map((key) => [keyFingerprint(key), key]));
  const unwrap = (vaultId: string, key: { wrapped: Buffer; under: string }) => {
    const under = vaultKeys.get(key.under);
    if (!under) throw new VaultKeyError(`the data key of vault file ${vaultId} is wrapped under the vault key ${key.under}, neither ${current.fingerprint} nor ${to}`);
    return unwrapDataKey(under, vaultId, key);
  };
  const batchSize = settings.batchSize ?? 500;
  let rewrapped = 0;
  do {
    let batch;
    while ((batch = settings.keys.wrappedOtherThan(to, batchSize)).length > 0) {
      settings.keys.rewrap(batch.map(({ vaultId, key }) => ({ vaultId, key: wrapDataKey(newKey, vaultId, unwrap(vaultId, key)) })));
      rewrapped += batch.length;
    }
    // A document sealed meanwhile under the old key (a daemon left running) is rewrapped too.
  } while (!record.finishRotation(to));
  if (!settings.configured) {
    await fs.rename(nextKeyFilePath(dataDir), keyFilePath(dataDir));
    await syncDirectory(dataDir);
  }
  log.info('vault_key_rotated', { from: current.fingerprint, to, rewrapped });
  return { from: current.fingerprint, to, rewrapped, resumed };
}
