import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/queue/database';
import { DocumentKeys } from '../../src/queue/document-keys';
import { createFileVault, keyFingerprint, wrapDataKey, type FileVault } from '../../src/queue/vault';
import { oldFormatFile } from '../support/old-format-vault';

const anHourAgo = () => new Date(Date.now() - 60 * 60 * 1000);

/** A vault folder and the database that keeps its data keys. */
function place() {
  const dir = mkdtempSync(join(tmpdir(), 'cancel-desk-vault-'));
  const keys = new DocumentKeys(openDatabase(join(dir, 'keys.db')));
  return { dir, keys, vault: (key: Buffer, rotatingKeys: Buffer[] = []) => createFileVault(join(dir, 'vault'), keys, key, rotatingKeys) };
}
const fileOf = (dir: string, id: string) => join(dir, 'vault', `${id}.bin`);

/** Seals and commits the data key, as the row that names the file would. */
async function stored(vault: FileVault, keys: DocumentKeys, content: Buffer): Promise<string> {
  const { vaultId, dataKey } = await vault.put(content);
  keys.record(vaultId, dataKey);
  return vaultId;
}

it('gives back exactly what was sealed', async () => {
  const { keys, vault } = place();
  const opened = vault(randomBytes(32));
  const content = randomBytes(5000);
  expect(await opened.get(await stored(opened, keys, content))).toEqual(content);
});

it('never writes the document in the clear', async () => {
  const { dir, keys, vault } = place();
  const id = await stored(vault(randomBytes(32)), keys, Buffer.from('PASSPORT NUMBER E12345678 '.repeat(20)));
  expect(readFileSync(fileOf(dir, id)).includes(Buffer.from('PASSPORT'))).toBe(false);
});

it('keeps each data key only wrapped under the vault key it names', async () => {
  const { keys, vault } = place();
  const key = randomBytes(32);
  const id = await stored(vault(key), keys, Buffer.from('id card'));
  expect(keys.find(id)).toMatchObject({ under: keyFingerprint(key), oldFormat: false });
  expect(keys.find(id)!.wrapped).toHaveLength(12 + 16 + 32);
});

it('refuses to open a document with another vault key', async () => {
  const { keys, vault } = place();
  const id = await stored(vault(randomBytes(32)), keys, Buffer.from('id card'));
  await expect(vault(randomBytes(32)).get(id)).rejects.toThrow(/wrapped under the vault key [0-9a-f]{16}, which is not this one/);
});

it('refuses a sealed file moved under another id', async () => {
  const { dir, keys, vault } = place();
  const opened = vault(randomBytes(32));
  const [first, second] = [await stored(opened, keys, Buffer.from('first')), await stored(opened, keys, Buffer.from('second'))];
  writeFileSync(fileOf(dir, second), readFileSync(fileOf(dir, first)));
  await expect(opened.get(second)).rejects.toThrow();
});

it('refuses a wrapped data key moved to another document', async () => {
  const { keys, vault } = place();
  const opened = vault(randomBytes(32));
  const first = await opened.put(Buffer.from('first'));
  const second = await opened.put(Buffer.from('second'));
  keys.record(second.vaultId, first.dataKey);
  await expect(opened.get(second.vaultId)).rejects.toThrow();
});

it('a file whose data key was never committed opens under no key: a crash before the row leaves only garbage', async () => {
  const { vault } = place();
  const key = randomBytes(32);
  const { vaultId } = await vault(key).put(Buffer.from('id card'));
  await expect(vault(key).get(vaultId)).rejects.toThrow(/has no data key/);
});

it('once its data key is destroyed, a copy of the file taken before opens under no key', async () => {
  const { dir, keys, vault } = place();
  const key = randomBytes(32);
  const opened = vault(key);
  const id = await stored(opened, keys, Buffer.from('PASSPORT E12345678'));
  const copy = readFileSync(fileOf(dir, id));
  keys.destroy([id]);
  writeFileSync(fileOf(dir, id), copy);
  await expect(opened.get(id)).rejects.toThrow(/has no data key/);
  // Nor does the vault key open the bytes directly, as it would a file of the old format.
  writeFileSync(fileOf(dir, id), Buffer.concat([Buffer.from('CDV1'), copy.subarray(4)]));
  await expect(opened.get(id)).rejects.toThrow();
});

it('housekeeping removes only stale files no committed row names, and half-written ones', async () => {
  const { dir, keys, vault } = place();
  const opened = vault(randomBytes(32));
  const [kept, orphan, fresh] = [await stored(opened, keys, Buffer.from('kept')), (await opened.put(Buffer.from('orphan'))).vaultId, await stored(opened, keys, Buffer.from('fresh'))];
  const halfWritten = [`${'a'.repeat(32)}.bin.tmp`, `${kept}.bin.0badcafe.tmp`];
  for (const name of halfWritten) writeFileSync(join(dir, 'vault', name), 'half written');
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  for (const name of [`${kept}.bin`, `${orphan}.bin`, ...halfWritten]) utimesSync(join(dir, 'vault', name), old, old);

  expect(await opened.removeUnreferenced(new Set([kept]), anHourAgo())).toBe(3);
  expect(readdirSync(join(dir, 'vault')).sort()).toEqual([`${fresh}.bin`, `${kept}.bin`].sort());
});

describe('files of the old format, sealed directly under the vault key', () => {
  async function oldFile(dir: string, key: Buffer, content: Buffer): Promise<string> {
    const id = randomBytes(16).toString('hex');
    writeFileSync(fileOf(dir, id), oldFormatFile(key, id, content));
    return id;
  }

  it('still open, under the current key or one a rotation moves to', async () => {
    const { dir, keys, vault } = place();
    const [current, next] = [randomBytes(32), randomBytes(32)];
    await stored(vault(current), keys, Buffer.from('makes the folder'));
    const id = await oldFile(dir, next, Buffer.from('id card'));
    expect(await vault(current, [next]).get(id)).toEqual(Buffer.from('id card'));
    await expect(vault(current).get(id)).rejects.toThrow();
  });

  it('are sealed again under a data key of their own, and then the vault key alone no longer opens the file', async () => {
    const { dir, keys, vault } = place();
    const key = randomBytes(32);
    const opened = vault(key);
    await stored(opened, keys, Buffer.from('makes the folder'));
    const id = await oldFile(dir, key, Buffer.from('id card'));
    await opened.upgrade(id);
    expect(readFileSync(fileOf(dir, id)).subarray(0, 4).toString()).toBe('CDV2');
    expect(keys.find(id)).toMatchObject({ under: keyFingerprint(key), oldFormat: false });
    expect(await opened.get(id)).toEqual(Buffer.from('id card'));
    keys.destroy([id]);
    await expect(opened.get(id)).rejects.toThrow(/has no data key/);
  });

  it('two processes upgrading one file at once both finish, and the file opens', async () => {
    const { dir, keys, vault } = place();
    const key = randomBytes(32);
    await stored(vault(key), keys, Buffer.from('makes the folder'));
    const id = await oldFile(dir, key, Buffer.from('id card'));
    await Promise.all([vault(key).upgrade(id), vault(key).upgrade(id)]);
    expect(await vault(key).get(id)).toEqual(Buffer.from('id card'));
    expect(readdirSync(join(dir, 'vault')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('an upgrade that stopped after recording the data key leaves the file readable, and a rerun finishes it', async () => {
    const { dir, keys, vault } = place();
    const key = randomBytes(32);
    const opened = vault(key);
    await stored(opened, keys, Buffer.from('makes the folder'));
    const id = await oldFile(dir, key, Buffer.from('id card'));
    // As the upgrade records it, before replacing the file.
    const recorded = wrapDataKey(key, id, randomBytes(32));
    keys.beginUpgrade(id, recorded);
    expect(await opened.get(id)).toEqual(Buffer.from('id card'));
    await opened.upgrade(id);
    expect(readFileSync(fileOf(dir, id)).subarray(0, 4).toString()).toBe('CDV2');
    expect(await opened.get(id)).toEqual(Buffer.from('id card'));
    expect(keys.find(id)).toEqual({ ...recorded, oldFormat: false });
    expect(keys.find(id)!.oldFormat).toBe(false);
  });
});

it('makes its folder again when it was removed while the desk runs', async () => {
  const { dir, keys, vault } = place();
  const opened = vault(randomBytes(32));
  await stored(opened, keys, Buffer.from('first'));
  rmSync(join(dir, 'vault'), { recursive: true });
  expect(await opened.get(await stored(opened, keys, Buffer.from('second')))).toEqual(Buffer.from('second'));
});
