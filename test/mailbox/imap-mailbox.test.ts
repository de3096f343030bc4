import {
  createImapMailbox,
  ImapConnectionLostError,
  type ImapSettings,
  type ImapTimeouts,
  StaleMessageKeyError,
} from '../../src/mailbox/imap-mailbox';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/log';
import type { MailboxSession } from '../../src/mailbox/mailbox';
import { type DovecotServer, imapSettingsFor, startDovecot } from '../support/dovecot';

let dovecot: DovecotServer;

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  await dovecot?.stop();
});

const quietLog = createLogger(() => undefined, systemClock);

let folderCounter = 0;

/** Each test gets folders of its own, so tests do not see each other's mail. */
function freshSettings(): ImapSettings {
  return imapSettingsFor(dovecot, `test${++folderCounter}`);
}

function cancellationMail(n: number): string {
  return [
    'From: Customer <customer@example.org>',
    'To: support@example.test',
    `Subject: Please cancel account ${n}`,
    `Message-ID: <cancel-${n}@example.org>`,
    '',
    `Please close account ${n}.`,
    '',
  ].join('\r\n');
}

async function openSession(settings: ImapSettings, timeouts?: Partial<ImapTimeouts>): Promise<MailboxSession> {
  return createImapMailbox(settings, quietLog, timeouts).open();
}

/** A second client, the way a member of staff would look at the mailbox. */

async function seenFlags(mailbox: string): Promise<boolean[]> {
  return dovecot.withClient(async (client) => {
    await client.mailboxOpen(mailbox, { readOnly: true });
    const rows = await client.fetchAll('1:*', { uid: true, flags: true });
    return rows.sort((a, b) => a.uid - b.uid).map((row) => row.flags?.has('\\Seen') ?? false);
  });
}

async function folderExists(path: string): Promise<boolean> {
  return dovecot.withClient(async (client) => (await client.list()).some((folder) => folder.path === path));
}

async function settledAfter<T>(promise: Promise<T>): Promise<{ outcome: 'resolved' | 'rejected'; error?: unknown }> {
  try {
    await promise;
    return { outcome: 'resolved' };
  } catch (error) {
    return { outcome: 'rejected', error };
  }
}

test('lists every message, read or unread, oldest first with its size', async () => {
  const settings = freshSettings();
  const mails = [cancellationMail(1), cancellationMail(22), cancellationMail(333)];
  await dovecot.append(mails[0], settings.mailbox);
  await dovecot.append(mails[1], settings.mailbox, ['\\Seen']);
  await dovecot.append(mails[2], settings.mailbox);

  const session = await openSession(settings);
  try {
    const pending = await session.pending();
    expect(pending.map((message) => message.size)).toEqual(mails.map((mail) => Buffer.byteLength(mail)));
    const uids = pending.map((message) => Number(message.key.split(':')[1]));
    expect(uids).toEqual([...uids].sort((a, b) => a - b));
    expect(new Set(pending.map((message) => message.key.split(':')[0])).size).toBe(1);
  } finally {
    await session.close();
  }
});

test('listing and reading leave the \\Seen flag as it was', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  await dovecot.append(cancellationMail(2), settings.mailbox, ['\\Seen']);

  const session = await openSession(settings);
  try {
    const pending = await session.pending();
    const sources = await Promise.all(pending.map((message) => session.read(message)));
    expect(sources.map((source) => source.toString())).toEqual([cancellationMail(1), cancellationMail(2)]);
  } finally {
    await session.close();
  }
  expect(await seenFlags(settings.mailbox)).toEqual([false, true]);
});

test('open creates the processed and quarantine folders when they are missing', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  expect(await folderExists(settings.processedMailbox)).toBe(false);

  const session = await openSession(settings);
  await session.close();

  expect(await folderExists(settings.processedMailbox)).toBe(true);
  expect(await folderExists(settings.quarantineMailbox)).toBe(true);
});

test('settle moves a message into the processed or the quarantine folder', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  await dovecot.append(cancellationMail(2), settings.mailbox);

  const session = await openSession(settings);
  try {
    const [first, second] = await session.pending();
    await session.settle(first, 'processed');
    await session.settle(second, 'quarantine');
  } finally {
    await session.close();
  }
  expect(await dovecot.list(settings.processedMailbox)).toBe(1);
  expect(await dovecot.list(settings.quarantineMailbox)).toBe(1);
  expect(await dovecot.list(settings.mailbox)).toBe(0);
});

test('after settle the inbox no longer lists the message', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  await dovecot.append(cancellationMail(2), settings.mailbox);

  const session = await openSession(settings);
  try {
    const [settled, kept] = await session.pending();
    await session.settle(settled, 'processed');
    expect(await session.pending()).toEqual([kept]);
  } finally {
    await session.close();
  }
});

test('a second session sees the same pending keys for unsettled messages', async () => {
  const settings = freshSettings();
  for (const n of [1, 2, 3]) await dovecot.append(cancellationMail(n), settings.mailbox);

  const firstSession = await openSession(settings);
  let unsettled;
  try {
    const [settled, ...rest] = await firstSession.pending();
    await firstSession.settle(settled, 'quarantine');
    unsettled = rest;
  } finally {
    await firstSession.close();
  }

  const secondSession = await openSession(settings);
  try {
    expect(await secondSession.pending()).toEqual(unsettled);
  } finally {
    await secondSession.close();
  }
});

test('a connection dropped between commands rejects the next call instead of hanging', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  const session = await openSession(settings);
  try {
    await dovecot.dropConnections();
    const result = await settledAfter(session.pending());
    expect(result.outcome).toBe('rejected');
    expect(result.error).toBeInstanceOf(ImapConnectionLostError);
  } finally {
    await session.close();
  }
});

test('a connection dropped mid-command rejects that command', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  const session = await openSession(settings);
  try {
    const [message] = await session.pending();
    // The paused server holds the FETCH unanswered, so the drop lands while it is in flight.
    await dovecot.pauseConnections();
    const reading = settledAfter(session.read(message));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await dovecot.dropConnections();
    const result = await reading;
    expect(result.outcome).toBe('rejected');
    expect(result.error).toBeInstanceOf(ImapConnectionLostError);
  } finally {
    await session.close();
  }
});

test('a server that stops answering fails the command after the socket timeout', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  const session = await openSession(settings, { socketTimeoutMs: 500 });
  try {
    await dovecot.pauseConnections();
    const result = await settledAfter(session.pending());
    expect(result.outcome).toBe('rejected');
    expect((result.error as Error).message).toMatch(/timeout/i);
  } finally {
    await dovecot.dropConnections();
    await session.close();
  }
});

test('close succeeds on a connection that was already dropped', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  const session = await openSession(settings);
  await dovecot.dropConnections();
  await expect(session.close()).resolves.toBeUndefined();
});

test('a mailbox that never had mail lists nothing', async () => {
  const settings = freshSettings();
  await dovecot.doveadm('mailbox', 'create', '-u', dovecot.user, settings.mailbox);
  const session = await openSession(settings);
  try {
    expect(await session.pending()).toEqual([]);
  } finally {
    await session.close();
  }
});

test('a drained mailbox lists no phantom UID although UIDNEXT has moved on', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  await dovecot.append(cancellationMail(2), settings.mailbox);
  const session = await openSession(settings);
  try {
    for (const message of await session.pending()) await session.settle(message, 'processed');
    expect(await session.pending()).toEqual([]);
  } finally {
    await session.close();
  }
});

test('settle refuses a key from before a UIDVALIDITY change and moves nothing', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  const firstSession = await openSession(settings);
  const [listedBefore] = await firstSession.pending();
  await firstSession.close();

  const uidValidity = BigInt(listedBefore.key.split(':')[0]);
  await dovecot.doveadm('mailbox', 'update', '-u', dovecot.user, '--uid-validity', String(uidValidity + 1n), settings.mailbox);

  const secondSession = await openSession(settings);
  try {
    await expect(secondSession.settle(listedBefore, 'processed')).rejects.toBeInstanceOf(StaleMessageKeyError);
    expect((await secondSession.pending()).map((message) => message.key)).toEqual([`${uidValidity + 1n}:1`]);
  } finally {
    await secondSession.close();
  }
  expect(await dovecot.list(settings.processedMailbox)).toBe(0);
});

test('settle rejects when someone else already moved the message away', async () => {
  const settings = freshSettings();
  await dovecot.append(cancellationMail(1), settings.mailbox);
  const session = await openSession(settings);
  try {
    const [message] = await session.pending();
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen(settings.mailbox);
      await client.messageMove('1:*', settings.quarantineMailbox);
    });
    await expect(session.settle(message, 'processed')).rejects.toThrow(/no longer in/);
  } finally {
    await session.close();
  }
  expect(await dovecot.list(settings.processedMailbox)).toBe(0);
});

test('open names the inbox and the server\'s answer when the inbox does not exist', async () => {
  const settings = freshSettings();
  await expect(openSession(settings)).rejects.toThrow(new RegExp(`selecting ${settings.mailbox}.*Mailbox doesn't exist`));
});

test('a wrong password rejects open with the mailbox named and the password not', async () => {
  const settings = { ...freshSettings(), password: 'not-the-secret' };
  const mailbox = createImapMailbox(settings, quietLog);
  const result = await settledAfter(mailbox.open());
  expect(result.outcome).toBe('rejected');
  const message = (result.error as Error).message;
  expect(message).toContain(mailbox.description);
  expect(message).not.toContain('not-the-secret');
  expect(mailbox.description).not.toContain('not-the-secret');
});

test('retention expunges processed mail received before the cutoff, and only that', async () => {
  const settings = freshSettings();
  await dovecot.withClient(async (client) => {
    await client.mailboxCreate(settings.processedMailbox);
    await client.append(settings.processedMailbox, cancellationMail(1), [], new Date('2026-09-01T00:00:00Z'));
    await client.append(settings.processedMailbox, cancellationMail(2), [], new Date('2026-11-30T00:00:00Z'));
  });
  const mailbox = createImapMailbox(settings, quietLog);
  expect(await mailbox.purgeProcessed!(new Date('2026-11-01T00:00:00Z'))).toBe(1);
  const left = await dovecot.withClient(async (client) => {
    await client.mailboxOpen(settings.processedMailbox, { readOnly: true });
    return (await client.fetchAll('1:*', { envelope: true })).map((message) => message.envelope?.messageId);
  });
  expect(left).toEqual(['<cancel-2@example.org>']);
});
