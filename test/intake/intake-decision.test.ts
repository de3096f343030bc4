import { analyseMessage } from '../../src/intake/analyse-message';
import type { IntakeResult } from '../../src/intake/intake-result';
import { fixturePolicy, fixtureToday } from '../support/fixtures';

/** A small JPEG: SOI, a JFIF APP0 segment, a baseline SOF0 of 2×2 pixels, EOI. */
const PASSPORT = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffc0000b080002000201011100ffd9',
  'hex',
);

interface Mail {
  subject: string;
  body: string;
  attachment?: boolean;
  headers?: string[];
  authentication?: string;
}

/** A customer's mail as Gmail would deliver it through our receiving server. */
function mail({ subject, body, attachment = false, headers = [], authentication = 'dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com' }: Mail): Buffer {
  const text = ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64', '', Buffer.from(body, 'utf8').toString('base64')];
  const lines = [
    `Authentication-Results: mx.example.test; ${authentication}`,
    'From: River Song <river.song42@example.com>',
    'To: support@example.test',
    `Subject: =?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`,
    'Date: Fri, 27 Nov 2026 08:11:58 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@mail.example.com>`,
    ...headers,
    'MIME-Version: 1.0',
    ...(attachment
      ? [
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          ...text,
          '--b',
          'Content-Type: image/jpeg; name="passport.jpg"',
          'Content-Disposition: attachment; filename="passport.jpg"',
          'Content-Transfer-Encoding: base64',
          '',
          PASSPORT.toString('base64'),
          '--b--',
        ]
      : text),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

const analyse = async (input: Mail): Promise<IntakeResult> => (await analyseMessage(mail(input), fixturePolicy, fixtureToday)).result;
const signals = (result: IntakeResult) => result.evidence.map((item) => item.signal);

describe('the canonical request the provider asks for', () => {
  test.each(['Cancel', 'Cancellation', 'Kündigung / cancellation', 'Close', 'Account deletion', '注销', '销户', '註銷', 'Terminate'])(
    'is queued and acknowledged with the subject "%s" and nothing but the labelled fields and a passport photo',
    async (subject) => {
      const result = await analyse({ subject, body: 'Username: river.song42\nRegistration date: 2020-06-01\nReason: moving abroad\nID attached', attachment: true });
      expect(result).toMatchObject({ kind: 'cancellation_request', disposition: 'queue', acknowledge: true, problems: [] });
      expect(signals(result)).toEqual(expect.arrayContaining(['subject_cancel_word', 'labelled_field', 'id_document']));
    },
  );
});

describe('a human mail is never ignored', () => {
  test.each<[string, Mail]>([
    ['a cancel word in its subject alone', { subject: 'Cancellation', body: 'Hello' }],
    ['two labelled fields', { subject: 'Hello', body: 'Username: river.song42\nRegistration date: 2020-06-01' }],
    ['an ID document and one labelled field', { subject: 'Documents', body: 'Username: river.song42', attachment: true }],
    ['a question about closing', { subject: '如何注销？', body: '请问如何注销账号？' }],
    ['nothing about an account at all', { subject: 'Thanks', body: 'Thank you for your help!' }],
  ])('with %s', async (_case, input) => {
    const result = await analyse(input);
    expect(['queue', 'triage']).toContain(result.disposition);
  });

  it('goes to triage, unanswered, when it carries some evidence but not enough', async () => {
    const result = await analyse({ subject: 'Cancellation', body: 'Hello' });
    expect(result).toMatchObject({ kind: 'other', disposition: 'triage', acknowledge: false });
    expect(signals(result)).toEqual(['subject_cancel_word']);
  });

  it('is a request with a cancel word in the subject and one labelled field', async () => {
    expect(await analyse({ subject: 'Cancel', body: 'Username: river.song42' })).toMatchObject({ kind: 'cancellation_request', disposition: 'queue' });
  });

  it('is a request with three labelled fields and no subject at all', async () => {
    expect(await analyse({ subject: '', body: 'Username: river.song42\nRegistration date: 2020-06-01\nReason: moving abroad' })).toMatchObject({ kind: 'cancellation_request' });
  });
});

describe('evidence against a request', () => {
  test.each<[string, Mail, string]>([
    ['a question, even with the subject word and two fields', { subject: '注销之前需要先把余额用完吗', body: '我的账号：yangfan_163\n注册时间：2017年2月' }, 'question'],
    ['a conditional question', { subject: 'Question', body: 'If I cancel later, can I keep my number?\nUsername: river.song42' }, 'question'],
    ['keeping the account', { subject: 'Cancel', body: 'I do not want my account closed, just the roaming add-on.\nUsername: river.song42' }, 'keeps_account'],
  ])('sends %s to triage', async (_case, input, against) => {
    const result = await analyse(input);
    expect(result).toMatchObject({ kind: 'other', disposition: 'triage' });
    expect(signals(result)).toContain(against);
  });

  it('does not count "Cancel order #8812" as a cancel word', async () => {
    expect(signals(await analyse({ subject: 'Cancel order #8812', body: 'It has not shipped yet.' }))).not.toContain('subject_cancel_word');
  });
});

describe('replies', () => {
  it('belong to their request through our Message-ID even when the subject lost the reference', async () => {
    const result = await analyse({
      subject: 'Re: Your request',
      body: '收到，谢谢',
      headers: ['In-Reply-To: <acknowledgement.CR-7KQ2M9XW4T.1@example.test>', 'References: <acknowledgement.CR-7KQ2M9XW4T.1@example.test>'],
    });
    expect(result).toMatchObject({ kind: 'cancellation_request', reference: 'CR-7KQ2M9XW4T', disposition: 'queue' });
    expect(signals(result)).toEqual(expect.arrayContaining(['replies_to_our_mail', 'request_reference']));
  });

  it('do not count as ours when another system of our domain wrote the Message-ID', async () => {
    const result = await analyse({ subject: 'Re: Your bill', body: 'Thanks', headers: ['In-Reply-To: <bill-202611-58812@example.test>'] });
    expect(result).toMatchObject({ kind: 'other', reference: null, disposition: 'triage' });
  });
});

describe('forged senders', () => {
  it('are queued for staff but get no acknowledgement when DMARC failed', async () => {
    const result = await analyse({
      subject: 'Cancel',
      body: 'Username: river.song42\nRegistration date: 2020-06-01\nReason: moving abroad',
      attachment: true,
      authentication: 'dkim=none; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com',
    });
    expect(result).toMatchObject({ disposition: 'queue', senderAuthentication: 'fail', acknowledge: false });
    expect(signals(result)).toContain('sender_authentication_failed');
  });

  it('are "none", not "pass", when DKIM passed only for an unrelated domain', async () => {
    const result = await analyse({ subject: 'Cancel', body: 'Username: river.song42', authentication: 'dkim=pass header.d=esp.example.net; spf=pass smtp.mailfrom=bounce@esp.example.net' });
    expect(result).toMatchObject({ senderAuthentication: 'none', acknowledge: true });
  });
});

describe('machines', () => {
  it('stay ignored whatever their words say', async () => {
    const result = await analyse({ subject: 'Automatic reply: Cancel', body: 'Username: river.song42\nRegistration date: 2020-06-01\nReason: x', headers: ['Auto-Submitted: auto-replied'] });
    expect(result).toMatchObject({ kind: 'auto_reply', disposition: 'ignore', evidence: [{ signal: 'auto_reply', detail: 'Auto-Submitted: auto-replied' }] });
  });
});

describe('fields intake was unsure of', () => {
  it('are named, with why', async () => {
    const result = await analyse({ subject: 'Cancel', body: 'Username: abc — sorry, abd\nI registered on 03/04/2021.\nWe are moving to Germany and won’t need the number.' });
    expect(result.fieldDoubts).toEqual(
      expect.arrayContaining([
        { field: 'username', why: 'corrected_in_mail' },
        { field: 'registrationDate', why: 'ambiguous_date' },
        { field: 'reason', why: 'from_prose' },
      ]),
    );
    expect(result.fields).toMatchObject({ username: 'abd', registrationDate: null, reason: 'We are moving to Germany and won’t need the number' });
  });
});
