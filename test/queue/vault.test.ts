import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileVault } from '../../src/queue/vault';

const directory = () => mkdtempSync(join(tmpdir(), 'cancel-desk-vault-'));
const anHourAgo = () => new Date(Date.now() - 60 * 60 * 1000);

it('gives back exactly what was sealed', async () => {
  const vault = createFileVault(directory(), randomBytes(32));
  const content = randomBytes(5000);
  expect(await vault.get(await vault.put(content))).toEqual(content);
});

it('never writes the document in the clear', async () => {
  const dir = directory();
  const vault = createFileVault(dir, randomBytes(32));
  const content = Buffer.from('PASSPORT NUMBER E12345678 '.repeat(20));
  const id = await vault.put(content);
  expect(readFileSync(join(dir, `${id}.bin`)).includes(Buffer.from('PASSPORT'))).toBe(false);
});

it('refuses to open a document with another key', async () => {
  const dir = directory();
  const id = await createFileVault(dir, randomBytes(32)).put(Buffer.from('id card'));
  await expect(createFileVault(dir, randomBytes(32)).get(id)).rejects.toThrow();
});

it('refuses a sealed file moved under another id', async () => {
  const dir = directory();
  const vault = createFileVault(dir, randomBytes(32));
  const [first, second] = [await vault.put(Buffer.from('first')), await vault.put(Buffer.from('second'))];
  writeFileSync(join(dir, `${second}.bin`), readFileSync(join(dir, `${first}.bin`)));
  await expect(vault.get(second)).rejects.toThrow();
});

it('housekeeping removes only stale files no committed row names, and half-written ones', async () => {
  const dir = directory();
  const vault = createFileVault(dir, randomBytes(32));
  const [kept, orphan, fresh] = [await vault.put(Buffer.from('kept')), await vault.put(Buffer.from('orphan')), await vault.put(Buffer.from('fresh'))];
  writeFileSync(join(dir, `${'a'.repeat(32)}.bin.tmp`), 'half written');
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  for (const name of [`${kept}.bin`, `${orphan}.bin`, `${'a'.repeat(32)}.bin.tmp`]) utimesSync(join(dir, name), old, old);

  expect(await vault.removeUnreferenced(new Set([kept]), anHourAgo())).toBe(2);
  expect(readdirSync(dir).sort()).toEqual([`${fresh}.bin`, `${kept}.bin`].sort());
});

it('reseals a document found under a former key, and leaves one already under the current key alone', async () => {
  const dir = directory();
  const [former, current] = [randomBytes(32), randomBytes(32)];
  const id = await createFileVault(dir, former).put(Buffer.from('id card'));
  const rotating = createFileVault(dir, current, [former]);
  expect(await rotating.reseal(id)).toBe(true);
  expect(await rotating.reseal(id)).toBe(false);
  expect(await createFileVault(dir, current).get(id)).toEqual(Buffer.from('id card'));
  await expect(createFileVault(dir, former).get(id)).rejects.toThrow();
});
