import type { PDFDocument } from 'pdf-lib';

type ParsedFont = ReturnType<Parameters<PDFDocument['registerFontkit']>[0]['create']>;

/**
 * How wide pdf-lib draws text in a font: the sum of the advance widths of the glyphs fontkit's
 * layout gives (kerning is not applied: pdf-lib draws glyph ids against the font's widths).
 */
export interface TextWidths {
  /** Equals pdf-lib's `widthOfTextAtSize` for the same font file. */
  widthOf(text: string, size: number): number;
}

/**
 * The glyph substitutions fontkit's layout may apply to horizontal text in the scripts of
 * `MAPPED_AS_IS` (default shaper, no user features).
 */
const APPLIED_SUBSTITUTIONS = new Set([
  'rvrn', 'ltra', 'ltrm', 'frac', 'numr', 'dnom', 'ccmp', 'locl', 'rlig', 'calt', 'clig', 'liga', 'rclt',
]);
/** Single, multiple, alternate and ligature substitutions: each acts only on glyphs in its coverage. */
const SUBSTITUTIONS_BY_COVERAGE = new Set([1, 2, 3, 4]);
const EXTENSION = 7;

/**
 * Code points fontkit maps to their cmap glyph on their own: scripts laid out by its default
 * shaper, and none of the marks, joiners, variation selectors or emoji parts that change the glyph
 * of a neighbour (or are swapped for a space).
 */
const MAPPED_AS_IS =
  /^(?![\p{M}\p{Default_Ignorable_Code_Point}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\p{Cs}])[\p{Script=Latin}\p{Script=Common}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]$/u;

/** Customer text varies without end: a cache this full (of texts or characters) starts over rather than grow. */
const MAX_CACHED_WIDTHS = 20_000;

const perFont = new WeakMap<object, TextWidths>();

/** Kept per parsed font, so across documents; the font files are parsed once per process. */
export function textWidths(font: ParsedFont): TextWidths {
  let widths = perFont.get(font);
  if (!widths) perFont.set(font, (widths = measureIn(font)));
  return widths;
}

function measureIn(font: ParsedFont): TextWidths {
  // pdf-lib's own arithmetic, in its order, so that the sums match to the last bit.
  const scale = 1000 / font.unitsPerEm;
  const substituted = substitutedGlyphs(font);
  /** Code point → scaled advance width, or NaN when only a layout can tell. */
  const advances = new Map<number, number>();
  /** Text → scaled width, for text that needs the layout. */
  const laidOut = new Map<string, number>();

  const advanceOf = (codePoint: number): number => {
    let advance = advances.get(codePoint);
    if (advance === undefined) {
      advance = NaN;
      // Tested first: asking fontkit for an invisible character's glyph would itself claim it.
      if (substituted !== 'any' && MAPPED_AS_IS.test(String.fromCodePoint(codePoint))) {
        const glyph = font.glyphForCodePoint(codePoint);
        if (!substituted.has(glyph.id) && !claimedByInvisible(glyph)) advance = glyph.advanceWidth * scale;
      }
      if (advances.size >= MAX_CACHED_WIDTHS) advances.clear();
      advances.set(codePoint, advance);
    }
    return advance;
  };

  const layoutWidth = (text: string): number => {
    let width = laidOut.get(text);
    if (width === undefined) {
      width = 0;
      for (const glyph of font.layout(text).glyphs) width += glyph.advanceWidth * scale;
      if (laidOut.size >= MAX_CACHED_WIDTHS) laidOut.clear();
      laidOut.set(text, width);
    }
    return width;
  };

  return {
    widthOf(text, size) {
      let width = 0;
      for (let index = 0; index < text.length; index += 1) {
        const codePoint = text.codePointAt(index)!;
        if (codePoint > 0xffff) index += 1;
        width += advanceOf(codePoint);
      }
      if (Number.isNaN(width)) width = layoutWidth(text);
      return width * (size / 1000);
    },
  };
}

/**
 * fontkit keeps one glyph object per glyph id, with the code points of whichever character asked for
 * it first, and its layout draws a glyph first asked for by an invisible character (U+00AD shares the
 * hyphen's glyph) as a space: from then on only a layout tells its width.
 */
function claimedByInvisible(glyph: { codePoints: number[] }): boolean {
  const [first] = glyph.codePoints;
  return first !== undefined && INVISIBLE.test(String.fromCodePoint(first));
}

const INVISIBLE = /^\p{Default_Ignorable_Code_Point}$/u;

/**
 * Glyphs that a substitution fontkit applies may replace: text without them keeps its cmap glyphs.
 * Without a language fontkit takes the features of a script's default language system.
 * 'any' when the font has substitutions whose reach is not read here (contextual ones, variations).
 */
function substitutedGlyphs(font: ParsedFont): Set<number> | 'any' {
  const gsub = (font as unknown as { GSUB?: Gsub }).GSUB;
  const glyphs = new Set<number>();
  if (!gsub) return glyphs;
  if (gsub.featureVariations) return 'any';
  const lookups = new Set(
    gsub.scriptList
      .flatMap(({ script }) => script.defaultLangSys?.featureIndexes ?? [])
      .map((index) => gsub.featureList[index]!)
      .filter((feature) => APPLIED_SUBSTITUTIONS.has(feature.tag))
      .flatMap((feature) => feature.feature.lookupListIndexes),
  );
  for (const index of lookups) {
    const lookup = gsub.lookupList.get(index);
    for (const subTable of lookup.subTables) {
      const [type, table] =
        lookup.lookupType === EXTENSION
          ? [subTable.lookupType!, subTable.extension!]
          : [lookup.lookupType, subTable];
      if (!SUBSTITUTIONS_BY_COVERAGE.has(type) || !table.coverage) return 'any';
      for (const glyph of coveredGlyphs(table.coverage)) glyphs.add(glyph);
    }
  }
  return glyphs;
}

function coveredGlyphs(coverage: Coverage): number[] {
  if (coverage.version === 1) return coverage.glyphs;
  return coverage.rangeRecords.flatMap(({ start, end }) =>
    Array.from({ length: end - start + 1 }, (_, offset) => start + offset),
  );
}

/** The parts of fontkit's parsed GSUB table read here (fontkit ships no types for them). */
interface Gsub {
  scriptList: { script: { defaultLangSys?: { featureIndexes: number[] } } }[];
  featureVariations?: unknown;
  featureList: { tag: string; feature: { lookupListIndexes: number[] } }[];
  lookupList: { get(index: number): { lookupType: number; subTables: SubTable[] } };
}

interface SubTable {
  coverage?: Coverage;
  /** Of an extension subtable: the type and table it wraps. */
  lookupType?: number;
  extension?: SubTable;
}

type Coverage =
  | { version: 1; glyphs: number[] }
  | { version: 2; rangeRecords: { start: number; end: number }[] };
