import { randomBytes } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Destination, Mailbox, MailboxSession, PendingMessage } from '../../src/mailbox/mailbox';
import { createImapMailbox } from '../../src/mailbox/imap-mailbox';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/log';
import { startApp, type Harness } from '../support/app-harness';
import { type DovecotServer, imapEnvFor, startDovecot } from '../support/dovecot';
import { analyseMessage } from '../../src/intake/analyse-message';
import { fixtureNames, fixturePolicy, fixtureToday, loadFixture } from '../support/fixtures';
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
    ...imapEnvFor(dovecot),
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
  const real = createImapMailbox(loadConfig(env()).imap!, createLogger(() => undefined, systemClock));
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
  // One copy of every fixture is a few hundred mails; the loaded CI machine should not spend minutes on more.
  const copies = 1;
  const names = fixtureNames();
  const expectations = names.map((name) => loadFixture(name).expected);
  /** Replies naming a request this desk never had: nothing to join, so they wait in triage, unanswered. */
  const orphanReplies = new Set<string>();

  beforeAll(async () => {
    for (const name of names) {
      const { result, standsAlone } = await analyseMessage(loadFixture(name).raw, fixturePolicy, fixtureToday);
      if (result.disposition === 'queue' && !standsAlone) orphanReplies.add(name);
    }
    await emptyTheServer();
    for (let copy = 0; copy < copies; copy++) for (const name of names) await dovecot.append(asNewMail(name, copy));
    // More acknowledgements at once than the default hourly breaker (ACK_LIMIT_PER_HOUR) lets through.
    harness = await startApp({ ...env(), ACK_LIMIT_PER_HOUR: '1000' });
    await cycle(harness);
  }, 300_000);
  afterAll(() => harness.app.close());

  it('leaves the inbox empty, every mail filed as processed or quarantined', async () => {
    const quarantined = expectations.filter((expected) => expected.disposition === 'quarantine').length * copies;
    expect(await dovecot.list('INBOX')).toBe(0);
    expect(await dovecot.list('Quarantine')).toBe(quarantined);
    expect(await dovecot.list('Processed')).toBe(names.length * copies - quarantined);
  });

  it('queues every request exactly once, and keeps every other human mail for staff', () => {
    const requests = names.filter((name, index) => expectations[index].disposition === 'queue' && !orphanReplies.has(name)).length * copies;
    expect(harness.app.queue.listRequests()).toHaveLength(requests);
    const triaged = (expectations.filter((expected) => expected.disposition === 'triage').length + orphanReplies.size) * copies;
    expect(harness.app.triage.list('all')).toHaveLength(triaged);
  });

  it('acknowledges every requester once and mails nobody else', async () => {
    const acknowledged = names.filter((name, index) => expectations[index].acknowledge && !orphanReplies.has(name));
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

describe('the mail people really send', () => {
  let harness: Harness;
  beforeAll(async () => {
    await emptyTheServer();
    harness = await startApp(env());
  });
  afterAll(() => harness.app.close());

  it('queues a terse request, then joins a reply that names it only by our Message-ID', async () => {
    const terse = loadFixture('r6a-01-en-gmail-terse-subject-cancel-labelled-passport-jpeg');
    await dovecot.append(terse.raw);
    expect(await cycle(harness)).toMatchObject({ queued: 1, sent: 1 });
    const [ack] = await sentMail();
    const [request] = harness.app.queue.listRequests();
    expect(request.email).toBe(terse.expected.from);

    const reply = [
      'Authentication-Results: mx.example.test; dkim=pass header.d=gmail.com; spf=pass smtp.mailfrom=gmail.com; dmarc=pass header.from=gmail.com',
      `From: ${terse.expected.from}`,
      'To: support@example.test',
      'Subject: Re: Your request',
      'Message-ID: <reply-by-message-id@mail.gmail.com>',
      `In-Reply-To: ${ack.messageId}`,
      `References: ${ack.messageId}`,
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Thanks, is there anything else you need from me?',
      '',
    ].join('\r\n');
    await dovecot.append(Buffer.from(reply));
    expect(await cycle(harness)).toMatchObject({ threaded: 1, queued: 0 });
    const updated = harness.app.queue.findRequest(request.reference)!;
    expect(updated.messages.map((message) => message.text)).toContain('Thanks, is there anything else you need from me?');
    expect(harness.app.queue.listRequests()).toHaveLength(1);
  });

  it('keeps a question for staff and sends it nothing', async () => {
    const sentBefore = smtp.received.length;
    const question = loadFixture('r6a-21-zh-qq-triage-how-to-cancel-question-in-subject-and-body');
    await dovecot.append(question.raw);
    expect(await cycle(harness)).toMatchObject({ triaged: 1, sent: 0 });
    expect(harness.app.triage.list().map((item) => item.from)).toEqual([question.expected.from]);
    expect(smtp.received).toHaveLength(sentBefore);
    expect(await dovecot.list('INBOX')).toBe(0);
  });

  it('queues a request whose sender failed DMARC for staff, and sends the forged address nothing', async () => {
    const sentBefore = smtp.received.length;
    const forged = loadFixture('r6a-26-zh-thunderbird-dmarc-fail-163-from-via-company-relay-complete-request-no-ack');
    await dovecot.append(forged.raw);
    expect(await cycle(harness)).toMatchObject({ queued: 1, sent: 0 });
    const request = harness.app.queue.listRequests().find((candidate) => candidate.email === forged.expected.from)!;
    expect(request.senderAuthentication).toBe('fail');
    expect(request.events.find((event) => event.type === 'acknowledgement_withheld')!.detail).toEqual({ reason: 'sender_authentication_failed' });
    expect(smtp.received).toHaveLength(sentBefore);
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
