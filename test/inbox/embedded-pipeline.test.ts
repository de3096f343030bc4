import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../../src/config';
import type { Vault } from '../../src/queue/vault';
import { startApp, type Harness } from '../support/app-harness';

const COMPLETE_ZH = 'zh-qq-gb18030-base64-table';
const NEEDS_ID = 'zh-163-prose-fields-quoted-template';
const AUTO_REPLY = 'zh-qq-auto-reply-x-qq-auto-reply';

async function outgoing(harness: Harness) {
  return Promise.all(harness.files('outgoing').map((name) => simpleParser(readFileSync(join(harness.dataDir, 'outgoing', name)))));
}

async function cycle(harness: Harness) {
  const drained = await harness.app.drainInbox();
  const flushed = await harness.app.flushOutbox();
  return { ...drained, ...flushed };
}

describe('the embedded default (folder inbox, files as outgoing mail)', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startApp();
  });
  afterEach(() => harness.app.close());

  it('queues a complete request once, for review, and moves the mail to processed', async () => {
    harness.deliver(COMPLETE_ZH);
    await cycle(harness);
    const [request] = harness.app.queue.listRequests();
    expect(harness.app.queue.listRequests()).toHaveLength(1);
    expect(request).toMatchObject({ status: 'pending_review', email: '1827364509@qq.com', language: 'zh', problems: [] });
    expect(request.reference).toMatch(/^CR-[A-Z0-9]{8,}$/);
    expect(harness.files('inbox')).toEqual([]);
    expect(harness.files('inbox/processed')).toEqual([`${COMPLETE_ZH}.eml`]);
  });

  it('acknowledges the sender once, in their language, threaded and marked as automatic, with the PDF receipt', async () => {
    harness.deliver(COMPLETE_ZH);
    await cycle(harness);
    const [request] = harness.app.queue.listRequests();
    const mails = await outgoing(harness);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.to).toMatchObject({ value: [{ address: '1827364509@qq.com' }] });
    expect(mail.subject).toContain(`[${request.reference}]`);
    expect(mail.subject).toContain('注销申请');
    expect(mail.inReplyTo).toBe(request.messageId);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.messageId).toBe(`<acknowledgement.${request.reference}.1@example.test>`);
    expect(mail.attachments.map((attachment) => attachment.filename)).toEqual([`acknowledgement-${request.reference}.pdf`]);
  });

  it('asks for what is missing and keeps the request in needs_info', async () => {
    harness.deliver(NEEDS_ID);
    await cycle(harness);
    const [request] = harness.app.queue.listRequests();
    expect(request).toMatchObject({ status: 'needs_info', problems: ['missing_id_document'] });
    const [mail] = await outgoing(harness);
    expect(mail.text).toContain('身份证');
  });

  it('changes nothing on a second cycle', async () => {
    harness.deliver(COMPLETE_ZH);
    harness.deliver(AUTO_REPLY);
    await cycle(harness);
    const before = { requests: harness.app.queue.listRequests(), outgoing: harness.files('outgoing') };
    const second = await cycle(harness);
    expect(second).toMatchObject({ seen: 0, sent: 0 });
    expect({ requests: harness.app.queue.listRequests(), outgoing: harness.files('outgoing') }).toEqual(before);
  });

  it('never answers an auto-reply and files it as processed', async () => {
    harness.deliver(AUTO_REPLY);
    const summary = await cycle(harness);
    expect(summary).toMatchObject({ ignored: 1, sent: 0 });
    expect(harness.app.queue.listRequests()).toEqual([]);
    expect(harness.files('outgoing')).toEqual([]);
    expect(harness.files('inbox/processed')).toEqual([`${AUTO_REPLY}.eml`]);
  });

  it('quarantines mail that cannot be parsed, with the reason logged', async () => {
    harness.deliverRaw('garbage.eml', Buffer.from([0, 1, 2, 255, 254, 10]));
    await cycle(harness);
    expect(harness.files('inbox/quarantine')).toEqual(['garbage.eml']);
    expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'message_handled', outcome: 'quarantined', problems: ['malformed_mime', 'no_sender'] }));
  });

  it('turns the same mail delivered twice into one request and one acknowledgement', async () => {
    harness.deliver(COMPLETE_ZH, 'first.eml');
    harness.deliver(COMPLETE_ZH, 'second.eml');
    const summary = await cycle(harness);
    expect(summary).toMatchObject({ queued: 1, alreadyHandled: 1, sent: 1 });
    expect(harness.files('inbox/processed')).toEqual(['first.eml', 'second.eml']);
  });

  it('stores ID documents encrypted, readable only with the vault key', async () => {
    harness.deliver(COMPLETE_ZH);
    await cycle(harness);
    const [request] = harness.app.queue.listRequests();
    const [document] = request.idDocuments;
    const sealed = readFileSync(join(harness.dataDir, 'vault', `${document.vaultId}.bin`));
    const opened = await harness.app.vault.get(document.vaultId);
    expect(opened.length).toBe(document.size);
    expect(sealed.includes(opened.subarray(0, 64))).toBe(false);
    expect(statSync(join(harness.dataDir, 'vault.key')).mode & 0o777).toBe(0o600);
  });

  /** The customer's answer to our acknowledgement, carrying the missing ID photo; `authentication` is what our server wrote. */
  async function replyWithPhoto(authentication: string | null) {
    harness.deliver(NEEDS_ID);
    await cycle(harness);
    const [request] = harness.app.queue.listRequests();
    const [ack] = await outgoing(harness);
    const photo = readFileSync(join(__dirname, '..', 'fixtures', 'intake', `${COMPLETE_ZH}.eml`));
    const idPart = /Content-Type: application\/octet-stream[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(photo.toString('latin1'))![1];
    harness.deliverRaw(
      'reply.eml',
      [
        ...(authentication ? [`Authentication-Results: mx.example.test; ${authentication}`] : []),
        'From: zhangwei1990@163.com',
        'To: support@example.test',
        `Subject: =?UTF-8?B?${Buffer.from(`回复：${ack.subject}`).toString('base64')}?=`,
        'Message-ID: <reply-1@163.com>',
        `In-Reply-To: ${ack.messageId}`,
        `References: ${ack.messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('补充身份证照片。').toString('base64'),
        '--b',
        'Content-Type: image/jpeg; name="id.jpg"',
        'Content-Disposition: attachment; filename="id.jpg"',
        'Content-Transfer-Encoding: base64',
        '',
        idPart.trim(),
        '--b--',
        '',
      ].join('\r\n'),
    );
    const summary = await cycle(harness);
    return { request, summary, updated: harness.app.queue.findRequest(request.reference)! };
  }

  it('threads a verified reply carrying the reference into the request and completes it', async () => {
    const { request, summary, updated } = await replyWithPhoto('dkim=pass header.d=163.com; spf=pass smtp.mailfrom=163.com; dmarc=pass header.from=163.com');
    expect(summary).toMatchObject({ threaded: 1, sent: 1 });
    expect(updated).toMatchObject({ status: 'pending_review', problems: [], fields: request.fields });
    expect(updated.idDocuments.map((document) => [document.filename, document.counted])).toEqual([['id.jpg', true]]);
    expect(updated.events.map((event) => event.type)).toContain('reply_received');
    const customerMails = updated.messages.filter((message) => message.direction === 'in');
    expect(customerMails.map((message) => [message.authentication, message.applied])).toEqual([
      ['pass', true],
      ['pass', true],
    ]);
    expect(customerMails[1]).toMatchObject({ text: '补充身份证照片。', documents: [1] });
    expect(harness.app.queue.listRequests()).toHaveLength(1);
  });

  it('keeps an unverified reply on the request for staff without letting it change the request', async () => {
    const { request, summary, updated } = await replyWithPhoto(null);
    expect(summary).toMatchObject({ threaded: 1 });
    expect(updated).toMatchObject({ status: 'needs_info', problems: request.problems, fields: request.fields });
    expect(updated.idDocuments.map((document) => [document.filename, document.counted])).toEqual([['id.jpg', false]]);
    expect(updated.messages.filter((message) => message.direction === 'in').at(-1)).toMatchObject({ authentication: 'none', applied: false, text: '补充身份证照片。', documents: [1] });
    expect(updated.events.find((event) => event.type === 'reply_received')!.detail).toMatchObject({ verified: false });
  });

  /** A mail from someone else answering our acknowledgement: only its headers name the request. */
  async function answerFromAnotherSender(body: string) {
    harness.deliver(NEEDS_ID);
    await cycle(harness);
    const [request] = harness.app.queue.listRequests();
    const [ack] = await outgoing(harness);
    harness.deliverRaw(
      'someone-else.eml',
      [
        'Authentication-Results: mx.example.test; dkim=pass header.d=example.org; dmarc=pass header.from=example.org',
        'From: Mallory <mallory@example.org>',
        'To: support@example.test',
        'Subject: Re: hello',
        'Message-ID: <someone-else@example.org>',
        `In-Reply-To: ${ack.messageId}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
        '',
      ].join('\r\n'),
    );
    const summary = await cycle(harness);
    return { request, summary, updated: harness.app.queue.findRequest(request.reference)! };
  }

  it('does not let another sender join a request by answering its mail: without evidence of its own, the mail waits in triage', async () => {
    const { request, summary, updated } = await answerFromAnotherSender('Please send me everything you have on this account.');
    expect(summary).toMatchObject({ triaged: 1, threaded: 0, queued: 0, sent: 0 });
    expect(updated.messages).toHaveLength(request.messages.length);
    expect(harness.app.triage.list().map((item) => item.from)).toEqual(['mallory@example.org']);
  });

  it('makes a mail from another sender that asks to close an account a request of its own', async () => {
    const { request, summary } = await answerFromAnotherSender('Please close my account. Username: mallory_99');
    expect(summary).toMatchObject({ queued: 1, threaded: 0 });
    expect(harness.app.queue.listRequests().map((candidate) => candidate.email).sort()).toEqual([request.email, 'mallory@example.org'].sort());
  });

  it('quarantines a message that keeps failing after bounded attempts, without blocking the next one', async () => {
    harness.app.close();
    const brokenVault: Vault = {
      put: async () => {
        throw new Error('injected: the vault cannot take this document');
      },
      get: async () => Buffer.alloc(0),
      remove: async () => undefined,
      removeUnreferenced: async () => 0,
    };
    harness = await startApp({ MAX_PROCESSING_ATTEMPTS: '2' }, { vault: brokenVault }, harness.dataDir);
    harness.deliver(COMPLETE_ZH, 'a-poison.eml');
    harness.deliver(AUTO_REPLY, 'b-next.eml');
    expect(await cycle(harness)).toMatchObject({ failed: 1, ignored: 1 });
    expect(harness.files('inbox')).toEqual(['a-poison.eml']);
    expect(await cycle(harness)).toMatchObject({ quarantined: 1 });
    expect(harness.files('inbox/quarantine')).toEqual(['a-poison.eml']);
    expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'message_handled', reason: 'processing_failed' }));
  });
});

describe('configuration of the vault', () => {
  it('refuses to start with IMAP configured and no VAULT_KEY', () => {
    expect(() => loadConfig({ IMAP_HOST: 'imap.example.test', IMAP_USER: 'support', IMAP_PASSWORD: 'secret' })).toThrow(/VAULT_KEY.*openssl rand -base64 32/);
  });
});
