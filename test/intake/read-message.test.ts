import { readMessage, type MailMessage } from '../../src/intake/read-message';

/** A mail carrying `inner` as an attachment, the way Outlook forwards "as attachment". */
const forwarding = (inner: string, subject: string) =>
  [
    'From: river@example.com',
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer-' + subject + '"',
    '',
    '--outer-' + subject,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See the attached mail.',
    '--outer-' + subject,
    'Content-Type: message/rfc822; name="earlier.eml"',
    'Content-Disposition: attachment; filename="earlier.eml"',
    '',
    inner,
    '--outer-' + subject + '--',
    '',
  ].join('\r\n');

const withPassport = [
  'From: river@example.com',
  'Subject: close my account',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Passport attached.',
  '--inner',
  'Content-Type: image/jpeg; name="passport.jpg"',
  'Content-Disposition: attachment; filename="passport.jpg"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('\xff\xd8\xff\xe0 not really a photo', 'latin1').toString('base64'),
  '--inner--',
  '',
].join('\r\n');

const depthOf = (message: MailMessage): number => (message.forwarded.length === 0 ? 0 : 1 + depthOf(message.forwarded[0]));

describe('readMessage', () => {
  it('reads a mail attached whole, with its own attachments', async () => {
    const message = await readMessage(Buffer.from(forwarding(withPassport, 'a')));
    expect(message.forwarded).toHaveLength(1);
    expect(message.forwarded[0].subject).toBe('close my account');
    expect(message.forwarded[0].attachments.map((attachment) => attachment.filename)).toEqual(['passport.jpg']);
  });

  it('reads attached mails inside attached mails three levels deep, and no deeper', async () => {
    let raw = withPassport;
    for (const level of ['a', 'b', 'c', 'd', 'e']) raw = forwarding(raw, level);
    expect(depthOf(await readMessage(Buffer.from(raw)))).toBe(3);
  });
});
