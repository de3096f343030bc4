import { randomBytes } from 'node:crypto';
import { promises as fs, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { rotateKey } from '../../src/app';
import { loadConfig } from '../../src/config';
import { verifyReceipt } from '../../src/documents/verify-receipt';
import { createLogger } from '../../src/log';
import { keyFingerprint, type KeyFileSystem } from '../../src/queue/vault-keys';
import { startApp, type Harness } from '../support/app-harness';
import { FakeClock } from '../support/fake-clock';

const WITH_ID = 'zh-qq-gb18030-base64-table';
const SECOND_WITH_ID = 'en-applemail-login-slash-username-ambiguous-date-dated-signature-softfail';
const keyFile = (harness: Harness) => join(harness.dataDir, 'vault.key');
const keyIn = (path: string) => Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');

/** A desk that has sealed one ID document and sent its acknowledgement, then stopped. */
async function deskWithADocument(env: Record<string, string> = {}): Promise<Harness> {
  const harness = await startApp(env);
  harness.deliver(WITH_ID);
  await harness.app.drainInbox();
  await harness.app.flushOutbox();
  harness.app.close();
  return harness;
}

async function receiptOf(harness: Harness): Promise<Buffer> {
  const [name] = harness.files('outgoing');
  return (await simpleParser(readFileSync(join(harness.dataDir, 'outgoing', name)))).attachments[0].content;
}

async function firstDocument(harness: Harness): Promise<Buffer | null> {
  const [request] = harness.app.queue.listRequests();
  return (await harness.app.review.openDocument(request.reference, 1, 'os:test', 'cli'))?.content ?? null;
}

function rotate(harness: Harness, env: Record<string, string> = {}, newKey: Buffer | null = null) {
  const config = loadConfig({ DATA_DIR: harness.dataDir, MAIL_FROM: 'Support <support@example.test>', ...env });
  return rotateKey(config, new FakeClock(), createLogger(() => undefined, new FakeClock()), newKey);
}

it('records the key by its fingerprint only, and writes the key file readable by this user only', async () => {
  const harness = await deskWithADocument();
  const key = keyIn(keyFile(harness));
  expect(statSync(keyFile(harness)).mode & 0o777).toBe(0o600);
  expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'vault_key_recorded', fingerprint: keyFingerprint(key) }));
  expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{16}$/);
  const database = readFileSync(join(harness.dataDir, 'cancel-desk.db'));
  expect(database.includes(key)).toBe(false);
  expect(database.includes(Buffer.from(key.toString('base64')))).toBe(false);
});

it('a replaced key file stops start-up, naming both fingerprints, and changes nothing', async () => {
  const harness = await deskWithADocument();
  const original = keyIn(keyFile(harness));
  const replacement = randomBytes(32);
  writeFileSync(keyFile(harness), replacement.toString('base64'));
  await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(
    new RegExp(`fingerprint ${keyFingerprint(replacement)}.*fingerprint ${keyFingerprint(original)}.*put that key back`),
  );

  writeFileSync(keyFile(harness), original.toString('base64'));
  const restarted = await startApp({}, {}, harness.dataDir);
  expect(await firstDocument(restarted)).not.toBeNull();
  expect((await verifyReceipt(await receiptOf(harness), restarted.app.receiptKey)).genuine).toBe(true);
  restarted.app.close();
});

it('a wrong VAULT_KEY stops start-up, naming both fingerprints', async () => {
  const right = randomBytes(32);
  const harness = await deskWithADocument({ VAULT_KEY: right.toString('base64') });
  const wrong = randomBytes(32);
  await expect(startApp({ VAULT_KEY: wrong.toString('base64') }, {}, harness.dataDir)).rejects.toThrow(
    new RegExp(`VAULT_KEY has fingerprint ${keyFingerprint(wrong)}.*fingerprint ${keyFingerprint(right)}`),
  );
});

it('a deleted key file over sealed documents stops start-up and no new key is generated', async () => {
  const harness = await deskWithADocument();
  await fs.rm(keyFile(harness));
  await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/vault\.key is missing, but documents .* are sealed .*restore vault\.key from your backup/);
  expect(existsSync(keyFile(harness))).toBe(false);
});

it('an empty key file over sealed documents says to restore the key, and is left as it is', async () => {
  const harness = await deskWithADocument();
  writeFileSync(keyFile(harness), '');
  await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/vault\.key is not a vault key \(it is empty\).*restore vault\.key from your backup/);
  expect(readFileSync(keyFile(harness), 'utf8')).toBe('');
});

it('an empty key file left by an interrupted first start is replaced while nothing is sealed yet', async () => {
  const harness = await startApp();
  harness.app.close();
  // A database with no document, and an empty key file: as a first start on a full disk used to leave it.
  writeFileSync(keyFile(harness), '');
  await fs.rm(join(harness.dataDir, 'cancel-desk.db'));
  const restarted = await startApp({}, {}, harness.dataDir);
  expect(keyIn(keyFile(restarted))).toHaveLength(32);
  expect(restarted.logs).toContainEqual(expect.objectContaining({ event: 'vault_key_generated', replaced: expect.stringContaining('it is empty') }));
  restarted.app.close();
});

it('a first start on a full disk leaves no key file behind, and the next start makes one', async () => {
  const diskFull: KeyFileSystem = {
    ...fs,
    async open(path, flags, mode) {
      const file = await fs.open(path, flags, mode);
      return Object.assign(Object.create(file) as typeof file, {
        writeFile: async () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })),
        close: () => file.close(),
      });
    },
  };
  const dataDir = (await startApp().then((h) => (h.app.close(), h))).dataDir;
  await fs.rm(join(dataDir, 'cancel-desk.db'));
  await fs.rm(join(dataDir, 'vault.key'));
  await expect(startApp({}, { keyFileSystem: diskFull }, dataDir)).rejects.toThrow(/ENOSPC/);
  expect(readdirSync(dataDir).filter((name) => name.startsWith('vault.key'))).toEqual([]);

  const next = await startApp({}, {}, dataDir);
  expect(keyIn(join(dataDir, 'vault.key'))).toHaveLength(32);
  next.app.close();
});

it('rotate-key seals every document under a new key: documents open and old receipts stay genuine', async () => {
  const harness = await deskWithADocument();
  const before = keyIn(keyFile(harness));
  const rotated = await rotate(harness);
  expect(rotated).toMatchObject({ from: keyFingerprint(before), resumed: false });
  // The document and the receipt key.
  expect(rotated.resealed).toBe(2);
  const after = keyIn(keyFile(harness));
  expect(keyFingerprint(after)).toBe(rotated.to);
  expect(existsSync(`${keyFile(harness)}.next`)).toBe(false);

  const restarted = await startApp({}, {}, harness.dataDir);
  expect(restarted.app.vaultKeyFingerprint).toBe(rotated.to);
  expect(await firstDocument(restarted)).not.toBeNull();
  expect((await verifyReceipt(await receiptOf(harness), restarted.app.receiptKey)).genuine).toBe(true);
  restarted.app.close();

  writeFileSync(keyFile(harness), before.toString('base64'));
  await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/put that key back/);
});

it('rotate-key with VAULT_KEY takes the new key and start-up then wants it', async () => {
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
  const harness = await deskWithADocument({ VAULT_KEY: oldKey.toString('base64') });
  await rotate(harness, { VAULT_KEY: oldKey.toString('base64') }, newKey);
  await expect(startApp({ VAULT_KEY: oldKey.toString('base64') }, {}, harness.dataDir)).rejects.toThrow(/put that key back/);
  const restarted = await startApp({ VAULT_KEY: newKey.toString('base64') }, {}, harness.dataDir);
  expect(await firstDocument(restarted)).not.toBeNull();
  restarted.app.close();
});

it('a rotation that fails midway leaves the desk refusing to start until a rerun finishes it', async () => {
  const harness = await deskWithADocument();
  // A second request with its document, so that the rotation has done some of its work when it fails.
  const again = await startApp({}, {}, harness.dataDir);
  again.deliver(SECOND_WITH_ID);
  await again.app.drainInbox();
  expect(again.app.queue.listRequests()).toHaveLength(2);
  again.app.close();
  const vaultDir = join(harness.dataDir, 'vault');
  expect(readdirSync(vaultDir).length).toBeGreaterThanOrEqual(3);
  const lastId = await lastVaultIdInUse(harness);
  renameSync(join(vaultDir, `${lastId}.bin`), join(vaultDir, `${lastId}.away`));
  await expect(rotate(harness)).rejects.toThrow(/ENOENT/);
  expect(existsSync(`${keyFile(harness)}.next`)).toBe(true);
  await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/rotation .* is unfinished: run `cancel-desk vault rotate-key` again/);

  renameSync(join(vaultDir, `${lastId}.away`), join(vaultDir, `${lastId}.bin`));
  const finished = await rotate(harness);
  expect(finished.resumed).toBe(true);
  expect(finished.resealed).toBeGreaterThanOrEqual(1);

  const restarted = await startApp({}, {}, harness.dataDir);
  expect(restarted.app.vaultKeyFingerprint).toBe(finished.to);
  for (const request of restarted.app.queue.listRequests()) {
    for (let position = 1; position <= request.idDocuments.length; position++) {
      expect(await restarted.app.review.openDocument(request.reference, position, 'os:test', 'cli')).not.toBeNull();
    }
  }
  expect((await verifyReceipt(await receiptOf(harness), restarted.app.receiptKey)).genuine).toBe(true);
  restarted.app.close();
});

/** The last document the rotation reaches (the receipt key comes after the documents). */
async function lastVaultIdInUse(harness: Harness): Promise<string> {
  const { openDatabase } = await import('../../src/queue/database');
  const { VaultKeyRecord } = await import('../../src/queue/vault-key-record');
  const db = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
  try {
    return new VaultKeyRecord(db, new FakeClock()).sealedVaultIds(10).at(-1)!;
  } finally {
    db.close();
  }
}

it('a rotation that committed but crashed before the new key file took its name is completed at start-up', async () => {
  const harness = await deskWithADocument();
  const before = keyIn(keyFile(harness));
  await rotate(harness);
  const after = keyIn(keyFile(harness));
  writeFileSync(`${keyFile(harness)}.next`, after.toString('base64'));
  writeFileSync(keyFile(harness), before.toString('base64'));

  const restarted = await startApp({}, {}, harness.dataDir);
  expect(restarted.logs).toContainEqual(expect.objectContaining({ event: 'vault_key_rotation_completed', fingerprint: keyFingerprint(after) }));
  expect(keyIn(keyFile(harness))).toEqual(after);
  expect(await firstDocument(restarted)).not.toBeNull();
  restarted.app.close();
});

describe('a database from before fingerprints were recorded', () => {
  async function withoutRecord(harness: Harness): Promise<void> {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(harness.dataDir, 'cancel-desk.db'));
    db.exec('DELETE FROM vault_key');
    db.close();
  }

  it('starts with the key that opens its documents, records it, and its receipts stay genuine', async () => {
    const harness = await deskWithADocument();
    await withoutRecord(harness);
    const restarted = await startApp({}, {}, harness.dataDir);
    expect(restarted.app.vaultKeyFingerprint).toBe(keyFingerprint(keyIn(keyFile(harness))));
    expect((await verifyReceipt(await receiptOf(harness), restarted.app.receiptKey)).genuine).toBe(true);
    restarted.app.close();
  });

  it('refuses a key that does not open its documents', async () => {
    const harness = await deskWithADocument();
    await withoutRecord(harness);
    writeFileSync(keyFile(harness), randomBytes(32).toString('base64'));
    await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/does not open the documents already sealed/);
  });
});
