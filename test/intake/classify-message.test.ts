import { MACHINE_KIND, machineEvidence } from '../../src/intake/classify-message';
import { readMessage } from '../../src/intake/read-message';

// Our own sending address (test/fixtures/README.md): mail from it is our own coming back.
const OWN = ['support@example.test'];

const DELIVERY = [
  'Return-Path: <river.song42@example.com>',
  'Received: from mail-ej1-f41.google.com (mail-ej1-f41.google.com [209.85.218.41]) by mx.example.test; Fri, 27 Nov 2026 08:12:01 +0000',
  'Authentication-Results: mx.example.test; dkim=pass header.d=example.com; spf=pass; dmarc=pass',
];

/** A small raw mail: the given header lines (From, Subject…) plus a plain body unless a Content-Type is given. */
async function mail(headers: string[], body = 'Please close my account.\r\nUsername: river.song42') {
  const hasType = headers.some((line) => /^content-type:/i.test(line));
  const lines = [
    ...DELIVERY,
    ...headers,
    'To: support@example.test',
    'Date: Fri, 27 Nov 2026 08:11:58 +0000',
    'Message-ID: <CAB1x2y3z@mail.example.com>',
    'MIME-Version: 1.0',
    ...(hasType ? [] : ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit']),
    '',
    body,
    '',
  ];
  return readMessage(Buffer.from(lines.join('\r\n'), 'utf8'));
}

const CUSTOMER = 'From: River Song <river.song42@example.com>';

/** A header value the way Gmail, QQ Mail and Outlook write non-ASCII text (RFC 2047, UTF-8, base64). */
const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** The machine kind, or what the words made a human mail (`isRequest`): machines are recognised before words count. */
const kindOf = async (headers: string[], isRequest = true, body?: string) => {
  const machine = machineEvidence(await mail(headers, body), OWN);
  return machine ? MACHINE_KIND[machine.signal] : isRequest ? 'cancellation_request' : 'other';
};

describe('machineEvidence', () => {
  describe('customer mail', () => {
    it('calls a customer asking to close the account a cancellation_request', async () => {
      expect(await kindOf([CUSTOMER, 'Subject: Close my account'], true)).toBe('cancellation_request');
    });

    it('calls other customer mail other', async () => {
      expect(await kindOf([CUSTOMER, 'Subject: Question about my bill'], false, 'Why is my bill higher this month?')).toBe('other');
    });

    it('calls a Chinese request with a vacation-sounding word later in the subject a request', async () => {
      expect(await kindOf([`From: ${encoded('张伟')} <zhangwei88@qq.com>`, `Subject: ${encoded('申请注销账号（休假回来了）')}`], true)).toBe(
        'cancellation_request',
      );
    });

    it('does not take a subject starting with 外出 ("going out to work") as an auto-reply', async () => {
      // 外出 is not one of the README's out-of-office subjects.
      expect(await kindOf([`From: ${encoded('张伟')} <zhangwei88@qq.com>`, `Subject: ${encoded('外出打工，申请注销账号')}`], true)).toBe(
        'cancellation_request',
      );
    });

    it('does not take Auto-Submitted: no as an auto-reply', async () => {
      expect(await kindOf([CUSTOMER, 'Subject: Close my account', 'Auto-Submitted: No'], true)).toBe('cancellation_request');
    });
  });

  describe('bounces', () => {
    it('calls a multipart/report delivery-status notification a bounce', async () => {
      const headers = [
        'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
        'Subject: Delivery Status Notification (Failure)',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="000000000000dsn1"',
      ];
      const body = [
        '--000000000000dsn1',
        'Content-Type: text/plain; charset="UTF-8"',
        '',
        "Your message wasn't delivered to li.na@example.cn because the address couldn't be found.",
        '--000000000000dsn1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; googlemail.com',
        '',
        'Final-Recipient: rfc822; li.na@example.cn',
        'Action: failed',
        'Status: 5.1.1',
        '--000000000000dsn1--',
      ].join('\r\n');
      expect(await kindOf(headers, false, body)).toBe('bounce');
    });

    it('calls a delivery-status part inside multipart/mixed a bounce, whoever sent it', async () => {
      const headers = ['From: Mail System <mail-system@relay.example.org>', 'Subject: Undeliverable: Close my account', 'Content-Type: multipart/mixed; boundary="dsn2"'];
      const body = [
        '--dsn2',
        'Content-Type: text/plain',
        '',
        'Delivery has failed to these recipients.',
        '--dsn2',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; relay.example.org',
        '',
        'Final-Recipient: rfc822; river.song42@example.com',
        'Action: failed',
        'Status: 5.2.2',
        '--dsn2--',
      ].join('\r\n');
      expect(await kindOf(headers, true, body)).toBe('bounce');
    });

    it('calls an abuse feedback report a bounce', async () => {
      const headers = ['From: Abuse Desk <fbl@isp.example.net>', 'Subject: FW: Close my account', 'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"'];
      const body = ['--arf', 'Content-Type: text/plain', '', 'This is an abuse report.', '--arf', 'Content-Type: message/feedback-report', '', 'Feedback-Type: abuse', 'Version: 1', '--arf--'].join('\r\n');
      expect(await kindOf(headers, true, body)).toBe('bounce');
    });

    test.each([
      ['MAILER-DAEMON', 'From: MAILER-DAEMON@mx.qq.com'],
      ['postmaster', 'From: "System Administrator" <postmaster@163.com>'],
    ])('calls mail from %s a bounce, even when it quotes a request', async (_case, from) => {
      expect(await kindOf([from, 'Subject: 退信：申请注销账号'], true, '请注销我的账号 zhangwei88')).toBe('bounce');
    });
  });

  describe('auto-replies', () => {
    test.each([
      ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied'],
      ['Auto-Submitted: auto-generated', 'Auto-Submitted: auto-generated'],
      ['X-Autoreply', 'X-Autoreply: yes'],
      ['X-Autorespond', 'X-Autorespond: Out of office'],
      ['X-QQ-AUTO-REPLY', 'X-QQ-AUTO-REPLY: 1'],
    ])('calls mail carrying %s an auto_reply', async (_case, header) => {
      expect(await kindOf([CUSTOMER, 'Subject: Re: Close my account', header], true)).toBe('auto_reply');
    });

    test.each([
      ['Out of Office: Re: Close my account'],
      ['Automatic reply: Close my account'],
      ['Auto: Re: Your cancellation request CR-7Q2M9X4K'],
      ['自动回复: 关于注销账号'],
      ['休假中，12月1日返回'],
      ['不在办公室'],
    ])('calls the subject "%s" an auto_reply', async (subject) => {
      expect(await kindOf([CUSTOMER, `Subject: ${encoded(subject)}`], true)).toBe('auto_reply');
    });

    it('calls a bracketed 【自动回复】 subject an auto_reply', async () => {
      expect(await kindOf([CUSTOMER, `Subject: ${encoded('【自动回复】您好，您的来信已收到')}`], true)).toBe('auto_reply');
    });

    it('calls a read receipt an auto_reply, not a bounce', async () => {
      const headers = [CUSTOMER, 'Subject: Read: Close my account', 'Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"'];
      const body = ['--mdn', 'Content-Type: text/plain', '', 'Your message was read.', '--mdn', 'Content-Type: message/disposition-notification', '', 'Disposition: manual-action/MDN-sent-manually; displayed', '--mdn--'].join('\r\n');
      expect(await kindOf(headers, true, body)).toBe('auto_reply');
    });

    it('calls our own acknowledgement coming back through a forwarder an auto_reply', async () => {
      expect(await kindOf(['From: Example Support <Support@Example.TEST>', 'Subject: Your cancellation request CR-7Q2M9X4K'], true)).toBe('auto_reply');
    });

    it('calls an out-of-office reply an auto_reply even though it is sent with Precedence: bulk', async () => {
      expect(await kindOf([CUSTOMER, 'Subject: Out of Office', 'Precedence: bulk', 'Auto-Submitted: auto-replied'], false)).toBe('auto_reply');
    });
  });

  describe('bulk mail', () => {
    test.each([
      ['Precedence: bulk'],
      ['Precedence: list'],
      ['Precedence: Junk'],
      ['List-Id: <customers.lists.example.org>'],
      ['List-Unsubscribe: <mailto:unsubscribe@news.example.org>, <https://news.example.org/u/abc>'],
    ])('calls mail with "%s" bulk', async (header) => {
      expect(await kindOf(['From: News <news@news.example.org>', 'Subject: Close your old accounts the easy way', header], false)).toBe('bulk');
    });

    it('calls a newsletter bulk even when its words read like a request', async () => {
      expect(await kindOf(['From: Tips <tips@news.example.org>', 'Subject: How to cancel my account', 'List-Unsubscribe: <https://news.example.org/u/1>'], true)).toBe('bulk');
    });
  });
});
