import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { keyFingerprint } from '../../src/queue/vault-keys';
import { runCli } from '../support/cli';
import { FIXTURES } from '../support/fixtures';

jest.setTimeout(120_000);

const WITH_IDS = ['zh-qq-gb18030-base64-table', 'en-applemail-login-slash-username-ambiguous-date-dated-signature-softfail'];
const folder = (name: string) => mkdtempSync(join(tmpdir(), `cancel-desk-${name}-`));
const settings = (dataDir: string, extra: Record<string, string> = {}) => ({ DATA_DIR: dataDir, MAIL_FROM: 'Support <support@example.test>', TRUSTED_AUTHSERV_ID: 'mx.example.test', ...extra });

const desk = folder('desk');
const receipts: string[] = [];

beforeAll(async () => {
  mkdirSync(join(desk, 'inbox'));
  for (const name of WITH_IDS) copyFileSync(join(FIXTURES, `${name}.eml`), join(desk, 'inbox', `${name}.eml`));
  expect((await runCli(['poll'], { env: settings(desk) })).code).toBe(0);
  for (const [index, name] of readdirSync(join(desk, 'outgoing')).entries()) {
    const pdf = join(desk, `receipt-${index}.pdf`);
    writeFileSync(pdf, (await simpleParser(readFileSync(join(desk, 'outgoing', name)))).attachments[0].content);
    receipts.push(pdf);
  }
  expect(receipts.length).toBeGreaterThanOrEqual(1);
});

/** Every document of every request opens, and every receipt the desk sent reads genuine. */
async function everythingOpens(dataDir: string, extra: Record<string, string> = {}) {
  const env = settings(dataDir, extra);
  const listed = await runCli(['queue', 'list', '--json'], { env });
  expect(listed.code).toBe(0);
  const requests = JSON.parse(listed.stdout) as { reference: string; idDocuments: unknown[] }[];
  expect(requests).toHaveLength(WITH_IDS.length);
  const out = folder('out');
  let opened = 0;
  for (const { reference, idDocuments } of requests) {
    for (let position = 1; position <= idDocuments.length; position++) {
      const run = await runCli(['queue', 'document', reference, String(position), '--out', join(out, `${reference}-${position}`)], { env });
      expect([run.code, run.stderr]).toEqual([0, '']);
      opened++;
    }
  }
  expect(opened).toBeGreaterThanOrEqual(WITH_IDS.length);
  for (const pdf of receipts) {
    const verified = await runCli(['verify-receipt', pdf], { env });
    expect([verified.code, verified.stdout.split('\n')[0]]).toEqual([0, expect.stringMatching(/^genuine: /)]);
  }
}

it('a backup without --include-key holds no key and says so; restored with VAULT_KEY, every document opens and every receipt is genuine', async () => {
  const backup = join(folder('backups'), 'nightly');
  const run = await runCli(['backup', backup], { env: settings(desk) });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('the vault key is NOT in this backup');
  expect(existsSync(join(backup, 'vault.key'))).toBe(false);
  const key = readFileSync(join(desk, 'vault.key'), 'utf8').trim();
  expect(JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'))).toMatchObject({ keyFingerprint: keyFingerprint(Buffer.from(key, 'base64')), includesKey: false });

  const restored = folder('restored');
  const withoutKey = await runCli(['restore', backup], { env: settings(restored) });
  expect(withoutKey.code).toBe(1);
  expect(withoutKey.stderr).toContain(`set VAULT_KEY to the key with fingerprint ${keyFingerprint(Buffer.from(key, 'base64'))}`);
  const wrong = randomBytes(32);
  const wrongKey = await runCli(['restore', backup], { env: settings(restored, { VAULT_KEY: wrong.toString('base64') }) });
  expect(wrongKey.code).toBe(1);
  expect(wrongKey.stderr).toContain(`fingerprint ${keyFingerprint(wrong)}, but the backup was sealed under ${keyFingerprint(Buffer.from(key, 'base64'))}`);
  expect(readdirSync(restored)).toEqual([]);

  const restore = await runCli(['restore', backup], { env: settings(restored, { VAULT_KEY: key }) });
  expect([restore.code, restore.stderr]).toEqual([0, '']);
  await everythingOpens(restored, { VAULT_KEY: key });
});

it('a backup with --include-key restores alone into an empty DATA_DIR, private to its user', async () => {
  const backup = join(folder('backups'), 'with-key');
  const run = await runCli(['backup', backup, '--include-key'], { env: settings(desk) });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('the vault key IS in this backup');
  for (const name of ['vault.key', 'manifest.json', 'cancel-desk.db']) expect(statSync(join(backup, name)).mode & 0o777).toBe(0o600);

  const restored = join(folder('restored'), 'data');
  expect((await runCli(['restore', backup], { env: settings(restored) })).code).toBe(0);
  expect(statSync(join(restored, 'vault.key')).mode & 0o777).toBe(0o600);
  await everythingOpens(restored);

  // And the restored desk's key can be rotated like any other.
  const rotated = await runCli(['vault', 'rotate-key'], { env: settings(restored) });
  expect([rotated.code, rotated.stderr.includes('vault_key_rotated')]).toEqual([0, true]);
  expect(rotated.stdout).toMatch(/data keys wrapped again; the vault key is now [0-9a-f]{16}/);
  await everythingOpens(restored);
});

it('restore refuses a DATA_DIR that is not empty, and backup a folder that is not', async () => {
  const backup = join(folder('backups'), 'b');
  expect((await runCli(['backup', backup, '--include-key'], { env: settings(desk) })).code).toBe(0);
  const again = await runCli(['backup', backup], { env: settings(desk) });
  expect([again.code, again.stderr]).toEqual([1, `cancel-desk: ${backup} is not empty: name a new folder for the backup\n`]);
  const restore = await runCli(['restore', backup], { env: settings(desk) });
  expect(restore.code).toBe(1);
  expect(restore.stderr).toContain('is not empty: restore only into an empty DATA_DIR');
});

it('a wrong key stops every command with one line naming both fingerprints, exit 78', async () => {
  const wrong = randomBytes(32);
  const run = await runCli(['queue', 'list'], { env: settings(desk, { VAULT_KEY: wrong.toString('base64') }) });
  expect(run.code).toBe(78);
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^cancel-desk: the vault key from VAULT_KEY has fingerprint ${keyFingerprint(wrong)}, but .* fingerprint [0-9a-f]{16}: put that key back`))]);
});
