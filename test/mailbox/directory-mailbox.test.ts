import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDirectoryMailbox } from '../../src/mailbox/directory-mailbox';
import type { MailboxSession } from '../../src/mailbox/mailbox';

let workDir: string;
let inboxDir: string;

beforeEach(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cancel-desk-directory-'));
  inboxDir = path.join(workDir, 'inbox');
});

afterEach(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
});

const mail = (n: number) => `Subject: Please cancel account ${n}\r\n\r\nPlease close account ${n}.\r\n`;

/** Writes a file with a given mtime (seconds since the epoch), since arrival order is mtime order. */
async function deliver(fileName: string, content: string, mtimeSeconds = 1_800_000_000): Promise<void> {
  await fs.mkdir(inboxDir, { recursive: true });
  const filePath = path.join(inboxDir, fileName);
  await fs.writeFile(filePath, content);
  await fs.utimes(filePath, mtimeSeconds, mtimeSeconds);
}

async function withSession<T>(work: (session: MailboxSession) => Promise<T>): Promise<T> {
  const session = await createDirectoryMailbox(inboxDir).open();
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

test('open creates the inbox with processed/ and quarantine/ when missing', async () => {
  await withSession(async () => undefined);
  expect((await fs.stat(path.join(inboxDir, 'processed'))).isDirectory()).toBe(true);
  expect((await fs.stat(path.join(inboxDir, 'quarantine'))).isDirectory()).toBe(true);
});

test('lists .eml files oldest first by mtime, then by name, with their size', async () => {
  await deliver('c.eml', mail(3), 1_800_000_100);
  await deliver('b.eml', mail(22), 1_800_000_000);
  await deliver('a.eml', mail(1), 1_800_000_000);

  const pending = await withSession((session) => session.pending());

  expect(pending).toEqual([
    { key: 'a.eml', size: Buffer.byteLength(mail(1)) },
    { key: 'b.eml', size: Buffer.byteLength(mail(22)) },
    { key: 'c.eml', size: Buffer.byteLength(mail(3)) },
  ]);
});

test('skips files still being written and files that are not .eml', async () => {
  await deliver('complete.eml', mail(1));
  await deliver('.incoming.eml', mail(2));
  await deliver('incoming.eml.tmp', mail(3));
  await deliver('notes.txt', 'not a mail');
  await fs.mkdir(path.join(inboxDir, 'folder.eml'));

  const pending = await withSession((session) => session.pending());

  expect(pending.map((message) => message.key)).toEqual(['complete.eml']);
});

test('read returns the file bytes unchanged', async () => {
  const raw = Buffer.from('Subject: =?UTF-8?B?5Y+W5raI?=\r\n\r\n\xff\xfe raw bytes\r\n', 'latin1');
  await fs.mkdir(inboxDir, { recursive: true });
  await fs.writeFile(path.join(inboxDir, 'raw.eml'), raw);

  const read = await withSession(async (session) => session.read((await session.pending())[0]));

  expect(read.equals(raw)).toBe(true);
});

test('settle keeps only a stub of a processed mail and moves a quarantined one whole, each readable by this user only', async () => {
  await deliver('good.eml', mail(1));
  await deliver('bad.eml', mail(2));

  await withSession(async (session) => {
    await session.settle({ key: 'good.eml', size: 0 }, 'processed');
    await session.settle({ key: 'bad.eml', size: 0 }, 'quarantine');
  });

  const stub = await fs.readFile(path.join(inboxDir, 'processed', 'good.eml'), 'utf8');
  expect(stub).toContain(`sha256: ${createHash('sha256').update(mail(1)).digest('hex')}`);
  expect(stub).not.toContain('Please close account');
  expect(await fs.readFile(path.join(inboxDir, 'quarantine', 'bad.eml'), 'utf8')).toBe(mail(2));
  for (const file of ['processed/good.eml', 'quarantine/bad.eml']) expect((await fs.stat(path.join(inboxDir, file))).mode & 0o777).toBe(0o600);
  for (const folder of ['processed', 'quarantine']) expect((await fs.stat(path.join(inboxDir, folder))).mode & 0o777).toBe(0o700);
});

test('after settle the inbox no longer lists the message', async () => {
  await deliver('settled.eml', mail(1), 1_800_000_000);
  await deliver('kept.eml', mail(2), 1_800_000_001);

  const pendingAfter = await withSession(async (session) => {
    const [settled] = await session.pending();
    await session.settle(settled, 'processed');
    return session.pending();
  });

  expect(pendingAfter.map((message) => message.key)).toEqual(['kept.eml']);
});

test('settle never overwrites a file of the same name in processed/', async () => {
  await fs.mkdir(path.join(inboxDir, 'processed'), { recursive: true });
  await fs.writeFile(path.join(inboxDir, 'processed', 'mail.eml'), 'earlier mail');
  await fs.writeFile(path.join(inboxDir, 'processed', 'mail-1.eml'), 'even earlier mail');
  await deliver('mail.eml', mail(1));

  await withSession((session) => session.settle({ key: 'mail.eml', size: 0 }, 'processed'));

  const processed = path.join(inboxDir, 'processed');
  expect(await fs.readFile(path.join(processed, 'mail.eml'), 'utf8')).toBe('earlier mail');
  expect(await fs.readFile(path.join(processed, 'mail-1.eml'), 'utf8')).toBe('even earlier mail');
  expect(await fs.readFile(path.join(processed, 'mail-2.eml'), 'utf8')).toContain('processed by cancel-desk');
});

test('a second session sees the same pending keys for unsettled messages', async () => {
  await deliver('one.eml', mail(1), 1_800_000_000);
  await deliver('two.eml', mail(2), 1_800_000_001);
  await deliver('three.eml', mail(3), 1_800_000_002);

  const unsettled = await withSession(async (session) => {
    const [settled, ...rest] = await session.pending();
    await session.settle(settled, 'quarantine');
    return rest;
  });

  expect(await withSession((session) => session.pending())).toEqual(unsettled);
});

test('an empty inbox lists nothing', async () => {
  expect(await withSession((session) => session.pending())).toEqual([]);
});

test('a mail read, then settled, gets the stub of what was read', async () => {
  await deliver('read.eml', mail(1));

  await withSession(async (session) => {
    const [message] = await session.pending();
    await session.read(message);
    await session.settle(message, 'processed');
  });

  const stub = await fs.readFile(path.join(inboxDir, 'processed', 'read.eml'), 'utf8');
  expect(stub).toContain(`sha256: ${createHash('sha256').update(mail(1)).digest('hex')}`);
  expect(stub).toContain(`bytes: ${Buffer.byteLength(mail(1))}`);
});

test('settle of a mail read, then gone (settled elsewhere), rejects and leaves no stub', async () => {
  await deliver('gone.eml', mail(1));

  await withSession(async (session) => {
    const [message] = await session.pending();
    await session.read(message);
    await fs.rm(path.join(inboxDir, 'gone.eml'));
    await expect(session.settle(message, 'processed')).rejects.toThrow(/no longer in/);
  });
  expect(await fs.readdir(path.join(inboxDir, 'processed'))).toEqual([]);
});

test('settle rejects when the file is already gone', async () => {
  await deliver('gone.eml', mail(1));

  await withSession(async (session) => {
    const [message] = await session.pending();
    await fs.rm(path.join(inboxDir, 'gone.eml'));
    await expect(session.settle(message, 'processed')).rejects.toThrow(/no longer in/);
  });
});

test('refuses keys that point outside the inbox', async () => {
  await fs.mkdir(workDir, { recursive: true });
  await fs.writeFile(path.join(workDir, 'outside.eml'), mail(1));

  await withSession(async (session) => {
    await expect(session.read({ key: '../outside.eml', size: 0 })).rejects.toThrow(/not a mail file name/);
    await expect(session.settle({ key: '../outside.eml', size: 0 }, 'processed')).rejects.toThrow(
      /not a mail file name/,
    );
  });
  expect(await fs.readFile(path.join(workDir, 'outside.eml'), 'utf8')).toBe(mail(1));
});
