import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PDFDocument, type PDFFont } from 'pdf-lib';

import { loadReceiptFonts, sharedFontkit } from '../../src/documents/receipt-fonts';
import { type TextWidths, textWidths } from '../../src/documents/text-width';
import { LONG_CHINESE_REASON, TEMPLATES_DIR, sampleFacts } from './sample-facts';

/** The fontkit the receipt registers, without its sharing: a font parsed afresh, with no glyph asked for yet. */
const upstreamFontkit: Parameters<PDFDocument['registerFontkit']>[0] = require('fontkit');

interface Weight {
  name: string;
  pdfFont: PDFFont;
  widths: TextWidths;
  /** The advance widths of each code point's own glyph, added up, at size 1000. */
  perCodePoint(text: string): number;
}

const SIZES = [8, 9.5, 10.5, 19];
let weights: Weight[];

beforeAll(async () => {
  const fonts = await loadReceiptFonts();
  const doc = await PDFDocument.create();
  doc.registerFontkit(sharedFontkit);
  weights = await Promise.all(
    (['regular', 'bold'] as const).map(async (name) => {
      const font = sharedFontkit.create(fonts[name]);
      return {
        name,
        pdfFont: await doc.embedFont(fonts[name], { subset: true }),
        widths: textWidths(font),
        perCodePoint: (text: string) =>
          [...text].reduce((sum, character) => sum + font.glyphForCodePoint(character.codePointAt(0)!).advanceWidth, 0) *
          (1000 / font.unitsPerEm),
      };
    }),
  );
});

function expectPdfLibWidths(texts: string[]): void {
  for (const { name, pdfFont, widths } of weights) {
    for (const text of texts) {
      for (const size of SIZES) {
        expect({ name, text, size, width: widths.widthOf(text, size) }).toEqual({
          name,
          text,
          size,
          width: pdfFont.widthOfTextAtSize(text, size),
        });
      }
    }
  }
}

test('measures Latin text as pdf-lib draws it, kerning pairs included', () => {
  expectPdfLibWidths(['AVAWAY To ToWa Yo LT', 'river.song42@example.com', 'I moved abroad; the tariff is too high.']);
});

test('measures Chinese text and its punctuation as pdf-lib draws it', () => {
  expectPdfLibWidths(['我已经移民海外，不再需要这个号码了。', '“资费”太贵（每月九十八元）！《用户协议》……——', LONG_CHINESE_REASON]);
});

test('measures mixed Chinese and Latin text as pdf-lib draws it', () => {
  expectPdfLibWidths(['我的账号是zhangwei88请注销', '这张 eSIM 已经很久没有使用了', '身份证正面.jpg（SHA-256 3f2a9c81b7e4）']);
});

test('measures a ligature as the one glyph pdf-lib draws, not as its letters', () => {
  const { pdfFont, perCodePoint } = weights[0]!;
  expect(perCodePoint('office')).not.toBe(pdfFont.widthOfTextAtSize('office', 1000));
  expectPdfLibWidths(['office', 'finally affluent', 'CR-BENCH0001 2026-11-27']);
});

test('measures marks, joiners, variation selectors, soft hyphens, emoji and flags as pdf-lib lays them out', () => {
  const { pdfFont, perCodePoint } = weights[0]!;
  const variationSequence = '葛\u{E0100}';
  expect(perCodePoint(variationSequence)).not.toBe(pdfFont.widthOfTextAtSize(variationSequence, 1000));
  expectPdfLibWidths([variationSequence, '\u263A\uFE0F', 'a\u00ADb', 'e\u0301te\u0301', '👍🏽', '👨‍👩‍👧', '🇨🇳', 'abc\u200Dd', '한국어', 'مرحبا', 'नमस्ते']);
});

test('measures a hyphen as pdf-lib does once a soft hyphen, which shares its glyph, was laid out first', async () => {
  const fonts = await loadReceiptFonts();
  const fresh = upstreamFontkit.create(Buffer.from(fonts.regular));
  fresh.layout('a\u00ADb');
  const laidOut = fresh.layout('a-b').glyphs.reduce((sum, glyph) => sum + glyph.advanceWidth, 0) * (1000 / fresh.unitsPerEm);
  expect(textWidths(fresh).widthOf('a-b', 10.5)).toBe(laidOut * (10.5 / 1000));
});

test('measures every wording of both receipt templates and the sample reasons as pdf-lib draws them', () => {
  const wordings = ['zh', 'en'].flatMap((language) =>
    strings(JSON.parse(readFileSync(path.join(TEMPLATES_DIR, `receipt.${language}.json`), 'utf8'))),
  );
  const texts = [...wordings, sampleFacts().reason!, 'I am moving abroad and no longer need this number.'];
  expectPdfLibWidths([...texts, ...texts.flatMap((text) => text.split(/(?<=\s)/u))]);
});

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
