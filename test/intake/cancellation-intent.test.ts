import { cancellationIntent, readSubject } from '../../src/intake/cancellation-intent';

const asksToClose = (words: string) => cancellationIntent(words) === 'asks';

// The input is the subject plus the customer's own words (quotes and signatures already removed).
const words = (subject: string, body: string) => `${subject}\n${body}`;

describe('cancellationIntent', () => {
  describe('customers asking to close their account', () => {
    test.each([
      ['Please close my account.'],
      ['Hi, I would like to cancel my account, username river.song42.'],
      ['Please delete my user account and all data you hold about me.'],
      ['Could you deactivate my account? I no longer use it.'],
      ['I want to terminate my membership effective today.'],
      ['Please close my Example Mobile account, thanks'],
      ['I am writing to request the closure of my account.'],
      ['I want to cancle my acount kindly do it fast.'],
      ['Please cansel my account.'],
    ])('recognises "%s"', (text) => {
      expect(asksToClose(text)).toBe(true);
    });

    test.each([
      ['Account closure request – river.song42', ''],
      ['Account deletion', 'Username: river.song42\nRegistered on: 1 June 2020'],
      ['申请注销', '用户名：zhangwei88\n注册时间：2019年3月5日'],
      ['', '您好，请帮我注销账号，谢谢。'],
      ['', '我想关闭我的账号。'],
      ['', '请删除我的账户和所有个人信息。'],
      ['销户申请', '本人申请销户。'],
      ['', '麻烦帮我把帐号停用，不再使用了。'],
      ['', '請幫我註銷帳號'.replace('註銷', '注销')],
    ])('recognises subject "%s" with body "%s"', (subject, body) => {
      expect(asksToClose(words(subject, body))).toBe(true);
    });
  });

  describe('phishing and notices about closing *your* account', () => {
    test.each([
      ['Your account will be closed within 24 hours unless you verify your identity. To stop the account closure, click below.'],
      ['We received a request to close your account. If this was not you, verify your account here.'],
      ['您的账号将于24小时内被注销，请立即点击链接验证身份。'],
    ])('does not take "%s" as a request', (text) => {
      expect(asksToClose(text)).toBe(false);
    });

    it('does not take a phishing mail that says "如非本人操作" as a request', () => {
      // "如非本人操作" (if this was not you) is boilerplate in Chinese security notices, not the customer speaking.
      expect(asksToClose('【安全提醒】您的账号存在异常登录，将在24小时内被注销。如非本人操作，请点击链接验证身份。')).toBe(false);
    });

    it('does not take a phishing mail that names "our account security team" as a request', () => {
      expect(
        asksToClose('Your account will be closed within 24 hours unless you verify your identity. Contact our account security team to cancel the account closure.'),
      ).toBe(false);
    });

    it('still takes a customer who quotes the notice and asks in their own words', () => {
      expect(asksToClose('I got a mail saying your account will be closed. Fine, I want you to close my account.')).toBe(true);
    });
  });

  describe('cancelling something that is not the account', () => {
    test.each([
      ['an order', 'Please cancel my order #20261120-8841, it has not shipped yet.'],
      ['a roaming add-on', 'Please cancel the roaming add-on on my line from December.'],
      ['a data pack', 'Please remove the 10GB data pack from my plan.'],
      ['a subscription add-on', 'Cancel my Premium add-on subscription please.'],
      ['a 流量包', '请帮我退订流量包，谢谢。'],
      ['an order in Chinese', '请取消我昨天的订单。'],
      ['roaming in Chinese', '请帮我取消国际漫游。'],
    ])('does not take cancelling %s as a request', (_case, text) => {
      expect(asksToClose(text)).toBe(false);
    });

    it("does not take cancelling an add-on of the account (\"my account's roaming add-on\") as a request", () => {
      expect(asksToClose("Please cancel my account's international roaming add-on.")).toBe(false);
    });

    it('does not take "cancel it" about a data pack, refunded to the account, as a request', () => {
      expect(asksToClose('I bought the 10GB data pack by mistake, please cancel it and refund the money to my account.')).toBe(false);
    });

    it('does not take cancelling roaming on a phone number (取消手机号上的国际漫游) as a request', () => {
      expect(asksToClose('请帮我取消手机号上的国际漫游业务。')).toBe(false);
    });

    it('does not take cancelling a membership auto-renewal (取消会员自动续费) as a request', () => {
      expect(asksToClose('请帮我取消会员自动续费，下个月不要再扣款了。')).toBe(false);
    });

    it('does not take "I don\'t want to close my account, just the roaming add-on" as a request', () => {
      expect(asksToClose("I don't want to close my account, just cancel the roaming add-on.")).toBe(false);
    });

    it('does not take "不是要注销账号，只是取消流量包" as a request', () => {
      expect(asksToClose('我不是要注销账号，只是想取消流量包。')).toBe(false);
    });

    it('does not take asking how to restore a deactivated account (账号停用了，怎么恢复) as a request', () => {
      expect(asksToClose('我的账号停用了，怎么恢复？')).toBe(false);
    });
  });

  it('is false for mail that says nothing about closing anything', () => {
    expect(asksToClose('Hi, how do I change the email address on my account?\n您好，请问怎么修改绑定的手机号？')).toBe(false);
  });
});

describe('readSubject', () => {
  test.each(['Cancel', 'Cancellation', 'Kündigung / cancellation', 'Close', 'Closing my account', 'Account deletion', 'Terminate', '注销', '销户申请', '註銷', '关闭账号'])(
    'finds the cancel word in "%s"',
    (subject) => {
      expect(readSubject(subject).cancelWord).not.toBeNull();
    },
  );

  test.each(['Cancel order #8812', 'Cancel the roaming add-on', '取消订单', '退订流量包', 'Meeting cancelled'])('finds none in "%s", which cancels something else', (subject) => {
    expect(readSubject(subject).cancelWord).toBeNull();
  });

  test.each(['How do I cancel?', '如何注销？', 'Can I close my account online', '关于注销账号的咨询', 'Question about closing my account'])('takes "%s" for a question, not a request', (subject) => {
    expect(readSubject(subject)).toEqual({ cancelWord: null, question: true });
  });
});

describe('questions about closing', () => {
  test.each([
    ['如果以后注销的话余额能退吗？'],
    ['请问注销之前需要先把余额用完吗？还是注销的时候可以退回到原来的支付宝？'],
    ['If I cancel later, can I keep my number?'],
    ['Can I close my account online?'],
    ['关于注销账号的咨询\n请问需要准备哪些材料？'],
    ['Enquiry about cancelling my account: what documents do you need?'],
  ])('asks nothing yet: "%s"', (text) => {
    expect(cancellationIntent(text)).toBe('none');
  });

  it('still hears a request after a subject that announces an enquiry', () => {
    expect(cancellationIntent('关于注销账号的咨询\n我要注销我的账号，用户名 zhang88。')).toBe('asks');
  });

  it('still hears a request beside a question', () => {
    expect(cancellationIntent('Please close my account. Can I get my balance back?')).toBe('asks');
  });
});
