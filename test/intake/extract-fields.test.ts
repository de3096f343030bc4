import { extractFields } from '../../src/intake/extract-fields';

// The fixture clock (test/fixtures/README.md): dates after this day are "future".
const TODAY = '2026-11-27';

/** `body` is the customer's own words, quotes and signatures already removed. */
const extract = (body: string, subject = '') => extractFields(body, subject, TODAY);
const lines = (...text: string[]) => text.join('\n');

describe('extractFields', () => {
  describe('username', () => {
    test.each([
      ['用户名：zhangwei88', 'zhangwei88'],
      ['账号：zhangwei88', 'zhangwei88'],
      ['帐号: zhangwei88', 'zhangwei88'],
      ['登录名：zhangwei88', 'zhangwei88'],
      ['用户 ID：zhangwei88', 'zhangwei88'],
      ['Username: river.song42', 'river.song42'],
      ['User name: river.song42', 'river.song42'],
      ['Login: river.song42', 'river.song42'],
      ['Account ID: 10048213', '10048213'],
      ['Account name: river.song42', 'river.song42'],
      ['User ID: river_song-42', 'river_song-42'],
    ])('reads "%s"', (body, expected) => {
      expect(extract(lines('Hello,', body, 'Thanks')).username).toBe(expected);
    });

    it('reads a value after a full-width colon with spaces around it', () => {
      expect(extract('用户名 ： zhangwei88').username).toBe('zhangwei88');
    });

    it('reads an Outlook table rendered one cell per line', () => {
      expect(extract(lines('Please close my account.', '', 'Username', '', 'river.song42', '', 'Reason', '', 'Moving abroad')).username).toBe('river.song42');
    });

    it('reads an HTML table rendered with tabs between cells', () => {
      expect(extract(lines('用户名\triver.song42', '注册时间\t2020-06-01')).username).toBe('river.song42');
    });

    it('reads an English username in prose', () => {
      expect(extract('Hi, please close my account. My login is river.song42 and I signed up in June 2020.').username).toBe('river.song42');
    });

    it('reads a Chinese username in prose', () => {
      expect(extract('您好，我的账号是 zhangwei88，麻烦帮我注销。').username).toBe('zhangwei88');
    });

    it('reads the username from the subject when the body has none', () => {
      expect(extract('Please close my account. Thanks.', 'Close account – river.song42').username).toBe('river.song42');
    });

    it('reads a Chinese subject with the username after the request', () => {
      expect(extract('请尽快处理，谢谢。', '申请注销 zhangwei88').username).toBe('zhangwei88');
    });

    it('prefers a labelled username in the body over a handle in the subject', () => {
      expect(extract('Username: river.song42', 'Fwd: close account – old.handle7').username).toBe('river.song42');
    });

    test.each([
      ['+86 138 0013 8000', '+8613800138000'],
      ['138-0013-8000', '13800138000'],
      ['+86-138-0013-8000', '+8613800138000'],
      ['１３８ ００１３ ８０００', '13800138000'],
    ])('turns the phone number %s into %s', (phone, expected) => {
      expect(extract(`账号：${phone}`).username).toBe(expected);
    });

    it('keeps an address whose local part is a QQ number whole, not as a phone number', () => {
      expect(extract('账户：1583920476@qq.com').username).toBe('1583920476@qq.com');
    });

    it('keeps an email address as written', () => {
      expect(extract('Username: River.Song@Example.com').username).toBe('River.Song@Example.com');
    });

    it('keeps an email address written in angle brackets', () => {
      expect(extract('Login: <river.song@example.com>').username).toBe('river.song@example.com');
    });

    test.each([
      ['a trailing full stop', 'Username: river.song42.', 'river.song42'],
      ['a trailing 。', '用户名：zhangwei88。', 'zhangwei88'],
      ['a trailing comma and more text', '账号：zhangwei88，注册很久了', 'zhangwei88'],
      ['Chinese quotes', '用户名：“zhangwei88”', 'zhangwei88'],
      ['ASCII quotes and a comma', 'Username: "river.song42",', 'river.song42'],
      ['【】 brackets', '账号：【zhangwei88】', 'zhangwei88'],
      ['parentheses', 'Login: (river.song42)', 'river.song42'],
      ['an email with a trailing full stop', 'Login: river.song@example.com.', 'river.song@example.com'],
    ])('drops %s', (_case, body, expected) => {
      expect(extract(body).username).toBe(expected);
    });

    it('stops the username at a full-width bracket that opens a note', () => {
      expect(extract('账号：zhangwei88（绑定手机 138 0013 8000）').username).toBe('zhangwei88');
    });

    it('keeps a username of exactly 64 characters', () => {
      const long = `r${'x'.repeat(62)}2`;
      expect(extract(`Username: ${long}`).username).toBe(long);
    });

    it('takes a value over 64 characters as no username', () => {
      expect(extract(`Username: ${'river.song'.repeat(7)}`).username).toBeNull();
    });

    it('takes an email address over 64 characters as no username', () => {
      expect(extract(`Login: ${'a'.repeat(60)}@example.com`).username).toBeNull();
    });

    it('reads a username wrapped in HTML markup', () => {
      expect(extract('Username: <b>river.song42</b>').username).toBe('river.song42');
    });

    test.each([
      ['Username: <script>alert(1)</script>'],
      ['用户名：<img src=x onerror=alert(1)>'],
      ['Login: river.song42<script>fetch("//evil.example")</script>'],
    ])('lets no HTML from "%s" into the username', (body) => {
      expect(extract(body).username ?? '').not.toMatch(/[<>]|script|onerror/i);
    });

    it('does not take the word "account" in a request as a label', () => {
      expect(extract(lines('Please close my account as soon as possible.', 'Thanks')).username).toBeNull();
    });
  });

  describe('registration date', () => {
    test.each([
      ['注册时间：2019年3月5日', '2019-03-05'],
      ['注册日期：2019/3/5', '2019-03-05'],
      ['开户时间：2019.03.05', '2019-03-05'],
      ['注册时间：2020年6月', '2020-06'],
      ['Registration date: 5 March 2021', '2021-03-05'],
      ['Registered on: March 5th, 2021', '2021-03-05'],
      ['Date of inscription: 17.03.2019', '2019-03-17'],
      ['Registered on: Friday, 5 March 2021', '2021-03-05'],
      ['Signed up: Mar 2021', '2021-03'],
      ['Member since 2020-06-01', '2020-06-01'],
      ['Registration date: 25/03/2022', '2022-03-25'],
    ])('reads "%s"', (body, expected) => {
      expect(extract(body)).toMatchObject({ registrationDate: expected, registrationDateAmbiguous: false });
    });

    it('reads an Outlook table rendered one cell per line', () => {
      expect(extract(lines('Username', '', 'river.song42', '', 'Registration date', '', '2020-06-01')).registrationDate).toBe('2020-06-01');
    });

    it('reads an HTML table rendered with tabs', () => {
      expect(extract(lines('用户名\tzhangwei88', '注册时间\t2020-06-01')).registrationDate).toBe('2020-06-01');
    });

    it('reads a month from English prose', () => {
      expect(extract('My login is river.song42 and I signed up in June 2020.').registrationDate).toBe('2020-06');
    });

    it('reads a month from Chinese prose', () => {
      expect(extract('我是2019年3月注册的，现在不用了。').registrationDate).toBe('2019-03');
    });

    it('reads a date of today as a date', () => {
      expect(extract('注册日期：2026-11-27').registrationDate).toBe('2026-11-27');
    });

    test.each([
      ['a day and month that could be either way round', 'Registration date: 03/04/2022'],
      ['a US-or-European date', 'Registered on: 3/5/2021'],
      ['a two-digit-year date', 'Registered: 12-03-19'],
      ['"last year"', 'Registered: last year'],
      ['去年', '注册时间：去年'],
      ['三年前', '我三年前注册的'],
      ['a date after today', 'Registration date: 2027-01-05'],
      ['tomorrow', '注册日期：2026-11-28'],
    ])('gives no date but marks it ambiguous for %s', (_case, body) => {
      expect(extract(body)).toMatchObject({ registrationDate: null, registrationDateAmbiguous: true });
    });

    it('gives no date and no ambiguity when none is given', () => {
      expect(extract('Please close my account. Username: river.song42')).toMatchObject({ registrationDate: null, registrationDateAmbiguous: false });
    });

    it('does not take a date from a sentence about something else', () => {
      expect(extract('Please close my account. I bought a roaming pack on 2024-05-01 and never used it.')).toMatchObject({
        registrationDate: null,
        registrationDateAmbiguous: false,
      });
    });
  });

  describe('reason', () => {
    test.each([
      ['注销原因：不再使用', '不再使用'],
      ['原因：出国了。', '出国了'],
      ['理由：资费太贵；', '资费太贵'],
      ['注销原因 ： 换了别家运营商，', '换了别家运营商'],
      ['Reason: moving abroad.', 'moving abroad'],
      ['Reason for cancellation: too expensive;', 'too expensive'],
      ['Why: I switched to another provider.', 'I switched to another provider'],
    ])('reads "%s"', (body, expected) => {
      expect(extract(lines('Hello', body, 'Thanks')).reason).toBe(expected);
    });

    it('reads the next non-empty line when the label stands alone', () => {
      expect(extract(lines('Reason:', '', 'I am moving to Canada next month.')).reason).toBe('I am moving to Canada next month');
    });

    it('reads an Outlook table rendered one cell per line', () => {
      expect(extract(lines('Username', '', 'river.song42', '', 'Reason', '', 'Moving abroad')).reason).toBe('Moving abroad');
    });

    it('reads an HTML table rendered with tabs', () => {
      expect(extract(lines('用户名\tzhangwei88', '注销原因\t出国定居')).reason).toBe('出国定居');
    });

    test.each([
      ['because', 'Please close my account because I am moving abroad. Thanks!', 'because I am moving abroad'],
      ['due to', 'I want to close it due to the price increase.', 'due to the price increase'],
      ['since', 'Please close my account since I no longer live in China.', 'since I no longer live in China'],
      ['as', 'Please close my account as I have moved to Canada.', 'as I have moved to Canada'],
      ['因为', '因为要出国了，请注销账号。', '因为要出国了，请注销账号'],
      ['由于', '由于工作调动不再使用，申请销户。谢谢', '由于工作调动不再使用，申请销户'],
    ])('reads an unlabelled clause introduced by %s', (_case, body, expected) => {
      expect(extract(body).reason).toBe(expected);
    });

    it('does not end the because-clause at the full stop of an abbreviation', () => {
      expect(extract('Please cancel my account because it is too expensive for me, e.g. 100 USD a month.').reason).toBe(
        'because it is too expensive for me, e.g. 100 USD a month',
      );
    });

    it('prefers a labelled reason over a because-clause', () => {
      expect(extract(lines('I am writing because I want to leave.', 'Reason: too many ads')).reason).toBe('too many ads');
    });

    it('cuts a long reason to 500 characters', () => {
      const reason = extract(`Reason: ${'I no longer need this service '.repeat(30)}`).reason;
      expect(reason).not.toBeNull();
      expect(reason!.length).toBeLessThanOrEqual(500);
      expect(reason!.startsWith('I no longer need this service')).toBe(true);
    });

    it('is null when no reason is given', () => {
      expect(extract(lines('Please close my account.', 'Username: river.song42')).reason).toBeNull();
    });

    it('keeps the reason but not the markup around it', () => {
      expect(extract('原因：<img src=x onerror=alert(1)>不再使用').reason).toBe('不再使用');
    });

    test.each([
      ['Reason: moving abroad <script>alert(document.cookie)</script>'],
      ['Reason: moving abroad <script src=//evil.example/x.js'],
      ['原因：<a href="javascript:alert(1)">点击</a>'],
    ])('lets no HTML from "%s" into the reason', (body) => {
      expect(extract(body).reason ?? '').not.toMatch(/<|script|javascript/i);
    });
  });

  describe('a whole request', () => {
    it('reads a plain-text table of labels and values, as a markdown-minded writer lays it out', () => {
      const table = ['| Field             | Value                         |', '|-------------------|-------------------------------|', '| Username          | tkowalski_21                  |', '| Registration date | 2021-06-14                    |', '| Reason            | switching to another provider |'];
      expect(extract(table.join('\n'))).toMatchObject({ username: 'tkowalski_21', registrationDate: '2021-06-14', reason: 'switching to another provider' });
    });

    it('reads the month a customer says they made the account in', () => {
      expect(extract('I make this acount in 12/2019 when i come for study.').registrationDate).toBe('2019-12');
    });

    it('takes no reason from a calendar notice that a meeting was canceled', () => {
      expect(extract('Something has come up on my side.', 'Canceled: Call to discuss my account').reason).toBeNull();
    });

    it('reads all three fields from one line', () => {
      expect(extract('用户名：zhangwei88 注册时间：2020-06-01 原因：不再使用')).toMatchObject({
        username: 'zhangwei88',
        registrationDate: '2020-06-01',
        reason: '不再使用',
        registrationDateAmbiguous: false,
      });
    });

    it('reads a numbered Chinese form with full-width colons', () => {
      const body = lines('您好：', '1. 账号：zhangwei88', '2. 开户时间：2018年7月', '3. 注销原因：已移民，不再使用。', '谢谢！');
      expect(extract(body)).toMatchObject({ username: 'zhangwei88', registrationDate: '2018-07', reason: '已移民，不再使用' });
    });

    it('reads an English form with the labels customers actually use', () => {
      const body = lines('Hi,', '', 'Please close my account.', '', 'Login: river.song42', 'Signed up: March 5th, 2021', 'Reason: moving abroad.');
      expect(extract(body)).toMatchObject({ username: 'river.song42', registrationDate: '2021-03-05', reason: 'moving abroad' });
    });
  });

  describe('answers without labels', () => {
    test.each([
      ['on one line', '1) jbrennan_12 2) 2020-03-01 3) moving abroad'],
      ['one per line', lines('1. jbrennan_12', '2. 2020-03-01', '3. moving abroad')],
      ['in parentheses', '(1) jbrennan_12 (2) 2020-03-01 (3) moving abroad'],
    ])('reads numbered answers to our instructions %s', (_case, body) => {
      expect(extract(lines('Please close my account.', body))).toMatchObject({
        username: 'jbrennan_12',
        registrationDate: '2020-03-01',
        reason: 'moving abroad',
        sources: { username: 'numbered', registrationDate: 'numbered', reason: 'numbered' },
      });
    });

    it('reads Chinese numbered answers with 、 and full-width parentheses', () => {
      expect(extract('1、zhangwei88 2、2019年3月 3、搬家了')).toMatchObject({ username: 'zhangwei88', registrationDate: '2019-03', reason: '搬家了' });
      expect(extract('（1）lijing0611（2）2018年6月11日（3）已经换了运营商')).toMatchObject({ username: 'lijing0611', registrationDate: '2018-06-11', reason: '已经换了运营商' });
    });

    it('does not take a numbered list of grievances for answers', () => {
      expect(extract(lines('1. The coverage is bad', '2. It costs too much')).username).toBeNull();
    });

    it('reads one bare line per field: a handle, a date, and the reason beside them', () => {
      expect(extract(lines('Hi, please close my account.', 'jbrennan_12', '2020-03-01', 'Moving abroad', 'Thanks'))).toMatchObject({
        username: 'jbrennan_12',
        registrationDate: '2020-03-01',
        reason: 'Moving abroad',
        sources: { username: 'bare_line', registrationDate: 'bare_line', reason: 'bare_line' },
      });
    });

    it('does not take a phone number alone in a signature for the username', () => {
      expect(extract(lines('Please close my account.', '', 'Anna Keller', '+44 7700 900456')).username).toBeNull();
    });
  });

  describe('corrections within the mail', () => {
    it('takes the corrected username and says it was corrected', () => {
      expect(extract('Username is abc — sorry, abd')).toMatchObject({ username: 'abd', corrected: ['username'] });
    });

    it('takes the corrected date in a labelled value', () => {
      expect(extract('注册时间2018年3月，不对，是2019年3月')).toMatchObject({ registrationDate: '2019-03', corrected: ['registrationDate'] });
    });

    it('takes a date corrected in a later sentence over the labelled one', () => {
      const body = lines('Registration date: 12 September 2021', 'Correction: I actually registered on 21 September 2021, not the 12th.');
      expect(extract(body)).toMatchObject({ registrationDate: '2021-09-21', corrected: ['registrationDate'] });
    });

    it('takes a later labelled username that corrects the first', () => {
      expect(extract(lines('用户名：zhang88', '不好意思写错了，用户名：zhang888'))).toMatchObject({ username: 'zhang888', corrected: ['username'] });
    });
  });

  describe('reasons told without a label', () => {
    test.each([
      ['We are moving back to Germany next month and won’t need the number any more.', 'We are moving back to Germany next month and won’t need the number any more'],
      ['Please close my account, we have switched to another provider.', 'we have switched to another provider'],
      ['Member since 2017-08-01 but honestly I don’t need it anymore.', 'honestly I don’t need it anymore'],
      ['我下个月要调回成都工作了，这边的号码以后也用不上。', '我下个月要调回成都工作了，这边的号码以后也用不上'],
    ])('reads "%s"', (body, reason) => {
      expect(extract(body)).toMatchObject({ reason, sources: { reason: 'prose' } });
    });

    it('reads the reason from the subject when the body gives none', () => {
      expect(extract('Please close my account.', 'Cancel account – moving abroad')).toMatchObject({ reason: 'moving abroad', sources: { reason: 'subject' } });
      expect(extract('谢谢', '申请注销账号：出国定居')).toMatchObject({ reason: '出国定居' });
    });

    it('does not read a reason from the subject of a reply, which is ours', () => {
      expect(extract('Here is my passport.', 'Re: Your cancellation request: one more thing we need').reason).toBeNull();
    });
  });

  describe('phone-number usernames', () => {
    test.each([
      ['账号：139 1234 5678', '13912345678'],
      ['Username: +86 186-2155-0937', '+8618621550937'],
      ['用户名：１３６１２３４５６７８', '13612345678'],
      ['Account ID: (+86) 138 0013 8000', '+8613800138000'],
    ])('reads "%s"', (body, username) => {
      expect(extract(body).username).toBe(username);
    });
  });
});
