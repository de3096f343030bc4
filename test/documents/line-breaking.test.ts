import { breakLines } from '../../src/documents/line-breaking';
import { LONG_CHINESE_REASON } from './sample-facts';

/** Every character one unit wide, so widths read as character counts. */
const characters = (text: string) => Array.from(text).length;

test('breaks Chinese text between any two characters', () => {
  expect(breakLines('我想注销我的账号', 3, characters)).toEqual(['我想注', '销我的', '账号']);
});

test('breaks Latin text at spaces and drops the space at the break', () => {
  expect(breakLines('close my account now', 10, characters)).toEqual(['close my', 'account', 'now']);
});

test('splits a Latin word wider than the line by characters', () => {
  expect(breakLines('abcdefghij', 4, characters)).toEqual(['abcd', 'efgh', 'ij']);
});

test('splits a word wider than the line after its hyphens before resorting to characters', () => {
  expect(breakLines('my-passport-scan.pdf', 12, characters)).toEqual(['my-passport-', 'scan.pdf']);
  expect(breakLines('id_card_front_side.jpg', 8, characters)).toEqual(['id_card_', 'front_', 'side.jpg']);
  expect(breakLines('x-verylongword', 6, characters)).toEqual(['x-', 'verylo', 'ngword']);
});

test('breaks between Chinese and Latin text, not inside the Latin word', () => {
  expect(breakLines('我的账号是zhangwei88请注销', 8, characters)).toEqual([
    '我的账号是',
    'zhangwei',
    '88请注销',
  ]);
  expect(breakLines('账号zhangwei注销', 9, characters)).toEqual(['账号', 'zhangwei注', '销']);
});

test('never starts a line with closing punctuation', () => {
  expect(breakLines('我想注销。谢谢', 4, characters)).toEqual(['我想注', '销。谢谢']);
  expect(breakLines('余额（九十八元）退还', 7, characters)).toEqual(['余额（九十八', '元）退还']);
  expect(breakLines('abcdefgh,', 4, characters)).toEqual(['abcd', 'efg', 'h,']);
});

test('never ends a line with opening punctuation', () => {
  expect(breakLines('请看《用户协议》', 3, characters)).toEqual(['请看', '《用户', '协议》']);
  expect(breakLines('他说“好的”', 3, characters)).toEqual(['他说', '“好', '的”']);
});

test('keeps a doubled ellipsis or dash together', () => {
  expect(breakLines('我等了很久……', 6, characters)).toEqual(['我等了很久', '……']);
  expect(breakLines('答复——明天', 3, characters)).toEqual(['答复', '——明', '天']);
});

test('starts a new line at every newline', () => {
  expect(breakLines('第一行\n\nsecond line', 20, characters)).toEqual(['第一行', '', 'second line']);
});

test('keeps every line within the width and loses no character', () => {
  for (const width of [5, 13, 31]) {
    const lines = breakLines(LONG_CHINESE_REASON, width, characters);
    expect(lines.every((line) => characters(line) <= width)).toBe(true);
    expect(lines.join('').replace(/\s/g, '')).toBe(LONG_CHINESE_REASON.replace(/\s/g, ''));
    expect(lines.some((line) => /^[，。、；：？！）》」』”]/.test(line))).toBe(false);
    expect(lines.some((line) => /[（《「『“]$/.test(line))).toBe(false);
  }
});

test('measures each piece of a paragraph, never the growing line again', () => {
  const measured: string[] = [];
  const counting = (text: string) => {
    measured.push(text);
    return characters(text);
  };
  const lines = breakLines(LONG_CHINESE_REASON, 40, counting);
  expect(lines.join('')).toBe(LONG_CHINESE_REASON);
  expect(measured.join('').length).toBeLessThanOrEqual(3 * LONG_CHINESE_REASON.length);
});

/** Every user-perceived character one unit wide, however many code points it takes. */
const perceived = (text: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)).length;

test('never splits a character built of several code points: accents, emoji sequences, flags, jamo', () => {
  const marked = 'cafe\u0301 re\u0301sume\u0301';
  expect(breakLines(marked, 3, perceived)).toEqual(['caf', 'e\u0301', 're\u0301s', 'ume\u0301']);
  expect(breakLines('我👨‍👩‍👧👍🏽🇨🇳🇯🇵好', 2, perceived)).toEqual(['我', '👨‍👩‍👧👍🏽', '🇨🇳🇯🇵', '好']);
  expect(breakLines('abc\u1100\u1161\u11A8de', 2, perceived)).toEqual(['ab', 'c\u1100\u1161\u11A8', 'de']);
  expect(breakLines('葛\u{E0100}葛\u{E0100}葛', 2, perceived)).toEqual(['葛\u{E0100}葛\u{E0100}', '葛']);
});
