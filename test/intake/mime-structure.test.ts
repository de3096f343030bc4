import { checkMimeStructure } from '../../src/intake/mime-structure';
import { defaultLimits, type IntakeLimits } from '../../src/intake/intake-policy';
import { manyParts, nestedMultipart } from '../support/hostile-mail';

const HEADER = [
  'Return-Path: <li.na@163.com>',
  'Received: from m15-112.163.com (m15-112.163.com [220.181.15.112]) by mx.example.test with ESMTP; Fri, 27 Nov 2026 08:12:01 +0000',
  'From: =?UTF-8?B?5p2O5aic?= <li.na@163.com>',
  'To: support@example.test',
  'Subject: =?UTF-8?B?55Sz6K+35rOo6ZSA6LSm5Y+3?=',
  'Message-ID: <5f3a1c2e.1b2d.18c0@163.com>',
  'MIME-Version: 1.0',
];

const mail = (...lines: string[]): Buffer => Buffer.from([...HEADER, ...lines].join('\r\n'), 'latin1');
const check = (raw: Buffer, limits: IntakeLimits = defaultLimits) => checkMimeStructure(raw, limits);

/** A message/rfc822 forwarded inside a forwarded message, `levels` deep, with no multipart at all. */
function nestedForwards(levels: number): Buffer {
  const embedded = 'From: someone@example.org\r\nSubject: Fwd\r\nContent-Type: message/rfc822\r\n\r\n';
  return Buffer.from(
    `${HEADER.join('\r\n')}\r\nContent-Type: message/rfc822\r\n\r\n${embedded.repeat(levels)}Content-Type: text/plain\r\n\r\nPlease close my account.\r\n`,
  );
}

describe('checkMimeStructure', () => {
  describe('ordinary mail', () => {
    it('finds nothing wrong with a plain text mail', () => {
      expect(check(mail('Content-Type: text/plain; charset=utf-8', '', '请注销我的账号 zhangwei88。'))).toBeNull();
    });

    it('finds nothing wrong with a Gmail alternative inside a mixed with an attachment', () => {
      const raw = mail(
        'Content-Type: multipart/mixed; boundary="000000000000a1b2c3d4e5f60718"',
        '',
        '--000000000000a1b2c3d4e5f60718',
        'Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60717"',
        '',
        '--000000000000a1b2c3d4e5f60717',
        'Content-Type: text/plain; charset="UTF-8"',
        '',
        'Please close my account.',
        '--000000000000a1b2c3d4e5f60717',
        'Content-Type: text/html; charset="UTF-8"',
        '',
        '<div dir="ltr">Please close my account.</div>',
        '--000000000000a1b2c3d4e5f60717--',
        '--000000000000a1b2c3d4e5f60718',
        'Content-Type: image/jpeg; name="passport.jpg"',
        'Content-Disposition: attachment; filename="passport.jpg"',
        'Content-Transfer-Encoding: base64',
        '',
        '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBD',
        '--000000000000a1b2c3d4e5f60718--',
        '',
      );
      expect(check(raw)).toBeNull();
    });

    it('reads a boundary declared on a folded Content-Type line', () => {
      const part = ['------=_NextPart_5F2A_0001', 'Content-Type: text/plain', '', 'x'];
      const raw = mail('Content-Type: multipart/mixed;', '\tboundary="----=_NextPart_5F2A_0001"', '', ...part, ...part, ...part, '------=_NextPart_5F2A_0001--');
      expect(check(raw, { ...defaultLimits, maxMimeParts: 2 })).toBe('too_many_parts');
    });

    it('handles LF-only line ends the way it handles CRLF', () => {
      const raw = Buffer.from(nestedMultipart(1000).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      expect(check(raw)).toBe('mime_too_deep');
    });
  });

  describe('message size', () => {
    it('refuses a mail over the size limit before reading it', () => {
      expect(check(Buffer.alloc(defaultLimits.maxMessageBytes + 1, 0x41))).toBe('message_too_large');
    });

    it('accepts a mail of exactly the size limit', () => {
      const raw = mail('Content-Type: text/plain', '', '');
      const padded = Buffer.concat([raw, Buffer.alloc(1000 - raw.length, 0x41)]);
      expect(check(padded, { ...defaultLimits, maxMessageBytes: 1000 })).toBeNull();
    });
  });

  describe('header size', () => {
    it('refuses a top-level header block over the limit', () => {
      const junk = Array.from({ length: 4000 }, (_, i) => `X-Spam-Padding-${i}: ${'A'.repeat(80)}`);
      expect(check(mail(...junk, 'Content-Type: text/plain', '', 'hi'))).toBe('header_too_large');
    });

    it('refuses one enormous folded header', () => {
      const folded = `Subject: ${Array.from({ length: 20000 }, () => 'close my account').join('\r\n ')}`;
      expect(check(mail(folded, 'Content-Type: text/plain', '', 'hi'))).toBe('header_too_large');
    });

    it('refuses a header block that never ends', () => {
      expect(check(Buffer.from(`From: a@example.org\r\nX-Junk: ${'B'.repeat(300 * 1024)}`, 'latin1'))).toBe('header_too_large');
    });

    it('refuses an oversized header block inside a part', () => {
      const junk = Array.from({ length: 4000 }, (_, i) => `X-Part-Padding-${i}: ${'C'.repeat(80)}`);
      const raw = mail('Content-Type: multipart/mixed; boundary="p"', '', '--p', ...junk, 'Content-Type: text/plain', '', 'hi', '--p--');
      expect(check(raw)).toBe('header_too_large');
    });

    it('accepts a long but reasonable header block', () => {
      const received = Array.from({ length: 25 }, (_, i) => `Received: from relay${i}.example.net by relay${i + 1}.example.net; Fri, 27 Nov 2026 08:00:${String(i).padStart(2, '0')} +0000`);
      expect(check(mail(...received, 'Content-Type: text/plain', '', 'hi'))).toBeNull();
    });
  });

  describe('nesting depth', () => {
    it('refuses a 1000-level nested multipart as mime_too_deep', () => {
      expect(check(nestedMultipart(1000))).toBe('mime_too_deep');
    });

    it('refuses nesting one level deeper than the limit', () => {
      expect(check(nestedMultipart(defaultLimits.maxMimeDepth + 1))).toBe('mime_too_deep');
    });

    it('accepts the nesting real clients produce', () => {
      // mixed > related > alternative, as Outlook and Apple Mail send it
      expect(check(nestedMultipart(3))).toBeNull();
    });

    it('counts each embedded message/rfc822 as one level', () => {
      expect(check(nestedForwards(1000))).toBe('mime_too_deep');
    });

    it('does not count sibling multiparts as depth', () => {
      const sibling = (i: number) => [`--outer`, `Content-Type: multipart/alternative; boundary="inner${i}"`, '', `--inner${i}`, 'Content-Type: text/plain', '', 'x', `--inner${i}--`];
      const raw = mail('Content-Type: multipart/mixed; boundary="outer"', '', ...Array.from({ length: 30 }, (_, i) => sibling(i)).flat(), '--outer--');
      expect(check(raw)).toBeNull();
    });
  });

  describe('number of parts', () => {
    it('refuses thousands of parts as too_many_parts', () => {
      expect(check(manyParts(5000))).toBe('too_many_parts');
    });

    it('accepts a mail with many but allowed parts', () => {
      expect(check(manyParts(150))).toBeNull();
    });

    it('counts parts across every level of nesting', () => {
      const inner = (i: number) => [`--outer`, `Content-Type: multipart/mixed; boundary="in${i}"`, '', ...Array.from({ length: 10 }, () => [`--in${i}`, 'Content-Type: text/plain', '', 'x']).flat(), `--in${i}--`];
      const raw = mail('Content-Type: multipart/mixed; boundary="outer"', '', ...Array.from({ length: 30 }, (_, i) => inner(i)).flat(), '--outer--');
      expect(check(raw)).toBe('too_many_parts');
    });

    it('reads the boundary parameter, not another parameter whose name ends in "boundary"', () => {
      // A decoy parameter must not hide the real delimiter lines from the count the parser will use.
      const raw = Buffer.from(
        manyParts(5000).toString('latin1').replace('boundary="many"', 'x-boundary="decoy"; boundary="many"'),
        'latin1',
      );
      expect(check(raw)).toBe('too_many_parts');
    });
  });

  describe('boundaries that are declared but never used', () => {
    // The parser reads such a body as preamble and returns no text at all: the words would vanish.
    it('calls a multipart whose boundary never appears malformed_mime', () => {
      const raw = mail('Content-Type: multipart/mixed; boundary="----=_Part_0_123456.1700000000000"', '', '您好，请注销我的账号。', '谢谢');
      expect(check(raw)).toBe('malformed_mime');
    });

    it('calls a multipart that declares no boundary at all malformed_mime', () => {
      expect(check(mail('Content-Type: multipart/mixed', '', 'Please close my account.'))).toBe('malformed_mime');
    });

    it('calls a multipart cut off before its closing delimiter malformed_mime', () => {
      const raw = mail(
        'Content-Type: multipart/mixed; boundary="----=_NextPart_000_0012_01DB4C2A"',
        '',
        '------=_NextPart_000_0012_01DB4C2A',
        'Content-Type: text/plain; charset="gb2312"',
        '',
        'close my account',
        '------=_NextPart_000_0012_01DB4C2A',
        'Content-Type: image/jpeg; name="id.jpg"',
        'Content-Transfer-Encoding: base64',
        '',
        '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBD',
      );
      expect(check(raw)).toBe('malformed_mime');
    });

    it('does not count multipart headers quoted in a text part as nesting', () => {
      const fake = Array.from({ length: 1000 }, (_, i) => `Content-Type: multipart/mixed; boundary="fake${i}"\r\n\r\n--fake${i}`);
      const raw = mail('Content-Type: multipart/mixed; boundary="real"', '', '--real', 'Content-Type: text/plain', '', ...fake, '--real--', '');
      expect(check(raw)).toBeNull();
    });

    it('does not count delimiter lines of a boundary nobody declared as parts', () => {
      const raw = mail('Content-Type: text/plain', '', ...Array.from({ length: 5000 }, () => '--undeclared'));
      expect(check(raw)).toBeNull();
    });
  });

  describe('transfer encoding', () => {
    it('calls a base64 part that holds text that is not base64 malformed_mime', () => {
      const raw = mail('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', '请注销我的账号 zhangwei88', '5Lit5paH');
      expect(check(raw)).toBe('malformed_mime');
    });

    it('finds nothing wrong with a base64 CJK body as Gmail writes it', () => {
      const body = Buffer.from('您好，请注销我的账号。\n用户名：zhangwei88\n'.repeat(5), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
      expect(check(mail('Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: base64', '', body, ''))).toBeNull();
    });
  });
});

describe('empty parts', () => {
  it('accepts an attachment whose headers run straight into the next delimiter, as QQ Mail writes an empty file', () => {
    const raw = Buffer.from(
      [
        'From: a@example.test',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'hello',
        '--b',
        'Content-Type: application/octet-stream; name="empty.jpg"',
        'Content-Transfer-Encoding: base64',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(checkMimeStructure(raw, defaultLimits)).toBeNull();
  });
});
