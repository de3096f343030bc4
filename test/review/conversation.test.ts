import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, intake } from '../support/review';

jest.setTimeout(30_000);

const CUSTOMER = 'hannah.okafor.93@gmail.com';
const VERIFIED = 'Authentication-Results: mx.example.test; dkim=pass header.d=gmail.com; spf=pass smtp.mailfrom=gmail.com; dmarc=pass header.from=gmail.com';

let harness: Harness;
let reference: string;

beforeEach(async () => {
  harness = await startApp();
  await addStaff(harness, 'alice');
  [reference] = await intake(harness, EN_REQUEST);
  await harness.app.flushOutbox();
});
afterEach(() => harness.app.close());

/** Every mail in the embedded outbox folder, oldest first. */
async function sentMails(): Promise<ParsedMail[]> {
  return Promise.all(harness.files('outgoing').map((name) => simpleParser(readFileSync(join(harness.dataDir, 'outgoing', name)))));
}

async function lastSent(): Promise<ParsedMail> {
  const mails = await sentMails();
  return mails.sort((a, b) => a.messageId!.localeCompare(b.messageId!)).find((mail) => mail.messageId === harness.app.queue.findRequest(reference)!.messages.at(-1)!.messageId)!;
}

/** The customer answers our last mail; intake, then the outbox, run as the daemon would. */
async function customerWrites(body: string, number: number) {
  const request = harness.app.queue.findRequest(reference)!;
  const ours = request.messages.filter((message) => message.direction === 'out').at(-1)!;
  harness.clock.advance(60_000);
  harness.deliverRaw(
    `follow-up-${number}.eml`,
    [VERIFIED, `From: Hannah Okafor <${CUSTOMER}>`, 'To: support@example.test', `Subject: Re: ${ours.subject}`, `Message-ID: <follow-up-${number}@gmail.com>`, `In-Reply-To: ${ours.messageId}`, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'),
  );
  await harness.app.drainInbox();
  await harness.app.flushOutbox();
  return harness.app.queue.findRequest(reference)!;
}

describe('the thread', () => {
  it('sends each mail as plain text and HTML alternatives, the organisation named', async () => {
    const [ack] = await sentMails();
    expect(ack.html).toContain(reference);
    expect(ack.html).toContain('mailto:support@example.test');
    const raw = readFileSync(join(harness.dataDir, 'outgoing', harness.files('outgoing')[0]), 'latin1');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
  });

  it('keeps our acknowledgement, as sent, with its PDF, after the customer mail', () => {
    const request = harness.app.queue.findRequest(reference)!;
    expect(request.messages.map((message) => message.direction)).toEqual(['in', 'out']);
    expect(request.messages[1]).toMatchObject({ from: 'support@example.test', subject: expect.stringContaining(reference), attachments: [`acknowledgement-${reference}.pdf`] });
    expect(request.messages[1].text).toContain(reference);
  });

  it('keeps a follow-up in the customer\'s own words, and marks the request unread until staff look', async () => {
    const request = await customerWrites('Please also refund my remaining balance of 23.50.', 1);
    expect(request.messages.filter((message) => message.direction === 'in').at(-1)).toMatchObject({ text: expect.stringContaining('refund my remaining balance'), authentication: 'pass' });
    expect(request.unreadSince).toBe(request.messages.filter((message) => message.direction === 'in').at(-1)!.at);
    expect(harness.app.review.list({ unread: true, page: 1, pageSize: 10 }).items.map((item) => item.reference)).toEqual([reference]);
    harness.app.review.markRead(reference);
    expect(harness.app.review.list({ unread: true, page: 1, pageSize: 10 }).items).toEqual([]);
  });

  it('answers a follow-up that changes nothing with a short note naming the request, not a second receipt', async () => {
    await customerWrites('Please also refund my remaining balance of 23.50.', 1);
    const mail = await lastSent();
    expect(mail.subject).toBe(`[${reference}] We have added your message to your request`);
    expect(mail.attachments).toEqual([]);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.references).toEqual(expect.arrayContaining(['<follow-up-1@gmail.com>']));
  });

  it('sends a new receipt when a follow-up corrects a field, and shows the correction old → new', async () => {
    const before = harness.app.queue.findRequest(reference)!.fields.username;
    const request = await customerWrites('Sorry, I made a typo.\nUsername: hokafor_1993', 1);
    expect(request.fields.username).toBe('hokafor_1993');
    expect(request.messages.filter((message) => message.direction === 'in').at(-1)!.changes).toEqual({ username: { from: before, to: 'hokafor_1993' } });
    const mail = await lastSent();
    expect(mail.attachments.map((attachment) => attachment.filename)).toEqual([`acknowledgement-${reference}.pdf`]);
  });

  it('flags a reply to a decided request without reopening it', async () => {
    harness.app.review.decide(reference, { kind: 'approve', by: 'alice', note: null });
    await harness.app.flushOutbox();
    expect(harness.app.queue.findRequest(reference)!.unreadSince).toBeNull();
    const request = await customerWrites('Thank you! When will it be done?', 1);
    expect(request.status).toBe('approved');
    expect(request.unreadSince).not.toBeNull();
    expect(request.events.find((event) => event.type === 'reply_received')!.detail).toMatchObject({ afterDecision: 'approved' });
    expect(harness.app.review.list({ unread: true, page: 1, pageSize: 10 }).items).toEqual([expect.objectContaining({ reference, status: 'approved' })]);
  });

  it('records a decision and its words as a staff entry in the conversation, and clears the unread mark', async () => {
    await customerWrites('Any news?', 1);
    harness.app.review.decide(reference, { kind: 'reject', by: 'alice', reason: 'The ID card has expired.' });
    const request = harness.app.queue.findRequest(reference)!;
    expect(request.messages.at(-1)).toMatchObject({ direction: 'note', from: 'alice', subject: 'rejected', text: 'The ID card has expired.' });
    expect(request.unreadSince).toBeNull();
  });
});

describe('the working-day promise', () => {
  it('states the due date in the acknowledgement, in the customer\'s language, and keeps it on the request', async () => {
    const request = harness.app.queue.findRequest(reference)!;
    // Received Friday 27 November 2026 (the fake clock), three working days: Wednesday 2 December.
    expect(request.dueDate).toBe('2026-12-02');
    const [ack] = await sentMails();
    expect(ack.text).toContain('by\nWednesday, 2 December 2026 (3 working days; public holidays do not count)');
  });

  it('lists only requests past their promise as overdue', () => {
    expect(harness.app.queue.listRequests({ overdueOn: '2026-12-02' })).toEqual([]);
    expect(harness.app.queue.listRequests({ overdueOn: '2026-12-03' }).map((request) => request.reference)).toEqual([reference]);
  });
});

describe('staff replies and notes', () => {
  it('mails a free reply in the customer\'s thread and language, with the reference, written by a person', async () => {
    const first = harness.app.queue.findRequest(reference)!;
    expect(harness.app.review.write(reference, { kind: 'reply', by: 'alice', text: 'We will refund your balance within 7 days.' })).toMatchObject({ ok: true });
    await harness.app.flushOutbox();
    const mail = await lastSent();
    expect(mail.subject).toBe(`[${reference}] About your account cancellation request`);
    expect(mail.text).toContain('We will refund your balance within 7 days.');
    expect(mail.inReplyTo).toBe(first.messageId);
    expect(mail.references).toEqual(expect.arrayContaining([first.messageId, first.messages[1].messageId]));
    expect(mail.headers.has('auto-submitted')).toBe(false);
    const request = harness.app.queue.findRequest(reference)!;
    expect(request.messages.at(-1)).toMatchObject({ direction: 'out', text: expect.stringContaining('within 7 days') });
    expect(request.events).toContainEqual(expect.objectContaining({ actor: 'alice', type: 'replied', detail: { message: 'We will refund your balance within 7 days.' } }));
    expect(request.status).toBe('pending_review');
  });

  it('keeps a note for colleagues in the conversation and mails nothing', async () => {
    const mailsBefore = harness.files('outgoing').length;
    expect(harness.app.review.write(reference, { kind: 'note', by: 'alice', text: 'Called her; she confirms.' })).toMatchObject({ ok: true });
    await harness.app.flushOutbox();
    expect(harness.files('outgoing')).toHaveLength(mailsBefore);
    expect(harness.app.queue.findRequest(reference)!.messages.at(-1)).toMatchObject({ direction: 'note', from: 'alice', text: 'Called her; she confirms.' });
  });

  it('refuses empty words and unknown staff', () => {
    expect(harness.app.review.write(reference, { kind: 'reply', by: 'alice', text: '  ' })).toMatchObject({ ok: false, reason: 'missing_text' });
    expect(harness.app.review.write(reference, { kind: 'note', by: 'mallory', text: 'x' })).toMatchObject({ ok: false, reason: 'unknown_staff' });
    expect(harness.app.review.write('CR-ZZZZZZZZZZ', { kind: 'note', by: 'alice', text: 'x' })).toMatchObject({ ok: false, reason: 'not_found' });
  });
});
