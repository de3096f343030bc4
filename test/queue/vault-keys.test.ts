import { randomBytes } from 'node:crypto';
import { promises as fs, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { rotateKey } from '../../src/app';
import { loadConfig } from '../../src/config';
import { verifyReceipt } from '../../src/documents/verify-receipt';
import { createLogger } from '../../src/log';
import { openDatabase } from '../../src/queue/database';
import { DocumentKeys } from '../../src/queue/document-keys';
import { VaultKeyRecord } from '../../src/queue/vault-key-record';
import { keyFingerprint, rotateVaultKey, unlockVault, type KeyFileSystem } from '../../src/queue/vault-keys';
import { startApp, type Harness } from '../support/app-harness';
import { FakeClock } from '../support/fake-clock';
import { toOldFormat } from '../support/old-format-vault';

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

it('rotate-key wraps every data key under a new key and leaves the files alone: documents open and old receipts stay genuine', async () => {
  const harness = await deskWithADocument();
  const before = keyIn(keyFile(harness));
  const files = vaultFiles(harness);
  const rotated = await rotate(harness);
  expect(rotated).toMatchObject({ from: keyFingerprint(before), resumed: false });
  // The document's and the receipt key's.
  expect(rotated.rewrapped).toBe(2);
  expect(vaultFiles(harness)).toEqual(files);
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

it('a rotation that crashes midway leaves the desk refusing to start until a rerun finishes it', async () => {
  const harness = await deskWithADocument();
  // A second request with its document, so that the rotation has done some of its work when it crashes.
  const again = await startApp({}, {}, harness.dataDir);
  again.deliver(SECOND_WITH_ID);
  await again.app.drainInbox();
  expect(again.app.queue.listRequests()).toHaveLength(2);
  again.app.close();

  const db = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
  const dataKeys = db.prepare('SELECT count(*) FROM document_keys').pluck().get() as number;
  expect(dataKeys).toBeGreaterThanOrEqual(3);
  /** Dies (as a killed process would) before the second batch commits. */
  class CrashingKeys extends DocumentKeys {
    private batches = 0;
    override rewrap(batch: Parameters<DocumentKeys['rewrap']>[0]): void {
      if (++this.batches === 2) throw new Error('injected: the process died');
      super.rewrap(batch);
    }
  }
  const keys = new CrashingKeys(db);
  const record = new VaultKeyRecord(db, new FakeClock());
  const log = createLogger(() => undefined, new FakeClock());
  const current = await unlockVault({ dataDir: harness.dataDir, configuredKey: null, record, keys, log, duringRotation: { nextKey: null } });
  await expect(rotateVaultKey({ dataDir: harness.dataDir, current, newKey: null, configured: false, record, keys, log, batchSize: 1 })).rejects.toThrow(/injected/);
  const next = keyIn(`${keyFile(harness)}.next`);
  expect(db.prepare('SELECT wrapped_under, count(*) FROM document_keys GROUP BY wrapped_under ORDER BY 2').raw().all()).toEqual([
    [keyFingerprint(next), 1],
    [current.fingerprint, dataKeys - 1],
  ]);
  db.close();
  await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/rotation .* is unfinished: run `cancel-desk vault rotate-key` again/);

  const finished = await rotate(harness);
  expect(finished).toMatchObject({ resumed: true, rewrapped: dataKeys - 1, to: keyFingerprint(next) });
  const restarted = await startApp({}, {}, harness.dataDir);
  expect(restarted.app.vaultKeyFingerprint).toBe(finished.to);
  await everyDocumentOpens(restarted);
  expect((await verifyReceipt(await receiptOf(harness), restarted.app.receiptKey)).genuine).toBe(true);
  restarted.app.close();
});

it('a document sealed under the old key while a rotation runs (a daemon left running) is rewrapped too', async () => {
  const harness = await deskWithADocument();
  const db = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
  const record = new VaultKeyRecord(db, new FakeClock());
  const log = createLogger(() => undefined, new FakeClock());
  const current = await unlockVault({ dataDir: harness.dataDir, configuredKey: null, record, keys: new DocumentKeys(db), log, duringRotation: { nextKey: null } });
  const meanwhile = await current.vault.put(Buffer.from('sealed meanwhile'));
  /** The daemon commits its document, under the key it started with, just after the rotation saw none left. */
  class BesideADaemon extends DocumentKeys {
    private committed = false;
    override wrappedOtherThan(fingerprint: string, limit: number): ReturnType<DocumentKeys['wrappedOtherThan']> {
      const left = super.wrappedOtherThan(fingerprint, limit);
      if (left.length === 0 && !this.committed) {
        this.committed = true;
        this.record(meanwhile.vaultId, meanwhile.dataKey);
      }
      return left;
    }
  }
  const rotated = await rotateVaultKey({ dataDir: harness.dataDir, current, newKey: null, configured: false, record, keys: new BesideADaemon(db), log });
  db.close();
  // The document's and the receipt key's, then the one sealed meanwhile.
  expect(rotated.rewrapped).toBe(3);
  const restarted = await startApp({}, {}, harness.dataDir);
  expect(restarted.app.vaultKeyFingerprint).toBe(rotated.to);
  expect(await restarted.app.vault.get(meanwhile.vaultId)).toEqual(Buffer.from('sealed meanwhile'));
  restarted.app.close();
});

async function everyDocumentOpens(harness: Harness): Promise<void> {
  for (const request of harness.app.queue.listRequests()) {
    for (let position = 1; position <= request.idDocuments.length; position++) {
      expect(await harness.app.review.openDocument(request.reference, position, 'os:test', 'cli')).not.toBeNull();
    }
  }
}

const vaultFiles = (harness: Harness) => new Map(readdirSync(join(harness.dataDir, 'vault')).map((name) => [name, readFileSync(join(harness.dataDir, 'vault', name))]));

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

describe('a DATA_DIR written before data keys (files sealed directly under the vault key)', () => {
  /** A stopped desk with two requests, as the release before data keys left it; and what each vault file holds. */
  async function oldDesk(): Promise<{ harness: Harness; contents: Map<string, Buffer> }> {
    const harness = await deskWithADocument();
    const again = await startApp({}, {}, harness.dataDir);
    again.deliver(SECOND_WITH_ID);
    await again.app.drainInbox();
    const contents = new Map<string, Buffer>();
    const db = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
    for (const id of new VaultKeyRecord(db, new FakeClock()).vaultIdsInUse()) contents.set(id, await again.app.vault.get(id));
    db.close();
    again.app.close();
    toOldFormat(harness.dataDir, keyIn(keyFile(harness)), contents);
    return { harness, contents };
  }
  const formatOf = (harness: Harness, id: string) => readFileSync(join(harness.dataDir, 'vault', `${id}.bin`)).subarray(0, 4).toString();

  it('opens every document after the first start, which seals each file again under a data key of its own', async () => {
    const { harness, contents } = await oldDesk();
    expect([...contents.keys()].map((id) => formatOf(harness, id))).toEqual([...contents.keys()].map(() => 'CDV1'));

    const upgraded = await startApp({}, {}, harness.dataDir);
    expect(upgraded.logs).toContainEqual(expect.objectContaining({ event: 'vault_upgraded', files: contents.size }));
    for (const [id, content] of contents) {
      expect(formatOf(harness, id)).toBe('CDV2');
      expect(await upgraded.app.vault.get(id)).toEqual(content);
    }
    await everyDocumentOpens(upgraded);
    expect((await verifyReceipt(await receiptOf(harness), upgraded.app.receiptKey)).genuine).toBe(true);
    upgraded.app.close();

    const again = await startApp({}, {}, harness.dataDir);
    expect(again.logs.some((line) => line.event === 'vault_upgrade_started')).toBe(false);
    again.app.close();
  });

  it('marks the upgrade finished only once every file is sealed again, so later starts do not look through the documents', async () => {
    const { harness } = await oldDesk();
    const marked = () => {
      const db = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
      const done = new VaultKeyRecord(db, new FakeClock()).oldFilesUpgraded();
      db.close();
      return done;
    };
    expect(marked()).toBe(false);
    (await startApp({}, {}, harness.dataDir)).app.close();
    expect(marked()).toBe(true);
  });

  it('an upgrade stopped midway is finished by vault rotate-key, after which no file is under the vault key', async () => {
    const { harness, contents } = await oldDesk();
    const db = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
    // The receipt key is read before the upgrade begins: a document's file stops it midway.
    const receiptKey = new VaultKeyRecord(db, new FakeClock()).current()!.receiptKeyVaultId;
    const last = new DocumentKeys(db).awaitingUpgrade().filter((id) => id !== receiptKey).at(-1)!;
    db.close();
    // A file that cannot be read stops the upgrade when it reaches it.
    const file = join(harness.dataDir, 'vault', `${last}.bin`);
    const bytes = readFileSync(file);
    await fs.rm(file);
    await fs.mkdir(file);
    await expect(startApp({}, {}, harness.dataDir)).rejects.toThrow(/EISDIR/);
    const stopped = openDatabase(join(harness.dataDir, 'cancel-desk.db'));
    expect(new VaultKeyRecord(stopped, new FakeClock()).oldFilesUpgraded()).toBe(false);
    stopped.close();
    expect([...contents.keys()].filter((id) => id !== last).map((id) => formatOf(harness, id))).toContain('CDV2');
    await fs.rmdir(file);
    writeFileSync(file, bytes);

    const rotated = await rotate(harness);
    expect(rotated.rewrapped).toBe(contents.size);
    for (const id of contents.keys()) expect(formatOf(harness, id)).toBe('CDV2');
    const restarted = await startApp({}, {}, harness.dataDir);
    for (const [id, content] of contents) expect(await restarted.app.vault.get(id)).toEqual(content);
    expect((await verifyReceipt(await receiptOf(harness), restarted.app.receiptKey)).genuine).toBe(true);
    restarted.app.close();
  });
});
