import { readRegistrationDate } from '../../src/intake/registration-date';

// The same clock the fixtures use, so "future" means the same thing everywhere.
const TODAY = '2026-11-27';
const read = (text: string) => readRegistrationDate(text, TODAY);
const date = (value: string) => ({ outcome: 'date', value });
const AMBIGUOUS = { outcome: 'ambiguous' };
const NONE = { outcome: 'none' };

describe('readRegistrationDate', () => {
  describe('year-first numeric dates', () => {
    test.each([
      ['2023-05-01', '2023-05-01'],
      ['2023/5/1', '2023-05-01'],
      ['2023.05.01', '2023-05-01'],
      ['2023-5-1', '2023-05-01'],
      ['2023/12/31', '2023-12-31'],
    ])('reads %s as a day', (text, expected) => {
      expect(read(text)).toEqual(date(expected));
    });

    it('reads an ISO timestamp as its day', () => {
      expect(read('2023-05-01T10:01:00Z')).toEqual(date('2023-05-01'));
    });

    it('reads a hyphenated year and month as a month', () => {
      expect(read('2023-05')).toEqual(date('2023-05'));
    });

    it('is ambiguous when the separators are mixed', () => {
      expect(read('2023-05/01')).toEqual(AMBIGUOUS);
    });
  });

  describe('Chinese dates', () => {
    test.each([
      ['2023年5月1日', '2023-05-01'],
      ['2023 年 5 月 1 日', '2023-05-01'],
      ['2023年05月01日', '2023-05-01'],
      ['二〇二三年五月一日', '2023-05-01'],
      ['二零二一年十二月三十一日', '2021-12-31'],
    ])('reads %s as a day', (text, expected) => {
      expect(read(text)).toEqual(date(expected));
    });

    it('reads a Chinese date with 号 as the day', () => {
      expect(read('2023年5月1号')).toEqual(date('2023-05-01'));
    });

    it('reads a Chinese year and month as a month', () => {
      expect(read('2023年5月')).toEqual(date('2023-05'));
    });

    it('reads a Chinese month even when followed by 份 or 初', () => {
      expect(read('2023年5月份注册')).toEqual(date('2023-05'));
    });

    it('reads full-width digits', () => {
      expect(read('２０２３年５月１日')).toEqual(date('2023-05-01'));
    });

    it('reads full-width digits and separators in an ISO date', () => {
      expect(read('２０２３－０５－０１')).toEqual(date('2023-05-01'));
    });

    it('ignores the weekday in brackets after a labelled date', () => {
      expect(read('注册时间：2021年3月5日（星期五）')).toEqual(date('2021-03-05'));
    });

    it('does not turn a dayless 日 into a month when a number follows the month', () => {
      expect(read('2023年5月1')).toEqual(AMBIGUOUS);
    });
  });

  describe('English dates with month names', () => {
    test.each([
      ['May 1, 2023', '2023-05-01'],
      ['May 1st 2023', '2023-05-01'],
      ['1 May 2023', '2023-05-01'],
      ['1st of May, 2023', '2023-05-01'],
      ['Monday, 1 May 2023', '2023-05-01'],
      ['Mon, May 1, 2023', '2023-05-01'],
      ['March 5th, 2021', '2021-03-05'],
      ['Mar. 5, 2021', '2021-03-05'],
      ['Mar-05-2021', '2021-03-05'],
      ['22nd December 2020', '2020-12-22'],
      ['the fifth of March 2019', '2019-03-05'],
      ['the Twenty-first of May 2020', '2020-05-21'],
      ['thirtieth November 2018', '2018-11-30'],
    ])('reads %s as a day', (text, expected) => {
      expect(read(text)).toEqual(date(expected));
    });

    test.each([
      ['Sept 5, 2021'],
      ['Sep 5, 2021'],
      ['September 5, 2021'],
      ['SEPT 5 2021'],
      ['sept 5 2021'],
    ])('reads the September spelling in %s', (text) => {
      expect(read(text)).toEqual(date('2021-09-05'));
    });

    test.each([
      ['Mar 2021', '2021-03'],
      ['March 2021', '2021-03'],
      ['MARCH 2021', '2021-03'],
      ['in June 2020', '2020-06'],
      ['March, 2021', '2021-03'],
      ['May of 2020', '2020-05'],
      ["Mar '21", '2021-03'],
    ])('reads %s as a month', (text, expected) => {
      expect(read(text)).toEqual(date(expected));
    });
  });

  describe('two-digit years', () => {
    test.each([
      ['12-Mar-19', '2019-03-12'],
      ['12 Mar 19', '2019-03-12'],
      ["12 Mar '19", '2019-03-12'],
      ['12-Nov-26', '2026-11-12'],
    ])('reads %s in the 2000s', (text, expected) => {
      expect(read(text)).toEqual(date(expected));
    });

    it('falls back to the 1900s when the 2000s would be in the future', () => {
      expect(read('12-Mar-99')).toEqual(date('1999-03-12'));
    });

    it('is ambiguous when the 1900s fallback is before the company existed', () => {
      expect(read('1-Dec-26')).toEqual(AMBIGUOUS);
    });

    it('reads a numeric two-digit year once day and month are clear', () => {
      expect(read('25-03-19')).toEqual(date('2019-03-25'));
    });
  });

  describe('purely numeric day and month orders', () => {
    test.each([['03/04/2022'], ['3/5/2021'], ['12-03-19'], ['05.04.2021'], ['13/14/2021']])(
      'is ambiguous for %s',
      (text) => {
        expect(read(text)).toEqual(AMBIGUOUS);
      },
    );

    test.each([['05/06'], ['5.6'], ['signed up on 12/3 I think']])('is ambiguous for a day and month without a year: %s', (text) => {
      expect(read(text)).toEqual(AMBIGUOUS);
    });

    it('reads day first when the first number cannot be a month', () => {
      expect(read('25/03/2022')).toEqual(date('2022-03-25'));
    });

    it('reads month first when the second number cannot be a month', () => {
      expect(read('3/25/2021')).toEqual(date('2021-03-25'));
    });

    it('reads a dotted day-first date', () => {
      expect(read('25.03.2022')).toEqual(date('2022-03-25'));
    });

    it('reads day and month when both numbers are equal', () => {
      expect(read('5/5/2021')).toEqual(date('2021-05-05'));
    });

    it('is ambiguous when the only possible order names a day that does not exist', () => {
      expect(read('31/04/2022')).toEqual(AMBIGUOUS);
    });
  });

  describe('relative dates', () => {
    test.each([
      ['last year'],
      ['a few years ago'],
      ['two years back'],
      ['recently'],
      ['5 years ago'],
      ['earlier this year'],
      ['the year before last'],
      ['a while back'],
      ['去年'],
      ['前年'],
      ['三年前'],
      ['几年前'],
      ['3年前'],
      ['两个月前'],
      ['上个月'],
      ['今年初'],
      ['最近'],
    ])('is ambiguous for %s', (text) => {
      expect(read(text)).toEqual(AMBIGUOUS);
    });

    it('lets a relative date that comes first win over a later exact one', () => {
      expect(read('去年（2025年3月）注册的')).toEqual(AMBIGUOUS);
    });

    it('reads 年前 after a full year as a bare year, not as a count of years', () => {
      expect(read('2023年前注册')).toEqual(AMBIGUOUS);
    });
  });

  describe('dates that cannot be the registration date', () => {
    it('accepts today', () => {
      expect(read('2026-11-27')).toEqual(date('2026-11-27'));
    });

    test.each([['2026-11-28'], ['2026年12月1日'], ['Nov 28, 2026'], ['2027-01-01']])(
      'is ambiguous for the future day %s',
      (text) => {
        expect(read(text)).toEqual(AMBIGUOUS);
      },
    );

    it('accepts the current month', () => {
      expect(read('Nov 2026')).toEqual(date('2026-11'));
    });

    test.each([['Dec 2026'], ['2026-12'], ['2026年12月']])('is ambiguous for the future month %s', (text) => {
      expect(read(text)).toEqual(AMBIGUOUS);
    });

    test.each([['2023-02-30'], ['2023年2月30日'], ['Feb 29, 2023'], ['2023-13-01'], ['2023-13'], ['2023-00-10']])(
      'is ambiguous for the impossible date %s',
      (text) => {
        expect(read(text)).toEqual(AMBIGUOUS);
      },
    );

    it('accepts 29 February in a leap year', () => {
      expect(read('Feb 29, 2024')).toEqual(date('2024-02-29'));
    });

    test.each([['1989-12-31'], ['1985年3月'], ['May 1, 1975']])(
      'is ambiguous for %s, before the company existed',
      (text) => {
        expect(read(text)).toEqual(AMBIGUOUS);
      },
    );

    it('accepts the first day of 1990', () => {
      expect(read('1990-01-01')).toEqual(date('1990-01-01'));
    });
  });

  describe('incomplete dates', () => {
    test.each([['since 2019'], ['2019年注册的'], ['joined in 2019.']])('is ambiguous for the bare year in %s', (text) => {
      expect(read(text)).toEqual(AMBIGUOUS);
    });

    test.each([['5月1日'], ['五月'], ['March 5'], ['5th of March'], ['in March'], ['since May']])(
      'is ambiguous for %s, which has no year',
      (text) => {
        expect(read(text)).toEqual(AMBIGUOUS);
      },
    );

    it('does not take the verb "may" for a month', () => {
      expect(read('Step 1 may take a while')).toEqual(NONE);
    });
  });

  describe('numbers that are not dates', () => {
    test.each([
      ['an empty value', ''],
      ['a username', 'river.song42'],
      ['a time', '10:01'],
      ['a phone number', '+86 138 0013 8000'],
      ['a phone number with a year-like group', '+86 2019 0013'],
      ['a hyphenated phone number', '010-2019-0501'],
      ['an order number', 'Order #20230501'],
      ['a labelled order number', 'order no. 2023-05-01'],
      ['a Chinese order number', '订单号：2023-0501-77'],
      ['a version number', 'version 2023.05.01'],
      ['a short version number', 'v1.2.21'],
      ['a dotted triple with a two-digit tail', '5.4.21'],
      ['a price in dollars', '$2019'],
      ['a price in yuan', '2019元'],
      ['a decimal price', '¥2023.05'],
      ['a reference with a slash', 'ref 2023/99'],
      ['a month count', '5个月'],
    ])('finds no date in %s', (_label, text) => {
      expect(read(text)).toEqual(NONE);
    });
  });

  describe('prose', () => {
    it('reads the date and not the time in a sentence', () => {
      expect(read('I signed up on 5 March 2021 at 10:01')).toEqual(date('2021-03-05'));
    });

    it('reads the month before a reference that only looks like a date', () => {
      expect(read('member since Mar 2021, ref 2023/99')).toEqual(date('2021-03'));
    });

    it('skips a phone number before the date', () => {
      expect(read('Call +86 138 0013 8000; I registered on 2021-03-05')).toEqual(date('2021-03-05'));
    });

    it('skips an order number before the date', () => {
      expect(read('Order #20230501, account opened 12 June 2020')).toEqual(date('2020-06-12'));
    });

    it('reads a Chinese sentence', () => {
      expect(read('我是在2020年1月15号注册的，请帮我注销')).toEqual(date('2020-01-15'));
    });

    it('reads the first of two dates', () => {
      expect(read('Registered 2021-03-05, upgraded on 2022-01-01')).toEqual(date('2021-03-05'));
    });

    it('reads the whole Chinese date rather than the year inside it', () => {
      expect(read('注册于2019年')).toEqual(AMBIGUOUS);
      expect(read('注册于2019年7月')).toEqual(date('2019-07'));
    });
  });

  describe('as a pure function', () => {
    it('gives the same answer when called again', () => {
      const text = 'member since Mar 2021';
      expect(read(text)).toEqual(read(text));
    });

    it('judges the future against the injected today', () => {
      expect(readRegistrationDate('2026-11-28', '2026-11-28')).toEqual(date('2026-11-28'));
    });

    it('rejects a today that is not YYYY-MM-DD', () => {
      expect(() => readRegistrationDate('2023-05-01', '27/11/2026')).toThrow(TypeError);
    });
  });
});
