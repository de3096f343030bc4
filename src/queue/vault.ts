import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const MAGIC = Buffer.from('CDV1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** ID documents at rest: AES-256-GCM, one file each, authenticated against its own id. */
export interface Vault {
  put(content: Buffer): Promise<string>;
  get(id: string): Promise<Buffer>;
  /**
   * Seals the document again under the current key when it opens only under a former one (a key
   * rotation); true when it did. The file is replaced whole, so a crash leaves it under one key or the other.
   */
  reseal(id: string): Promise<boolean>;
  /** Removes one sealed document for good (retention); a file already gone is no error. */
  remove(id: string): Promise<void>;
  /** Removes files last written before `before` that no committed row names (a crash left them behind). */
  removeUnreferenced(referenced: Set<string>, before: Date): Promise<number>;
}

/** `formerKeys`: keys documents may still be sealed under while a rotation runs; only `key` seals. */
export function createFileVault(directory: string, key: Buffer, formerKeys: Buffer[] = []): Vault {
  if ([key, ...formerKeys].some((candidate) => candidate.length !== 32)) throw new Error('the vault key must be 32 bytes');
  const pathOf = (id: string) => {
    if (!/^[a-f0-9]{32}$/.test(id)) throw new Error(`not a vault id: ${id}`);
    return join(directory, `${id}.bin`);
  };

  async function write(id: string, content: Buffer): Promise<void> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const sealed = Buffer.concat([cipher.update(content), cipher.final()]);
    const path = pathOf(id);
    // Written whole and synced before the database row that names it is committed.
    const file = await open(`${path}.tmp`, 'w', 0o600);
    try {
      await file.writeFile(Buffer.concat([MAGIC, iv, cipher.getAuthTag(), sealed]));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(`${path}.tmp`, path);
    await syncDirectory(directory);
  }

  async function open_(id: string): Promise<{ content: Buffer; key: Buffer }> {
    const bytes = await readFile(pathOf(id));
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`vault file ${id} is not a vault file`);
    const iv = bytes.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = bytes.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
    let failure: unknown;
    for (const candidate of [key, ...formerKeys]) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', candidate, iv);
        decipher.setAAD(Buffer.from(id));
        decipher.setAuthTag(tag);
        return { content: Buffer.concat([decipher.update(bytes.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]), key: candidate };
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  return {
    async put(content) {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const id = randomBytes(16).toString('hex');
      await write(id, content);
      return id;
    },

    async get(id) {
      return (await open_(id)).content;
    },

    async reseal(id) {
      const opened = await open_(id);
      if (opened.key === key) return false;
      await write(id, opened.content);
      return true;
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
        const id = /^([a-f0-9]{32})\.bin(\.tmp)?$/.exec(name);
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

/** A rename is durable only once the folder that holds the new name is synced. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
