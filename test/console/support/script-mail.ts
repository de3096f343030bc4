import { deflateSync } from 'node:zlib';

/** A real, decodable PNG of one colour (so a browser shows it and reports its size). */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [0x4a, 0x6f, 0x9c]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What the mail below smuggles in; each would pop a dialog if it ever ran. */
export const SCRIPT_FILENAME = '"><img src=x onerror=alert(3)>.png';
export const SCRIPT_SUBJECT = 'Close my account <img src=x onerror=alert(1)>';

/**
 * A cancellation request whose subject, text and ID document's file name carry markup meant to
 * run in the console. Delivered through the real intake, which keeps all three as data.
 */
export function mailCarryingScript(from = 'eve@example.org'): Buffer {
  const png = solidPng(320, 200).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      `From: "<script>alert(0)</script>" <${from}>`,
      'To: support@example.test',
      `Subject: ${SCRIPT_SUBJECT}`,
      'Message-ID: <script-mail-1@example.org>',
      'Date: Thu, 26 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Please close my account.',
      'Username: eve_w',
      'Registration date: 2021-03-04',
      'Reason: </pre><script>alert(2)</script> moving away',
      '',
      '--b',
      `Content-Type: image/png; name="${SCRIPT_FILENAME.replace(/"/g, '\\"')}"`,
      `Content-Disposition: attachment; filename="${SCRIPT_FILENAME.replace(/"/g, '\\"')}"`,
      'Content-Transfer-Encoding: base64',
      '',
      png,
      '--b--',
      '',
    ].join('\r\n'),
  );
}
