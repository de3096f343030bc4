import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirectoryTransport } from '../../src/outbox/nodemailer-transports';
import type { OutgoingMail } from '../../src/outbox/outgoing-mail';

const mail = (text: string): OutgoingMail => ({
  from: { name: 'Support', address: 'support@example.test' },
  to: 'li.na@example.cn',
  subject: 'We received your request',
  text,
  html: `<p>${text}</p>`,
  messageId: '<ack-1@example.test>',
  inReplyTo: null,
  references: [],
  headers: {},
  attachments: [],
});

const outgoing = () => join(mkdtempSync(join(tmpdir(), 'cancel-desk-outgoing-')), 'outgoing');

it('writes a mail as an .eml file named after its Message-ID, making the folder when missing, readable by this user only', async () => {
  const directory = outgoing();
  await createDirectoryTransport(directory).send(mail('first'));
  expect(readdirSync(directory)).toEqual(['ack-1@example.test.eml']);
  expect(statSync(join(directory, 'ack-1@example.test.eml')).mode & 0o777).toBe(0o600);
  expect(statSync(directory).mode & 0o777).toBe(0o700);
});

it('a resend after a crash overwrites the same file, and a half-written leftover does not keep its own mode', async () => {
  const directory = outgoing();
  mkdirSync(directory);
  writeFileSync(join(directory, 'ack-1@example.test.eml.tmp'), 'half');
  chmodSync(join(directory, 'ack-1@example.test.eml.tmp'), 0o644);
  const transport = createDirectoryTransport(directory);
  await transport.send(mail('first'));
  await transport.send(mail('second'));
  expect(readdirSync(directory)).toEqual(['ack-1@example.test.eml']);
  expect(readFileSync(join(directory, 'ack-1@example.test.eml'), 'utf8')).toContain('second');
  expect(statSync(join(directory, 'ack-1@example.test.eml')).mode & 0o777).toBe(0o600);
});

it('ends every line with CRLF, as the mail would cross SMTP, the PDF attachment included', async () => {
  const directory = outgoing();
  const withPdf: OutgoingMail = {
    ...mail('line one\nline two'),
    attachments: [{ filename: 'acknowledgement-CR-7KQ2M9XW4T.pdf', content: Buffer.alloc(3000, 1), contentType: 'application/pdf' }],
  };
  await createDirectoryTransport(directory).send(withPdf);
  const eml = readFileSync(join(directory, 'ack-1@example.test.eml'), 'latin1');
  expect(eml).toContain('\r\n');
  expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
});
