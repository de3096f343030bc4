export type RegistrationDateReading =
  | { outcome: 'date'; value: string } // 'YYYY-MM-DD', or 'YYYY-MM' when only a month is given
  | { outcome: 'ambiguous' } // a date is there but can't be read unambiguously, is relative, or is in the future
  | { outcome: 'none' }; // no date expression at all

const AMBIGUOUS: RegistrationDateReading = { outcome: 'ambiguous' };
const NONE: RegistrationDateReading = { outcome: 'none' };

/** The company did not exist before this year, so an earlier date is a typo or someone else's date. */
const FIRST_YEAR = 1990;

/**
 * Reads the first date expression in `text` (a label's value, or a sentence of prose).
 * `today` is 'YYYY-MM-DD' (injected clock).
 */
export function readRegistrationDate(text: string, today: string): RegistrationDateReading {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) {
    throw new TypeError(`today must be YYYY-MM-DD, got ${JSON.stringify(today)}`);
  }
  // Spoken Chinese puts 的 between year and month: 2019年的3月12号.
  const normalized = toHalfWidth(text)
    .replace(/年的\s*(?=\d|[一二三四五六七八九十])/g, '年')
    // "Mar/2020" and "2019 March" say the same as "March 2019".
    .replace(new RegExp(`${MONTH_NAME}\\s*/\\s*(?=\\d{4})`, 'gi'), '$1 ')
    .replace(new RegExp(`\\b((?:19|20)\\d{2})\\s+${MONTH_NAME}(?!\\s*\\d)`, 'gi'), '$2 $1')
    // "the fifth of March 2019", "twenty-first March": the day in words is the day in digits.
    .replace(SPELLED_DAY, (_, tens: string | undefined, unit: string | undefined, whole: string | undefined) => `${dayInWords(tens, unit, whole)} `);
  let first: Found | undefined;
  for (const pattern of PATTERNS) {
    const found = findFirst(pattern, normalized, today);
    if (found && (!first || precedes(found, first))) first = found;
  }
  return first?.reading ?? NONE;
}

interface DatePattern {
  /** Must carry the `g` flag: matchAll clones it, so no lastIndex state survives a call. */
  regex: RegExp;
  /** Digit-only shapes also occur in order numbers, versions and prices, so their lead-in is checked. */
  numeric: boolean;
  /** `null` when the match turns out not to be a date after all; scanning then goes on. */
  read: (match: RegExpMatchArray, today: string) => RegistrationDateReading | null;
}

interface Found {
  index: number;
  length: number;
  reading: RegistrationDateReading;
}

/**
 * The earliest expression is the customer's answer; at the same spot the longest one wins,
 * so "2023年5月1日" beats the "2023年5月" and the bare "2023" hidden inside it.
 */
function precedes(a: Found, b: Found): boolean {
  return a.index < b.index || (a.index === b.index && a.length > b.length);
}

function findFirst(pattern: DatePattern, text: string, today: string): Found | undefined {
  for (const match of text.matchAll(pattern.regex)) {
    const index = match.index ?? 0;
    if (pattern.numeric && isNonDateNumber(text, index, match[0].length)) continue;
    const reading = pattern.read(match, today);
    if (reading) return { index, length: match[0].length, reading };
  }
  return undefined;
}

const NON_DATE_LEAD =
  /(?:\b(?:v|ver|version|build|release|order|invoice|ticket|case|ref|reference|no|number|id|tel|phone|mobile|fax|usd|rmb|cny|eur|gbp|price|total|amount)\.?|版本号?|订单号?|单号|编号|电话|手机号?|金额|价格)\s*(?:no\.?|number|#)?\s*[:#]?\s*$/i;
const MONEY_OR_UNIT = /^\s*(?:[元块%]|美元|人民币|(?:yuan|rmb|usd|dollars?|euros?|points?|kb|mb|gb)\b)/i;

/** "Order no. 2023-05-01", "version 2023.05.01" and "2019元" are identifiers and amounts, not dates. */
function isNonDateNumber(text: string, index: number, length: number): boolean {
  return NON_DATE_LEAD.test(text.slice(Math.max(0, index - 24), index)) || MONEY_OR_UNIT.test(text.slice(index + length));
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Chinese input methods often type digits and punctuation full-width (２０２３／５／１). */
function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const MONTH_NAME =
  String.raw`\b(january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?(?![a-z])`;

const UNITS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const TEENS = ['tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'thirtieth'];
/** A day of the month in words, only where a month name follows (alone, "second" is no date). */
const SPELLED_DAY = new RegExp(
  `\\b(?:(twenty|thirty)[\\s-]?(${UNITS.join('|')})|(${[...UNITS, ...TEENS].join('|')}))\\s+(?=(?:of\\s+)?${MONTH_NAME})`,
  'gi',
);

function dayInWords(tens: string | undefined, unit: string | undefined, whole: string | undefined): number {
  if (tens !== undefined) return (tens.toLowerCase() === 'twenty' ? 20 : 30) + UNITS.indexOf(unit!.toLowerCase()) + 1;
  const word = whole!.toLowerCase();
  const index = UNITS.indexOf(word);
  return index !== -1 ? index + 1 : [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30][TEENS.indexOf(word)];
}
const ORDINAL = String.raw`(?:st|nd|rd|th)?`;
/** A lone numeric part: not glued to other digits, decimals or another separator-and-digits. */
const NUMERIC_START = String.raw`(?<![\w.\-/+#$¥￥€£])`;
const NUMERIC_END = String.raw`(?!\d|[-/.:]\d)`;
const CN_YEAR = '(\\d{4}|[〇○零一二三四五六七八九]{4})';
const CN_SMALL = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';
const CN_NUMERAL_BEFORE = '(?<![\\d〇○零一二三四五六七八九十])';

function monthFromName(name: string): number {
  return MONTH_NUMBERS[name.slice(0, 3).toLowerCase()] ?? NaN;
}
const MONTH_NUMBERS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const CN_DIGITS: Record<string, number> = {
  '〇': 0, '○': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
};

/** Years are written digit by digit (二〇二三); anything odd becomes NaN and so fails validation. */
function chineseYear(token: string): number {
  if (/^\d+$/.test(token)) return Number(token);
  return [...token].reduce((n, ch) => n * 10 + (CN_DIGITS[ch] ?? NaN), 0);
}

/** 民國 years are small: 108, or counted (一百零八). */
function rocYear(token: string): number {
  if (/^\d+$/.test(token)) return Number(token);
  const hundreds = token.startsWith('一百') ? 100 : 0;
  const rest = token.replace(/^一百零?/, '');
  return hundreds + (rest === '' ? 0 : chineseSmall(rest));
}

/** Months and days are written as counted numbers (十二, 二十一, 三十). */
function chineseSmall(token: string): number {
  if (/^\d+$/.test(token)) return Number(token);
  const parts = token.split('十');
  if (parts.length === 1) return token.length === 1 ? (CN_DIGITS[token] ?? NaN) : NaN;
  if (parts.length !== 2 || parts[0].length > 1 || parts[1].length > 1) return NaN;
  const tens = parts[0] ? (CN_DIGITS[parts[0]] ?? NaN) : 1;
  const ones = parts[1] ? (CN_DIGITS[parts[1]] ?? NaN) : 0;
  return tens * 10 + ones;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isRealDay(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= lengths[month - 1];
}

function dayReading(year: number, month: number, day: number, today: string): RegistrationDateReading {
  if (!isRealDay(year, month, day) || year < FIRST_YEAR) return AMBIGUOUS;
  const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  return value <= today ? { outcome: 'date', value } : AMBIGUOUS;
}

function monthReading(year: number, month: number, today: string): RegistrationDateReading {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12 || year < FIRST_YEAR) {
    return AMBIGUOUS;
  }
  const value = `${pad(year, 4)}-${pad(month, 2)}`;
  return value <= today.slice(0, 7) ? { outcome: 'date', value } : AMBIGUOUS;
}

/** A two-digit "19" means 2019, unless that is still to come: then it can only be 1919. */
function fullYear(token: string, month: number, day: number, today: string): number {
  const digits = token.replace(/^'/, '');
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  return `${pad(2000 + yy, 4)}-${pad(month, 2)}-${pad(day, 2)}` > today ? 1900 + yy : 2000 + yy;
}

function fullYearOfMonth(token: string, month: number, today: string): number {
  const digits = token.replace(/^'/, '');
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  return `${pad(2000 + yy, 4)}-${pad(month, 2)}` > today.slice(0, 7) ? 1900 + yy : 2000 + yy;
}

/** Day and month can only be told apart when one of them cannot be a month, or when they agree. */
function numericDayMonth(first: number, second: number, yearToken: string, today: string): RegistrationDateReading {
  let day: number;
  let month: number;
  if (first === second) [day, month] = [first, second];
  else if (first > 12 && second <= 12) [day, month] = [first, second];
  else if (second > 12 && first <= 12) [day, month] = [second, first];
  else return AMBIGUOUS;
  return dayReading(fullYear(yearToken, month, day, today), month, day, today);
}

// ---------------------------------------------------------------------------------------------
// The patterns. Order only matters for two matches of equal position and length.

const ambiguous = (): RegistrationDateReading => AMBIGUOUS;

const PATTERNS: DatePattern[] = [
  // 2023年5月1日, 2023年5月1号, 二〇二三年五月一日
  {
    regex: new RegExp(`${CN_NUMERAL_BEFORE}${CN_YEAR}\\s*年\\s*${CN_SMALL}\\s*月\\s*${CN_SMALL}\\s*[日号號]`, 'g'),
    numeric: false,
    read: (m, today) => dayReading(chineseYear(m[1]), chineseSmall(m[2]), chineseSmall(m[3]), today),
  },
  // 2023年5月; a trailing bare number ("2023年5月1") may be a day whose 日 got lost, so it is no month.
  {
    regex: new RegExp(`${CN_NUMERAL_BEFORE}${CN_YEAR}\\s*年\\s*${CN_SMALL}\\s*月(?!\\s*\\d)`, 'g'),
    numeric: false,
    read: (m, today) => monthReading(chineseYear(m[1]), chineseSmall(m[2]), today),
  },
  // 19年3月(5日), 一九年三月: a two-digit year, 20YY unless that is still to come.
  {
    regex: new RegExp(`${CN_NUMERAL_BEFORE}(\\d{2}|[〇○零一二三四五六七八九]{2})\\s*年\\s*${CN_SMALL}\\s*月(?:\\s*${CN_SMALL}\\s*[日号號])?`, 'g'),
    numeric: false,
    read: (m, today) => {
      const month = chineseSmall(m[2]);
      const year = fullYearOfMonth(String(chineseYear(m[1])).padStart(2, '0'), month, today);
      return m[3] === undefined ? monthReading(year, month, today) : dayReading(year, month, chineseSmall(m[3]), today);
    },
  },
  // 民國108年4月: Taiwan counts years from 1912.
  {
    regex: new RegExp(`[民]\\s*[國国]\\s*(\\d{2,3}|[一二三四五六七八九十百〇零]{2,4})\\s*年\\s*${CN_SMALL}\\s*月(?:\\s*${CN_SMALL}\\s*[日号號])?`, 'g'),
    numeric: false,
    read: (m, today) => {
      const year = rocYear(m[1]) + 1911;
      const month = chineseSmall(m[2]);
      return m[3] === undefined ? monthReading(year, month, today) : dayReading(year, month, chineseSmall(m[3]), today);
    },
  },
  // 08/2017, 8-2017: a month and a year, no day to confuse with.
  {
    regex: new RegExp(`${NUMERIC_START}(\\d{1,2})[/-]([12]\\d{3})${NUMERIC_END}`, 'g'),
    numeric: true,
    read: (m, today) => (Number(m[1]) >= 1 && Number(m[1]) <= 12 ? monthReading(Number(m[2]), Number(m[1]), today) : null),
  },
  // 3月5日2021年: the markers say which number is which, whatever the order.
  {
    regex: new RegExp(`${CN_NUMERAL_BEFORE}${CN_SMALL}\\s*月\\s*${CN_SMALL}\\s*[日号號]\\s*[,，]?\\s*${CN_YEAR}\\s*年`, 'g'),
    numeric: false,
    read: (m, today) => dayReading(chineseYear(m[3]), chineseSmall(m[1]), chineseSmall(m[2]), today),
  },
  // 5月1日 with no year: clearly a date, but not one we can place.
  {
    regex: new RegExp(`(?<![\\d年〇○零一二三四五六七八九十]\\s*)${CN_SMALL}\\s*月\\s*${CN_SMALL}\\s*[日号號]`, 'g'),
    numeric: false,
    read: ambiguous,
  },
  // 5月 / 五月 with no year
  {
    regex: new RegExp(`(?<![\\d年〇○零一二三四五六七八九十]\\s*)${CN_SMALL}\\s*月`, 'g'),
    numeric: false,
    read: (m) => {
      const month = chineseSmall(m[1]);
      return month >= 1 && month <= 12 ? AMBIGUOUS : null;
    },
  },
  // Chinese relative dates: 去年, 前年, 今年初, 上个月, 三年前, 几年前, 两个月前, 最近 …
  {
    regex: new RegExp(
      [
        '大?前年',
        '去年',
        '今年',
        '上上?个?月',
        '本月',
        '这个月',
        '上上?个?(?:星期|礼拜|周)',
        '昨天',
        '前天',
        '最近',
        '近期',
        '前段时间',
        '前阵子',
        '前些(?:日子|天|时候|年)',
        '不久前',
        '早些年',
        '前[几两三四五]年',
        '很久(?:以)?前',
        `${CN_NUMERAL_BEFORE}(?:\\d{1,2}|[一二两三四五六七八九十几半多好]+)\\s*个?\\s*(?:年|月|星期|礼拜|周|天)多?\\s*(?:以前|之前|前)`,
      ].join('|'),
      'g',
    ),
    numeric: false,
    read: ambiguous,
  },
  // 2023-05-01, 2023/5/1, 2023.05.01; mixed separators (2023-05/01) are a date we won't guess at.
  {
    regex: new RegExp(`${NUMERIC_START}([12]\\d{3})([-/.])(\\d{1,2})([-/.])(\\d{1,2})${NUMERIC_END}`, 'g'),
    numeric: true,
    read: (m, today) => (m[2] === m[4] ? dayReading(Number(m[1]), Number(m[3]), Number(m[5]), today) : AMBIGUOUS),
  },
  // 2023-05, 2019/03, 2019.3. Callers only ask about text that talks about registering, where a
  // year and a month are a month; "2023/99" is no month at all, so not a date.
  {
    regex: new RegExp(`${NUMERIC_START}([12]\\d{3})([-/.])(\\d{1,2})${NUMERIC_END}`, 'g'),
    numeric: true,
    read: (m, today) => (m[2] === '-' || (Number(m[3]) >= 1 && Number(m[3]) <= 12) ? monthReading(Number(m[1]), Number(m[3]), today) : null),
  },
  // 25/03/2022, 3/25/2021, 12-03-19, 05.04.2021
  {
    regex: new RegExp(`${NUMERIC_START}(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4}|\\d{2})${NUMERIC_END}`, 'g'),
    numeric: true,
    // Dotted triples with a two-digit tail (1.2.21) are version numbers far more often than dates.
    read: (m, today) => (m[2] === '.' && m[4].length === 2 ? null : numericDayMonth(Number(m[1]), Number(m[3]), m[4], today)),
  },
  // 05/06, 5.6 with no year: a date, but neither its order nor its year can be known.
  {
    regex: new RegExp(`${NUMERIC_START}(\\d{1,2})[/.](\\d{1,2})${NUMERIC_END}`, 'g'),
    numeric: true,
    read: (m) => (Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[1]) <= 31 && Number(m[2]) <= 31 && Math.min(Number(m[1]), Number(m[2])) <= 12 ? AMBIGUOUS : null),
  },
  // 1 May 2023, 1st of May, 2023, 12-Mar-19, 12 Mar '19
  {
    regex: new RegExp(
      `(?<![\\d.:,])(\\d{1,2})${ORDINAL}(?:\\s+of\\s+|\\s*[-/]\\s*|\\s+)${MONTH_NAME}(?:\\s*,\\s*|\\s*[-/]\\s*|\\s+)(\\d{4}|'?\\d{2})(?![\\d:])`,
      'gi',
    ),
    numeric: false,
    read: (m, today) => {
      const day = Number(m[1]);
      const month = monthFromName(m[2]);
      return dayReading(fullYear(m[3], month, day, today), month, day, today);
    },
  },
  // May 1, 2023, May 1st 2023, March 5th, 2021, Mar-05-2021
  {
    regex: new RegExp(
      `${MONTH_NAME}(?:\\s*[-/]\\s*|\\s+)(\\d{1,2})${ORDINAL}(?:\\s*,\\s*|\\s*[-/]\\s*|\\s+)(\\d{4}|'\\d{2})(?![\\d:])`,
      'gi',
    ),
    numeric: false,
    read: (m, today) => {
      const day = Number(m[2]);
      const month = monthFromName(m[1]);
      return dayReading(fullYear(m[3], month, day, today), month, day, today);
    },
  },
  // Mar 2021, March, 2021, May of 2020, Mar '21
  {
    regex: new RegExp(`${MONTH_NAME}(?:\\s*,\\s*|\\s*[-/]\\s*|\\s+)(?:of\\s+)?(\\d{4}|'\\d{2})(?![\\d:])`, 'gi'),
    numeric: false,
    read: (m, today) => {
      const month = monthFromName(m[1]);
      return monthReading(fullYearOfMonth(m[2], month, today), month, today);
    },
  },
  // 5 March / 5th of March with no year
  {
    regex: new RegExp(`(?<![\\d.:,])(\\d{1,2})${ORDINAL}(?:\\s+of\\s+|\\s*[-/]\\s*|\\s+)${MONTH_NAME}`, 'gi'),
    numeric: false,
    read: (m) => yearlessDay(Number(m[1]), m[2]),
  },
  // March 5 / May 1st with no year
  {
    regex: new RegExp(`${MONTH_NAME}(?:\\s*[-/]\\s*|\\s+)(\\d{1,2})${ORDINAL}(?![\\d:])`, 'gi'),
    numeric: false,
    read: (m) => yearlessDay(Number(m[2]), m[1]),
  },
  // "in March", "since May": a month name only counts as a date after a word that makes it one.
  {
    regex: new RegExp(
      `\\b(?:in|since|from|around|during|early|mid|late)[\\s-]+${MONTH_NAME}(?![\\s,]*(?:of\\s+)?['\\d])`,
      'gi',
    ),
    numeric: false,
    read: ambiguous,
  },
  // English relative dates
  {
    regex: new RegExp(
      [
        String.raw`\b(?:last|past|previous)\s+(?:year|month|week|spring|summer|autumn|fall|winter)\b`,
        String.raw`\b(?:earlier\s+)?this\s+(?:year|month)\b`,
        String.raw`\bthe\s+year\s+before\s+last\b`,
        String.raw`\b(?:years?|months?|weeks?|days?|decades?|ages|a\s+while)\s+(?:ago|back|earlier)\b`,
        String.raw`\b(?:some\s+time|long)\s+ago\b`,
        String.raw`\b(?:recently|lately|yesterday)\b`,
      ].join('|'),
      'gi',
    ),
    numeric: false,
    read: ambiguous,
  },
  // A bare year ("since 2019", "2019年") says too little. Not after digits-and-space: that is a phone number.
  {
    regex: /(?<![\w.\-/+#$¥￥€£]|\d\s)(?:19|20)\d{2}(?:\s*年)?(?!\d|[-/.:,]\d)/g,
    numeric: true,
    read: ambiguous,
  },
];

/** "Step 1 may fail" is not the first of May: a lower-case "may" only names the month next to a year. */
function yearlessDay(day: number, monthName: string): RegistrationDateReading | null {
  if (monthName === 'may' || day < 1 || day > 31) return null;
  return AMBIGUOUS;
}
