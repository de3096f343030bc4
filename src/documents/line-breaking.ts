/**
 * Line breaking for mixed Chinese and Latin text (pdf-lib itself only breaks at spaces, so a
 * Chinese paragraph would run off the page).
 */

/** Must not start a line (GB/T 15834 and the usual Latin ones). */
const CLOSING = new Set([...'，。、；：？！）》」』”’】〕〗〙〛〉｝］．·～,.;:?!)]}%']);
/** Must not end a line. */
const OPENING = new Set([...'（《「『“‘【〔〖〘〚〈｛［([{']);
/** A pair of these (……, ——) is one mark and is never split. */
const DOUBLED_MARKS = new Set([...'…—']);
/** Characters that allow a line break on either side of them, as Chinese and Japanese text does. */
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef…—]/u;
const SPACE = /^\s+$/u;
const WORD_SEPARATORS = new Set([...'-_/\\']);

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/**
 * Text in which every code point is a user-perceived character of its own: no marks, joiners,
 * variation selectors, emoji modifiers, flags, Hangul jamo or prepended signs (which belong to
 * other scripts), so it can be split by code point without asking Intl.Segmenter.
 */
const ONE_CODE_POINT_EACH =
  /^(?:(?![\p{M}\p{Grapheme_Extend}\p{Default_Ignorable_Code_Point}\p{Emoji_Modifier}\p{Regional_Indicator}\p{Cs}\r\n])[\p{Script=Latin}\p{Script=Common}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}])*$/u;

function characters(text: string): Iterable<string> {
  if (ONE_CODE_POINT_EACH.test(text)) return text;
  return Array.from(graphemes.segment(text), ({ segment }) => segment);
}

type BreakRule = (before: string, after: string) => boolean;

/** Between two characters: after spaces, and around Chinese characters and punctuation. */
const normalBreak: BreakRule = (before, after) =>
  kinsokuAllows(before, after) &&
  !SPACE.test(after) &&
  (SPACE.test(before) || WIDE.test(before) || WIDE.test(after));

/** Inside a word too wide for a line (a long file name): after hyphens, slashes, underscores. */
const afterSeparator: BreakRule = (before, after) =>
  kinsokuAllows(before, after) && WORD_SEPARATORS.has(before);

/** Inside a word still too wide: anywhere the punctuation rules allow. */
const forcedBreak: BreakRule = kinsokuAllows;

/** Tried in turn on whatever the previous rule left too wide for a line. */
const RULES = [normalBreak, afterSeparator, forcedBreak];

function kinsokuAllows(before: string, after: string): boolean {
  return (
    !CLOSING.has(after) &&
    !OPENING.has(before) &&
    !(before === after && DOUBLED_MARKS.has(before))
  );
}

/**
 * Breaks `text` into lines no wider than `maxWidth` where possible; a single character (or
 * inseparable punctuation pair) wider than that stays on a line of its own. Newlines start a new
 * line; spaces at a line break are dropped.
 *
 * Widths must add up — a line is as wide as its pieces together, as pdf-lib's own measure (a sum of
 * glyph advances) is — so each piece is measured once instead of every growing line again.
 */
export function breakLines(
  text: string,
  maxWidth: number,
  measure: (text: string) => number,
): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .flatMap((paragraph) => breakParagraph(paragraph, maxWidth, measure));
}

function breakParagraph(
  paragraph: string,
  maxWidth: number,
  measure: (text: string) => number,
): string[] {
  const lines: string[] = [];
  let line = '';
  /** Of `line`, and of `line` without its trailing spaces (those are dropped at a break). */
  let width = 0;
  let inkWidth = 0;
  const start = (chunk: string) => {
    line = chunk;
    width = measure(chunk);
    inkWidth = measure(chunk.trimEnd());
  };
  /** `line + chunk` without trailing spaces, as wide as it would be. */
  const inkWidthWith = (chunk: string) => {
    const ink = chunk.trimEnd();
    return ink === '' ? inkWidth : width + measure(ink);
  };

  const place = (text: string, rule: number) => {
    for (const chunk of chunks(text, RULES[rule])) {
      const widthWith = inkWidthWith(chunk);
      if (widthWith <= maxWidth) {
        line += chunk;
        inkWidth = widthWith;
        width += measure(chunk);
        continue;
      }
      if (line.trim() !== '') lines.push(line.trimEnd());
      start('');
      if (measure(chunk.trimEnd()) <= maxWidth || rule === RULES.length - 1) start(chunk);
      else place(chunk, rule + 1);
    }
  };
  place(paragraph, 0);
  lines.push(line.trimEnd());
  return lines;
}

/** Splits text at every place `mayBreak` allows, keeping user-perceived characters whole. */
function chunks(text: string, mayBreak: BreakRule): string[] {
  const result: string[] = [];
  let current = '';
  let previous = '';
  for (const segment of characters(text)) {
    if (current !== '' && mayBreak(previous, segment)) {
      result.push(current);
      current = '';
    }
    current += segment;
    previous = segment;
  }
  if (current !== '') result.push(current);
  return result;
}
