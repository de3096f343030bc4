import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DocumentKeys, WrappedDataKey } from './document-keys';

/** A file sealed under its own data key, which the database keeps wrapped under the vault key. */
const FORMAT = Buffer.from('CDV2');
/** A file sealed directly under the vault key, as written before data keys: still opened, upgraded at start. */
const OLD_FORMAT = Buffer.from('CDV1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Names a key without revealing it: the first 16 hex digits of HMAC-SHA256 of a fixed label under the key. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('cancel-desk vault key fingerprint').digest('hex').slice(0, 16);
}

/** AES-256-GCM, laid out as IV, tag, ciphertext; `context` authenticates what the bytes are for. */
function seal(key: Buffer, context: string, content: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const sealed = Buffer.concat([cipher.update(content), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

function unseal(key: Buffer, context: string, bytes: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

// Bound to the file's id, and distinct from a file's own context, so that no wrapped key opens as (or for) anything else.
const dataKeyContext = (vaultId: string) => `cancel-desk data key ${vaultId}`;

export function wrapDataKey(vaultKey: Buffer, vaultId: string, dataKey: Buffer): WrappedDataKey {
  return { wrapped: seal(vaultKey, dataKeyContext(vaultId), dataKey), under: keyFingerprint(vaultKey) };
}

export function unwrapDataKey(vaultKey: Buffer, vaultId: string, key: WrappedDataKey): Buffer {
  return unseal(vaultKey, dataKeyContext(vaultId), key.wrapped);
}

/** A file just sealed: its data key is committed with the row that names it (DocumentKeys), or the file is garbage. */
export interface SealedFile {
  vaultId: string;
  dataKey: WrappedDataKey;
}

/** ID documents at rest: AES-256-GCM, one file each under its own data key, authenticated against its own id. */
export interface Vault {
  put(content: Buffer): Promise<SealedFile>;
  get(id: string): Promise<Buffer>;
  /** Removes one sealed document's file (retention, once its data key is destroyed); a file already gone is no error. */
  remove(id: string): Promise<void>;
  /** Removes files last written before `before` that no committed row names (a crash left them behind). */
  removeUnreferenced(referenced: Set<string>, before: Date): Promise<number>;
}

export interface FileVault extends Vault {
  /**
   * Seals a file of the old format again under a data key of its own: the key is recorded first
   * (marked old format), then the file replaced whole, then the mark cleared, so a crash anywhere
   * leaves a file that opens and an upgrade that a rerun finishes.
   */
  upgrade(id: string): Promise<void>;
}

/**
 * `key` wraps the data keys of new files; `rotatingKeys` are vault keys data keys may still (or
 * already) be wrapped under while a rotation runs.
 */
export function createFileVault(directory: string, keys: DocumentKeys, key: Buffer, rotatingKeys: Buffer[] = []): FileVault {
  if ([key, ...rotatingKeys].some((candidate) => candidate.length !== 32)) throw new Error('the vault key must be 32 bytes');
  const vaultKeys = new Map([key, ...rotatingKeys].map((candidate) => [keyFingerprint(candidate), candidate]));
  const pathOf = (id: string) => {
    if (!/^[a-f0-9]{32}$/.test(id)) throw new Error(`not a vault id: ${id}`);
    return join(directory, `${id}.bin`);
  };

  async function write(id: string, dataKey: Buffer, content: Buffer): Promise<void> {
    const path = pathOf(id);
    // Its own temporary name: two processes upgrading one file at once never write into each other's.
    const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    // Written whole and synced before the database row that names it is committed. Written with
    // synchronous calls (for a small file an asynchronous one costs many times the CPU, the hand-off
    // to libuv's thread pool), synced with an asynchronous one: the wait for the disk is long, and
    // intake analyses the next mail meanwhile.
    const file = openSync(temporary, 'wx', 0o600);
    try {
      writeFileSync(file, Buffer.concat([FORMAT, seal(dataKey, id, content)]));
      await syncFile(file);
    } finally {
      closeSync(file);
    }
    renameSync(temporary, path);
    await syncDirectory(directory);
  }

  function dataKeyOf(id: string): Buffer {
    const recorded = keys.find(id);
    if (recorded === null) throw new Error(`vault file ${id} has no data key: retention destroyed it, or no committed row ever named the file`);
    const vaultKey = vaultKeys.get(recorded.under);
    if (!vaultKey) throw new Error(`the data key of vault file ${id} is wrapped under the vault key ${recorded.under}, which is not this one`);
    return unwrapDataKey(vaultKey, id, recorded);
  }

  async function get(id: string): Promise<Buffer> {
    const bytes = await readFile(pathOf(id));
    const magic = bytes.subarray(0, FORMAT.length);
    if (magic.equals(FORMAT)) return unseal(dataKeyOf(id), id, bytes.subarray(FORMAT.length));
    if (!magic.equals(OLD_FORMAT)) throw new Error(`vault file ${id} is not a vault file`);
    let failure: unknown;
    for (const candidate of vaultKeys.values()) {
      try {
        return unseal(candidate, id, bytes.subarray(OLD_FORMAT.length));
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  return {
    async put(content) {
      const id = randomBytes(16).toString('hex');
      const dataKey = randomBytes(32);
      // The folder is made when a write finds it missing, not asked for before every document.
      await write(id, dataKey, content).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(directory, { recursive: true, mode: 0o700 });
        await write(id, dataKey, content);
      });
      return { vaultId: id, dataKey: wrapDataKey(key, id, dataKey) };
    },

    get,

    async upgrade(id) {
      const content = await get(id);
      if (keys.find(id) === null) keys.beginUpgrade(id, wrapDataKey(key, id, randomBytes(32)));
      await write(id, dataKeyOf(id), content);
      keys.upgraded(id);
    },

    async remove(id) {
      await rm(pathOf(id), { force: true });
      await syncDirectory(directory);
    },

    async removeUnreferenced(referenced, before) {
      const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      let removed = 0;
      for (const name of names) {
        const id = /^([a-f0-9]{32})\.bin((?:\.[a-f0-9]{8})?\.tmp)?$/.exec(name);
        if (!id || (referenced.has(id[1]) && !id[2])) continue;
        const path = join(directory, name);
        if ((await stat(path)).mtime >= before) continue;
        await rm(path, { force: true });
        removed++;
      }
      return removed;
    },
  };
}

const syncFile = promisify(fsync);

/** A rename is durable only once the folder that holds the new name is synced. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = openSync(directory, 'r');
  try {
    await syncFile(handle);
  } finally {
    closeSync(handle);
  }
}
