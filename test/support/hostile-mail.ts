/** Mails too large to keep in git, built the way an attacker would. */

const HEADER = 'From: Mallory <mallory@example.net>\r\nTo: support@example.test\r\nSubject: close my account\r\nMessage-ID: <hostile@example.net>\r\nMIME-Version: 1.0\r\n';

export function mailWithAttachmentOf(bytes: number): Buffer {
  const body = Buffer.alloc(bytes, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `${HEADER}Content-Type: multipart/mixed; boundary="outer"\r\n\r\n--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease close my account.\r\n` +
      `--outer\r\nContent-Type: image/jpeg; name="id.jpg"\r\nContent-Disposition: attachment; filename="id.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--outer--\r\n`,
  );
}

export function nestedMultipart(levels: number): Buffer {
  let open = '';
  let close = '';
  for (let level = 0; level < levels; level++) {
    open += `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n`;
    close = `\r\n--b${level}--\r\n${close}`;
  }
  return Buffer.from(`${HEADER}${open}Content-Type: text/plain\r\n\r\nPlease close my account.${close}`);
}

export function manyParts(parts: number): Buffer {
  const part = '--many\r\nContent-Type: text/plain\r\n\r\nx\r\n';
  return Buffer.from(`${HEADER}Content-Type: multipart/mixed; boundary="many"\r\n\r\n${part.repeat(parts)}--many--\r\n`);
}
