/**
 * A plain request for closing an account, as a person (or an auto-responder without RFC 3834
 * headers) would write it: every one with its own Message-ID is a mail of its own.
 */
export function requestMail(options: { from: string; messageId: string; inReplyTo?: string; subject?: string; idPhoto?: Buffer }): Buffer {
  const text = ['Please close my account.', 'Username: loopy', 'Registration date: 2020-03-01', 'Reason: moving abroad', ''].join('\r\n');
  const body = options.idPhoto
    ? [
        'Content-Type: multipart/mixed; boundary="part"',
        '',
        '--part',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--part',
        'Content-Type: image/png; name="id.png"',
        'Content-Disposition: attachment; filename="id.png"',
        'Content-Transfer-Encoding: base64',
        '',
        options.idPhoto.toString('base64'),
        '--part--',
        '',
      ]
    : ['Content-Type: text/plain; charset=utf-8', '', text];
  return Buffer.from(
    [
      `From: Customer <${options.from}>`,
      'To: support@example.test',
      `Subject: ${options.subject ?? 'close my account'}`,
      `Message-ID: <${options.messageId}>`,
      ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      ...body,
    ].join('\r\n'),
  );
}
