import { ownWords } from '../../src/intake/own-words';

const lines = (...text: string[]): string => text.join('\n');

describe('ownWords', () => {
  describe('text without quotes or signatures', () => {
    test('comes back unchanged apart from trailing white space', () => {
      const body = lines(
        'Hello,  ',
        '',
        '    Please close my account.\t',
        'Username: river.song42',
        '',
        '',
        'Thanks',
      );
      expect(ownWords(body)).toBe(
        lines('Hello,', '', '    Please close my account.', 'Username: river.song42', '', '', 'Thanks'),
      );
    });

    test('loses the blank lines at its start and end', () => {
      expect(ownWords('\n\n  \n您好，请注销我的账号。\n\n\n')).toBe('您好，请注销我的账号。');
    });

    test('accepts CRLF and old-Mac line ends', () => {
      expect(ownWords('用户名：zhangwei88\r\n原因：不再使用\r\r谢谢')).toBe('用户名：zhangwei88\n原因：不再使用\n\n谢谢');
    });

    test('is empty for an empty body', () => {
      expect(ownWords('')).toBe('');
    });
  });

  describe('quoted lines', () => {
    test('drops lines that start with ">"', () => {
      const body = lines('Please close my account.', '', '> Which account would you like to close?', '>> Original question');
      expect(ownWords(body)).toBe('Please close my account.');
    });

    test('keeps an answer written below the quote (bottom-posting)', () => {
      const body = lines(
        'On Mon, Nov 2, 2026 at 10:01 AM Support <support@example.test> wrote:',
        '> Could you tell us your username?',
        '>',
        '> Support team',
        '',
        'Sure, it is river.song42.',
        '',
        'River',
      );
      expect(ownWords(body)).toBe(lines('Sure, it is river.song42.', '', 'River'));
    });

    test('keeps answers written between quoted questions', () => {
      const body = lines(
        'On 11/2/26 10:01 AM, Support wrote:',
        '> What is your username?',
        '',
        'river.song42',
        '',
        '> When did you register?',
        '',
        'March 5th, 2021',
      );
      expect(ownWords(body)).toBe(lines('river.song42', '', 'March 5th, 2021'));
    });

    test('drops indented quote markers as well', () => {
      expect(ownWords(lines('请注销', '  > 请提供用户名'))).toBe('请注销');
    });
  });

  describe('reply and forward boundaries', () => {
    test.each([
      [
        'a Gmail attribution',
        ['On Mon, Nov 2, 2026 at 10:01 AM Support <support@example.test> wrote:', '', 'Please send your username.'],
      ],
      [
        'a Gmail attribution wrapped over two lines',
        ['On Mon, Nov 2, 2026 at 10:01 AM Support <support@example.test>', 'wrote:', '', 'Please send your username.'],
      ],
      [
        'an Apple Mail attribution',
        ['On Nov 2, 2026, at 10:01, Support <support@example.test> wrote:', '', 'Please send your username.'],
      ],
      ['a Gmail attribution in Chinese', ['Support <support@example.test> 于2026年11月2日周一 10:01写道：', '', '请提供用户名。']],
      [
        'a Chinese Gmail attribution wrapped before 于',
        ['Support Team <support@example.test>', '于2026年11月2日周一 10:01写道：', '', '请提供用户名。'],
      ],
      ['an Apple Mail attribution in Chinese', ['在 2026年11月2日 10:01，Support <support@example.test> 写道：', '', '请提供用户名。']],
      [
        'an Outlook separator',
        ['-----Original Message-----', 'From: Support <support@example.test>', 'Sent: Monday, November 2, 2026 10:01 AM', 'To: River Song <river@example.test>', 'Subject: RE: Account closure', '', 'Please send your username.'],
      ],
      [
        'a QQ Mail separator',
        ['------------------ 原始邮件 ------------------', '发件人: "Support"<support@example.test>;', '发送时间: 2026年11月2日(星期一) 上午10:01', '收件人: "river"<12345678@qq.com>;', '主题: 回复：注销账号', '', '请提供用户名。'],
      ],
      ['a Thunderbird forward', ['-------- Forwarded Message --------', 'Subject: Account closure', 'Date: Mon, 2 Nov 2026 10:01:00 +0800', 'From: Support <support@example.test>', '', 'Please send your username.']],
      ['a Gmail forward', ['---------- Forwarded message ---------', 'From: Support <support@example.test>', 'Date: Mon, Nov 2, 2026 at 10:01 AM', 'Subject: Account closure', '', 'Please send your username.']],
      ['an Apple Mail forward', ['Begin forwarded message:', '', 'From: Support <support@example.test>', 'Subject: Account closure', '', 'Please send your username.']],
      ['a Chinese Outlook separator', ['-----邮件原件-----', '发件人: Support <support@example.test>', '发送时间: 2026年11月2日 10:01', '主题: 注销账号', '', '请提供用户名。']],
      ['a 163 Mail attribution', ['在 2026-11-02 10:01:00，"Support" <support@example.test> 写道：', '请提供用户名。']],
      ['a 163 Mail forward', ['-------- 转发邮件信息 --------', '发件人：Support <support@example.test>', '发送日期：2026-11-02 10:01:00', '收件人：river@163.com', '主题：注销账号', '', '请提供用户名。']],
      [
        'an Outlook header block under a rule of underscores',
        ['________________________________', 'From: Support <support@example.test>', 'Sent: Monday, November 2, 2026 10:01:00 AM', 'To: river@example.test', 'Subject: RE: Account closure', '', 'Please send your username.'],
      ],
      [
        'an Outlook header block without a rule',
        ['From: Support <support@example.test>', 'Date: Monday, November 2, 2026 at 10:01', 'To: River Song <river@example.test>', 'Subject: Re: Account closure', '', 'Please send your username.'],
      ],
      ['a Chinese Outlook header block', ['发件人: Support <support@example.test>', '发送时间: 2026年11月2日 10:01', '收件人: river@example.test', '主题: 答复: 注销账号', '', '请提供用户名。']],
      ['a Chinese header block with full-width colons', ['发件人：Support <support@example.test>', '日期：2026年11月2日 10:01', '收件人：river@example.test', '主题：注销账号', '', '请提供用户名。']],
      [
        'a header block whose From line wraps',
        ['From: Customer Support Team of Example Incorporated', '<support@example.test>', 'Sent: Monday, November 2, 2026 10:01 AM', '', 'Please send your username.'],
      ],
    ])('cuts at %s', (_, quotedPart) => {
      const body = lines('请注销我的账号，用户名 zhangwei88。', '', ...quotedPart);
      expect(ownWords(body)).toBe('请注销我的账号，用户名 zhangwei88。');
    });

    test('keeps the customer line standing right above a Chinese attribution', () => {
      const body = lines('谢谢', 'Support <support@example.test> 于2026年11月2日周一 10:01写道：', '> 请提供用户名。');
      expect(ownWords(body)).toBe('谢谢');
    });

    test('drops the attribution of a bottom-posted reply even when it is wrapped', () => {
      const body = lines(
        'On Mon, Nov 2, 2026 at 10:01 AM Support <support@example.test>',
        'wrote:',
        '',
        '> Could you tell us your username?',
        '',
        'It is river.song42.',
      );
      expect(ownWords(body)).toBe('It is river.song42.');
    });

    test('drops an Outlook header block that introduces ">" quoted lines and keeps the answer below', () => {
      const body = lines(
        '发件人: Support <support@example.test>',
        '发送时间: 2026年11月2日 10:01',
        '主题: 注销账号',
        '',
        '> 请提供用户名。',
        '',
        '用户名：zhangwei88',
      );
      expect(ownWords(body)).toBe('用户名：zhangwei88');
    });

    test('keeps a "From:" line that is not followed by other header fields', () => {
      const body = lines('From: River Song, customer since 2021', '', 'Please close my account.');
      expect(ownWords(body)).toBe(body);
    });

    test('keeps prose that merely mentions the word "wrote"', () => {
      const body = lines('On Monday I wrote to you already.', 'Please close my account.');
      expect(ownWords(body)).toBe(body);
    });

    test('keeps a dashed line whose label is not a separator', () => {
      const body = lines('-------- Account details --------', 'Login: river.song42');
      expect(ownWords(body)).toBe(body);
    });
  });

  describe('signatures and disclaimers', () => {
    test.each([
      ['the "-- " delimiter', '-- '],
      ['a "--" delimiter that lost its space', '--'],
      ['Sent from my iPhone', 'Sent from my iPhone'],
      ['Sent from my iPad', 'Sent from my iPad'],
      ['Sent from my Android', 'Sent from my Android phone'],
      ['Sent from my Samsung', 'Sent from my Samsung Galaxy smartphone.'],
      ['Get Outlook for iOS', 'Get Outlook for iOS<https://aka.ms/o0ukef>'],
      ['Get Outlook for Android', 'Get Outlook for Android'],
      ['Sent with Proton Mail', 'Sent with Proton Mail secure email.'],
      ['发自我的iPhone', '发自我的iPhone'],
      ['发自我的手机', '发自我的手机'],
      ['来自网易邮箱大师', '来自网易邮箱大师'],
      ['发自网易邮箱', '发自网易邮箱手机版'],
      ['从我的 iPhone 发送', '从我的 iPhone 发送'],
    ])('drops everything from %s on', (_, marker) => {
      const body = lines('请注销我的账号。', '用户名：zhangwei88', '', marker, 'River Song', 'QQ: 12345678', '2026-11-02');
      expect(ownWords(body)).toBe(lines('请注销我的账号。', '用户名：zhangwei88'));
    });

    test.each([
      [
        'an English confidentiality paragraph',
        ['This email and any attachments are confidential and intended solely for the addressee.', 'If you are not the intended recipient, please delete it.'],
      ],
      [
        'a confidentiality paragraph whose keyword wraps to the next line',
        ['This e-mail message and any files transmitted with it are', 'confidential and may be privileged.'],
      ],
      ['CONFIDENTIALITY NOTICE', ['CONFIDENTIALITY NOTICE: The contents of this email are privileged.']],
      ['a paragraph headed DISCLAIMER:', ['DISCLAIMER: This e-mail message and any attachments are confidential and are', 'intended solely for the use of the individual to whom they are addressed.']],
      ['免责声明', ['免责声明：本邮件仅供指定收件人使用。']],
      ['a bracketed 免责声明', ['【免责声明】本邮件可能包含保密信息。']],
      ['本邮件及其附件', ['本邮件及其附件含有保密信息，仅限于发送给上面地址中列出的个人或群组。']],
    ])('drops everything from %s on', (_, disclaimer) => {
      const body = lines('Please close my account.', 'Login: river.song42', '', ...disclaimer, '', 'Example Ltd.');
      expect(ownWords(body)).toBe(lines('Please close my account.', 'Login: river.song42'));
    });

    test('keeps the customer\'s sentence that starts like a disclaimer but is not one', () => {
      const body = lines('This email is my formal request to close my account.', 'Login: river.song42');
      expect(ownWords(body)).toBe(body);
    });

    test('keeps a long sentence that starts like a mobile signature', () => {
      const body = lines('发自我的工作邮箱，因为私人邮箱已经停用，请注销账号 zhangwei88。');
      expect(ownWords(body)).toBe(body);
    });

    test('drops a signature below a bottom-posted answer', () => {
      const body = lines('On 11/2/26 10:01 AM, Support wrote:', '> Your username?', '', 'river.song42', '', '-- ', 'River Song');
      expect(ownWords(body)).toBe('river.song42');
    });

    test('ignores a signature delimiter inside the quote', () => {
      const body = lines('> Your username?', '> -- ', '> Support', '', 'river.song42');
      expect(ownWords(body)).toBe('river.song42');
    });
  });

  describe('whole messages', () => {
    test('an iPhone reply in Chinese', () => {
      const body = lines(
        '您好，',
        '',
        '我的用户名是 zhangwei88，注册于2021年3月5日。',
        '',
        '发自我的iPhone',
        '',
        '> 在 2026年11月2日，10:01，Support <support@example.test> 写道：',
        '> ',
        '> 请提供您的用户名和注册日期。',
      );
      expect(ownWords(body)).toBe(lines('您好，', '', '我的用户名是 zhangwei88，注册于2021年3月5日。'));
    });

    test('an Outlook reply with a signature and a disclaimer above the original', () => {
      const body = lines(
        'Hi,',
        '',
        'Please close my account.',
        'Username: river.song42',
        'Reason: moving abroad',
        '',
        'Best regards,',
        'River Song',
        '',
        'CONFIDENTIALITY NOTICE: This message is intended only for the named recipient.',
        '',
        '________________________________',
        'From: Support <support@example.test>',
        'Sent: Monday, November 2, 2026 10:01 AM',
        'To: River Song <river@example.test>',
        'Subject: RE: Account closure CR-7F3K9Q2M',
        '',
        'Please send your username.',
      );
      expect(ownWords(body)).toBe(
        lines('Hi,', '', 'Please close my account.', 'Username: river.song42', 'Reason: moving abroad', '', 'Best regards,', 'River Song'),
      );
    });

    test('a QQ Mail reply in Chinese', () => {
      const body = lines(
        '用户名：zhangwei88',
        '注销原因：账号不再使用',
        '',
        '',
        '',
        '------------------ 原始邮件 ------------------',
        '发件人: "Support"<support@example.test>;',
        '发送时间: 2026年11月2日(星期一) 上午10:01',
        '收件人: "张伟"<12345678@qq.com>;',
        '主题: 回复：注销账号 CR-7F3K9Q2M',
        '',
        '请提供用户名。',
      );
      expect(ownWords(body)).toBe(lines('用户名：zhangwei88', '注销原因：账号不再使用'));
    });

    test('collapses the blank lines left around a removed quote', () => {
      const body = lines('Username?', '', '> quoted', '', 'river.song42');
      expect(ownWords(body)).toBe(lines('Username?', '', 'river.song42'));
    });
  });

  test('handles a very long body in one linear pass', () => {
    // A backtracking pattern would not finish here; how fast it finishes is a bench figure.
    const body = `${'我想注销账号。'.repeat(2e5)}\n${'> quoted line\nanswer line\n'.repeat(1e5)}On ${'x'.repeat(1e6)}`;
    expect(ownWords(body)).toContain('answer line');
  });
});
