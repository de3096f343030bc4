import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliverToTriage } from '../console/support/console-harness';
import { startApp, type Harness } from '../support/app-harness';
import { runCli } from '../support/cli';
import { addStaff, EN_REQUEST, intake, polledDataDir, ZH_REQUEST } from '../support/review';

jest.setTimeout(60_000);

const DAY = 86_400_000;
/** A conditional question with a screenshot attached: it waits in triage. */
const WITH_SCREENSHOT = 'r6a-24-zh-foxmail-triage-conditional-balance-question-with-screenshot-png-listed';
let harness: Harness;
let closed: string;
let approved: string;

beforeEach(async () => {
  harness = await startApp({ RETENTION_DAYS: '30' });
  await addStaff(harness, 'alice');
  [closed, approved] = await intake(harness, ZH_REQUEST, EN_REQUEST);
  for (const reference of [closed, approved]) harness.app.review.decide(reference, { kind: 'approve', by: 'alice', note: null });
  harness.app.review.decide(closed, { kind: 'close', by: 'alice', note: null });
  await harness.app.flushOutbox();
});
afterEach(() => harness.app.close());

const vaultFiles = () => readdirSync(join(harness.dataDir, 'vault')).filter((name) => name.endsWith('.bin'));

it('keeps everything until the retention days have passed since the closure', async () => {
  harness.clock.advance(29 * DAY);
  const summary = await harness.app.purgeExpired(false);
  expect(summary).toMatchObject({ requests: [], documents: 0 });
  expect(await harness.app.review.openDocument(closed, 1, 'alice', 'cli')).not.toBeNull();
});

it('removes a closed request\'s ID documents and mail texts after them, and keeps what the audit needs', async () => {
  const before = harness.app.queue.findRequest(closed)!;
  const filesBefore = vaultFiles().length;
  harness.clock.advance(31 * DAY);
  const summary = await harness.app.purgeExpired(false);
  expect(summary).toMatchObject({ dryRun: false, requests: [closed], documents: before.idDocuments.length });
  const after = harness.app.queue.findRequest(closed)!;
  expect(after).toMatchObject({ status: 'closed', fields: before.fields, closedBy: 'alice' });
  expect(after.idDocuments.map(({ sha256, filename }) => ({ sha256, filename }))).toEqual(before.idDocuments.map(({ sha256, filename }) => ({ sha256, filename })));
  expect(after.idDocuments.every((document) => document.purgedAt !== null)).toBe(true);
  expect(after.messages.filter((message) => message.direction === 'in').map((message) => message.text)).toEqual(['']);
  expect(harness.app.review.review(closed)!.bodyText).toBe('');
  expect(await harness.app.review.openDocument(closed, 1, 'alice', 'cli')).toBeNull();
  expect(vaultFiles()).toHaveLength(filesBefore - before.idDocuments.length);
  expect(after.events.at(-1)).toMatchObject({ actor: 'system', type: 'retention_purged', detail: { documents: before.idDocuments.length, retentionDays: 30 } });
  expect(harness.app.audit.verify().intact).toBe(true);
});

it('crypto-shreds: a copy of a vault file taken before the purge opens with neither the vault key nor the database', async () => {
  const [document] = harness.app.queue.findRequest(closed)!.idDocuments;
  const file = join(harness.dataDir, 'vault', `${document.vaultId}.bin`);
  // As an old backup of the vault folder would hold it.
  const copy = readFileSync(file);
  harness.clock.advance(31 * DAY);
  await harness.app.purgeExpired(false);
  expect(existsSync(file)).toBe(false);
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
  expect(db.prepare('SELECT count(*) FROM document_keys WHERE vault_id = ?').pluck().get(document.vaultId)).toBe(0);
  db.close();

  writeFileSync(file, copy);
  await expect(harness.app.vault.get(document.vaultId)).rejects.toThrow(/has no data key/);
  // Nor does the vault key open the bytes directly, as it opened files sealed before data keys.
  writeFileSync(file, Buffer.concat([Buffer.from('CDV1'), copy.subarray(4)]));
  await expect(harness.app.vault.get(document.vaultId)).rejects.toThrow();
});

it('waits for the closure of an approved request, however old the approval', async () => {
  harness.clock.advance(400 * DAY);
  expect((await harness.app.purgeExpired(false)).requests).toEqual([closed]);
  expect(await harness.app.review.openDocument(approved, 1, 'alice', 'cli')).not.toBeNull();
});

it('says what would go on a dry run, and changes nothing', async () => {
  harness.clock.advance(31 * DAY);
  const files = vaultFiles();
  expect(await harness.app.purgeExpired(true)).toMatchObject({ dryRun: true, requests: [closed] });
  expect(vaultFiles()).toEqual(files);
  expect(harness.app.queue.findRequest(closed)!.idDocuments.every((document) => document.purgedAt === null)).toBe(true);
  expect(await harness.app.review.openDocument(closed, 1, 'alice', 'cli')).not.toBeNull();
});

it('removes old outgoing mail files of the embedded default', async () => {
  const outgoing = join(harness.dataDir, 'outgoing');
  const [old, ...recent] = readdirSync(outgoing);
  const longAgo = new Date(harness.clock.now().getTime() - 400 * DAY);
  harness.clock.advance(31 * DAY);
  utimesSync(join(outgoing, old), longAgo, longAgo);
  const summary = await harness.app.purgeExpired(false);
  expect(summary.files).toBeGreaterThanOrEqual(1);
  expect(existsSync(join(outgoing, old))).toBe(false);
  expect(recent.every((name) => existsSync(join(outgoing, name)))).toBe(true);
});

it('keeps the documents of a mail promoted from triage while its request is undecided, however old the promotion', async () => {
  // A question with a screenshot, promoted to a request: the request and the old triage item name the same vault file.
  const ids = await deliverToTriage(harness, [WITH_SCREENSHOT]);
  const promoted = harness.app.triage.act(ids[WITH_SCREENSHOT], { kind: 'promote', by: 'alice' });
  expect(promoted).toMatchObject({ ok: true });
  const reference = (promoted as { reference: string }).reference;
  harness.clock.advance(400 * DAY);
  const summary = await harness.app.purgeExpired(false);
  expect(summary.unsortedMail).toEqual([String(ids[WITH_SCREENSHOT])]);
  expect(await harness.app.review.openDocument(reference, 1, 'alice', 'cli')).not.toBeNull();
});

it('purge --dry-run on the command line lists what would go', async () => {
  const { env } = await polledDataDir([ZH_REQUEST]);
  const run = await runCli(['purge', '--dry-run'], { env });
  expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^retention \(30 days, decided before \S+\) would remove: 0 ID documents/) });
});
