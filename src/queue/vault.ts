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
  /** Removes files last written before `before` that no committed row names (a crash left them behind). */
  removeUnreferenced(referenced: Set<string>, before: Date): Promise<number>;
}

export function createFileVault(directory: string, key: Buffer): Vault {
  if (key.length !== 32) throw new Error('the vault key must be 32 bytes');
  const pathOf = (id: string) => {
    if (!/^[a-f0-9]{32}$/.test(id)) throw new Error(`not a vault id: ${id}`);
    return join(directory, `${id}.bin`);
  };

  return {
    async put(content) {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const id = randomBytes(16).toString('hex');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(id));
      const sealed = Buffer.concat([cipher.update(content), cipher.final()]);
      const path = pathOf(id);
      // Written whole and synced before the database row that names it is committed.
      const file = await open(`${path}.tmp`, 'wx', 0o600);
      try {
        await file.writeFile(Buffer.concat([MAGIC, iv, cipher.getAuthTag(), sealed]));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(`${path}.tmp`, path);
      return id;
    },

    async get(id) {
      const bytes = await readFile(pathOf(id));
      if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`vault file ${id} is not a vault file`);
      const iv = bytes.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
      const tag = bytes.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(bytes.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
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
