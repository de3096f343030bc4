import { findRequestReference, ourMessageIds } from '../../src/intake/request-reference';

describe('findRequestReference', () => {
  it('finds the reference in the subject of a reply', () => {
    expect(findRequestReference('Re: [CR-7Q2M9X4K] Your cancellation request', 'Here is my passport.')).toBe('CR-7Q2M9X4K');
  });

  it('finds the reference in the body when the subject has none', () => {
    expect(findRequestReference('身份证照片', '您好，申请编号 CR-7Q2M9X4K，补发身份证照片。')).toBe('CR-7Q2M9X4K');
  });

  it('prefers the subject over the body', () => {
    expect(findRequestReference('Re: CR-AAAA1111 missing ID', 'Earlier I also wrote about CR-BBBB2222.')).toBe('CR-AAAA1111');
  });

  it('finds a reference only in quoted text', () => {
    const body = 'Attached.\n\nOn Mon, 23 Nov 2026 at 10:01, Example Support <support@example.test> wrote:\n> Your reference is CR-7Q2M9X4K.';
    expect(findRequestReference('Re: your request', body)).toBe('CR-7Q2M9X4K');
  });

  it('takes the first reference of several in the body', () => {
    expect(findRequestReference('', 'CR-FIRST001 and later CR-SECOND02')).toBe('CR-FIRST001');
  });

  it('keeps a reference longer than eight characters whole', () => {
    expect(findRequestReference('Re: CR-7Q2M9X4K2026 follow-up', '')).toBe('CR-7Q2M9X4K2026');
  });

  it('finds a reference glued to Chinese text and full-width punctuation', () => {
    expect(findRequestReference('回复：关于CR-7Q2M9X4K的申请', '')).toBe('CR-7Q2M9X4K');
  });

  it('finds a reference inside a link', () => {
    expect(findRequestReference('', 'Status: https://example.test/requests/CR-7Q2M9X4K?lang=zh')).toBe('CR-7Q2M9X4K');
  });

  test.each([
    ['fewer than eight characters', 'CR-7Q2M9X4'],
    ['lower-case letters', 'cr-7q2m9x4k'],
    ['mixed case after the prefix', 'CR-7q2M9x4K'],
    ['no hyphen', 'CR7Q2M9X4K'],
  ])('ignores a look-alike with %s', (_case, text) => {
    expect(findRequestReference(`Re: ${text}`, `Reference ${text}`)).toBeNull();
  });

  it('skips a short look-alike in the subject and takes the body’s reference', () => {
    expect(findRequestReference('Re: CR-123', 'Reference: CR-7Q2M9X4K')).toBe('CR-7Q2M9X4K');
  });

  it('is null when there is no reference at all', () => {
    expect(findRequestReference('Close my account', 'Please close my account.')).toBeNull();
  });
});

describe('ourMessageIds', () => {
  it('finds the request named by one of our own Message-IDs, In-Reply-To first', () => {
    expect(ourMessageIds(['<abc@mail.gmail.com>', '<acknowledgement.CR-7KQ2M9XW4T.1@example.test>', '<decision-info-requested.CR-7KQ2M9XW4T.2@example.test>'], 'example.test')).toEqual([
      { messageId: '<acknowledgement.CR-7KQ2M9XW4T.1@example.test>', reference: 'CR-7KQ2M9XW4T' },
      { messageId: '<decision-info-requested.CR-7KQ2M9XW4T.2@example.test>', reference: 'CR-7KQ2M9XW4T' },
    ]);
  });

  it('knows a reply to a staff answer from triage, which names no request', () => {
    expect(ourMessageIds(['<triage-reply.T12.1@example.test>'], 'example.test')).toEqual([{ messageId: '<triage-reply.T12.1@example.test>', reference: null }]);
  });

  test.each([
    ['another domain', '<acknowledgement.CR-7KQ2M9XW4T.1@example.test.evil.example>'],
    ['another system of our domain', '<bill-202611-58812@example.test>'],
    ['a look-alike without a sequence number', '<acknowledgement.CR-7KQ2M9XW4T@example.test>'],
  ])('ignores %s', (_case, messageId) => {
    expect(ourMessageIds([messageId], 'example.test')).toEqual([]);
  });
});
