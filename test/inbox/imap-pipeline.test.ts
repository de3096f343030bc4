import { randomBytes } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Destination, Mailbox, MailboxSession, PendingMessage } from '../../src/mailbox/mailbox';
import { createImapMailbox } from '../../src/mailbox/imap-mailbox';
import { loadConfig } from '../../src/config';
import { startApp, type Harness } from '../support/app-harness';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { fixtureNames, loadFixture } from '../support/fixtures';
import { pdfText } from '../support/pdf-text';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

jest.setTimeout(120_000);

let dovecot: DovecotServer;
let smtp: SmtpSink;
const vaultKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot(), startSmtpSink()]);
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), smtp?.stop()]);
});

function env(): Record<string, string> {
  return {
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: dovecot.user,
    IMAP_PASSWORD: dovecot.password,
    VAULT_KEY: vaultKey,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'false',
  };
}

/** A fixture as a different mail: its own Message-ID, so it is a new request, not a duplicate. */
function asNewMail(name: string, copy: number): Buffer {
  const raw = loadFixture(name).raw.toString('latin1').replace(/^Message-ID:.*\r?\n/im, '');
  return Buffer.from(`Message-ID: <copy-${copy}-${name}@test.example>\r\n${raw}`, 'latin1');
}

async function sentMail(): Promise<ParsedMail[]> {
  return Promise.all(smtp.received.map((mail) => simpleParser(mail.raw)));
}

/** The real IMAP mailbox with one step replaced, to inject a fault exactly there. */
function imapMailboxWith(settle: (session: MailboxSession, message: PendingMessage, destination: Destination) => Promise<void>): Mailbox {
  const real = createImapMailbox(loadConfig(env()).imap!, { info() {}, warn() {}, error() {} });
  return {
    description: real.description,
    async open() {
      const session = await real.open();
      return {
        generation: session.generation,
        pending: () => session.pending(),
        read: (message) => session.read(message),
        close: () => session.close(),
        settle: (message, destination) => settle(session, message, destination),
      };
    },
  };
}

async function cycle(harness: Harness) {
  return { ...(await harness.app.drainInbox()), ...(await harness.app.flushOutbox()) };
}

async function emptyTheServer(): Promise<void> {
  for (const folder of ['INBOX', 'Processed', 'Quarantine']) {
    await dovecot.doveadm('expunge', '-u', dovecot.user, 'mailbox', folder, 'all').catch(() => '');
  }
  smtp.received.length = 0;
}

describe('a Dovecot inbox of a few hundred mixed mails', () => {
  let harness: Harness;
  const copies = 2;
  const names = fixtureNames();
  const expectations = names.map((name) => loadFixture(name).expected);

  beforeAll(async () => {
    await emptyTheServer();
    for (let copy = 0; copy < copies; copy++) for (const name of names) await dovecot.append(asNewMail(name, copy));
    harness = await startApp(env());
    await cycle(harness);
  });
  afterAll(() => harness.app.close());

  it('leaves the inbox empty, every mail filed as processed or quarantined', async () => {
    const quarantined = expectations.filter((expected) => expected.disposition === 'quarantine').length * copies;
    expect(await dovecot.list('INBOX')).toBe(0);
    expect(await dovecot.list('Quarantine')).toBe(quarantined);
    expect(await dovecot.list('Processed')).toBe(names.length * copies - quarantined);
  });

  it('queues every request exactly once', () => {
    const requests = expectations.filter((expected) => expected.disposition === 'queue').length * copies;
    expect(harness.app.queue.listRequests()).toHaveLength(requests);
  });

  it('acknowledges every requester once and mails nobody else', async () => {
    const acknowledged = names.filter((_name, index) => expectations[index].acknowledge);
    const mails = await sentMail();
    expect(mails).toHaveLength(acknowledged.length * copies);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(mails.length);
    const recipients = mails.map((mail) => (Array.isArray(mail.to) ? '' : mail.to?.value[0].address)).sort();
    const expectedRecipients = acknowledged.flatMap((name) => Array(copies).fill(loadFixture(name).expected.from)).sort();
    expect(recipients).toEqual(expectedRecipients);
  });

  it('attaches a receipt whose text names the reference and reads correctly in Chinese', async () => {
    const mails = await sentMail();
    const chinese = mails.find((mail) => mail.subject?.includes('注销'))!;
    const reference = /CR-[A-Z0-9]{8,}/.exec(chinese.subject!)![0];
    const text = pdfText(chinese.attachments[0].content);
    expect(text).toContain(reference);
    expect(text).toContain('注销');
    expect(text).toContain(harness.app.queue.findRequest(reference)!.email);
  });

  it('changes nothing on a second poll', async () => {
    const before = { requests: harness.app.queue.listRequests().length, sent: smtp.received.length };
    expect(await cycle(harness)).toMatchObject({ seen: 0, sent: 0 });
    expect({ requests: harness.app.queue.listRequests().length, sent: smtp.received.length }).toEqual(before);
  });
});

describe('faults', () => {
  const REQUEST = 'zh-qq-gb18030-base64-table';
  const OTHERS = ['en-iphone-heic-prose', 'machine-ooo-auto-submitted', 'en-outlook-windows-table'];

  beforeEach(emptyTheServer);

  it('keeps the acknowledgement while SMTP refuses, and sends it once when it recovers', async () => {
    await dovecot.append(asNewMail(REQUEST, 100));
    const harness = await startApp(env());
    smtp.refuse(true);
    expect(await cycle(harness)).toMatchObject({ queued: 1, sent: 0, sendFailed: 1 });
    expect(await dovecot.list('INBOX')).toBe(0);
    expect(await harness.app.flushOutbox()).toMatchObject({ sent: 0 });
    smtp.refuse(false);
    harness.clock.advance(60 * 60 * 1000);
    expect(await harness.app.flushOutbox()).toMatchObject({ sent: 1 });
    harness.clock.advance(60 * 60 * 1000);
    expect(await harness.app.flushOutbox()).toMatchObject({ sent: 0 });
    expect(smtp.received).toHaveLength(1);
    harness.app.close();
  });

  it('neither reprocesses nor loses a message when UIDVALIDITY changes between commit and move', async () => {
    await dovecot.append(asNewMail(REQUEST, 300));
    const crashingBeforeMove = imapMailboxWith(async () => {
      throw new Error('injected: the process died before moving the mail');
    });
    const first = await startApp(env(), { mailbox: crashingBeforeMove });
    await expect(first.app.drainInbox()).rejects.toThrow('injected');
    first.app.close();
    await dovecot.doveadm('mailbox', 'update', '-u', dovecot.user, '--uid-validity', String(Math.floor(Date.now() / 1000) + 12345), 'INBOX');

    const second = await startApp(env(), {}, first.dataDir);
    expect(await cycle(second)).toMatchObject({ seen: 1, alreadyHandled: 1, queued: 0, sent: 1 });
    expect(second.logs).toContainEqual(expect.objectContaining({ event: 'mailbox_generation_changed' }));
    expect(await dovecot.list('INBOX')).toBe(0);
    expect(second.app.queue.listRequests()).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    second.app.close();
  });

  it('loses nothing and duplicates nothing when the IMAP connection drops mid-cycle', async () => {
    for (const [index, name] of [REQUEST, ...OTHERS].entries()) await dovecot.append(asNewMail(name, 200 + index));
    let settled = 0;
    const droppingAfterTwo = imapMailboxWith(async (session, message, destination) => {
      await session.settle(message, destination);
      if (++settled === 2) await dovecot.dropConnections();
    });
    const harness = await startApp(env(), { mailbox: droppingAfterTwo });
    await expect(harness.app.drainInbox()).rejects.toThrow();
    expect(await dovecot.list('INBOX')).toBe(2);
    await cycle(harness);
    expect(await dovecot.list('INBOX')).toBe(0);
    expect(harness.app.queue.listRequests()).toHaveLength(3);
    expect(smtp.received).toHaveLength(3);
    harness.app.close();
  });
});
