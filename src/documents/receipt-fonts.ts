import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type ParsedFont = ReturnType<Fontkit['create']>;
type GlyphRun = ReturnType<ParsedFont['layout']>;
type Glyph = ReturnType<ParsedFont['getGlyph']>;

/*
 * The upstream fontkit, not @pdf-lib/fontkit: the latter's subsetting silently produces blank CJK
 * glyphs (pdftotext still finds the text, so only a rendered page shows it).
 */
const upstreamFontkit: Fontkit = require('fontkit');

const FONT_PACKAGE = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const FONT_FILES = {
  regular: path.join(FONT_PACKAGE, '400Regular', 'NotoSansSC_400Regular.ttf'),
  bold: path.join(FONT_PACKAGE, '700Bold', 'NotoSansSC_700Bold.ttf'),
};

interface ReceiptFontBytes {
  regular: Buffer;
  bold: Buffer;
}

let fontBytes: Promise<ReceiptFontBytes> | undefined;

/** Noto Sans SC, about 10 MB per weight: read once per process, on the first receipt. */
export function loadReceiptFonts(): Promise<ReceiptFontBytes> {
  if (!fontBytes) {
    fontBytes = Promise.all([readFile(FONT_FILES.regular), readFile(FONT_FILES.bold)]).then(
      ([regular, bold]) => ({ regular, bold }),
    );
    // A failed read must not fail every later receipt of a long-running process.
    fontBytes.catch(() => {
      fontBytes = undefined;
    });
  }
  return fontBytes;
}

const parsedFonts = new WeakMap<Uint8Array, ParsedFont>();

/**
 * fontkit for pdf-lib that parses each font file once instead of once per document, which halves
 * the time of a warm render. Sharing is safe: pdf-lib builds its own subset for every document,
 * and fontkit reads the shared font synchronously.
 */
export const sharedFontkit: Fontkit = {
  create(bytes) {
    let font = parsedFonts.get(bytes);
    if (!font) {
      font = upstreamFontkit.create(bytes);
      parsedFonts.set(bytes, font);
    }
    return font;
  },
};

/** Customer text varies without end: these caches start over when full rather than grow. */
const MAX_LAID_OUT_TEXTS = 1_000;

/** A decoded outline takes about 6 KB; a receipt needs a few hundred. */
const MAX_DECODED_OUTLINES = 1_000;

const receiptFonts = new WeakMap<Uint8Array, ParsedFont>();

/**
 * fontkit for the receipt: each font parsed once, as by `sharedFontkit`, and each text laid out and
 * each glyph outline decoded once per process rather than once per document. pdf-lib lays out every
 * line it draws, and most lines of a receipt, its wording, are the same on every receipt; pdf-lib
 * and fontkit's subset only read what they get, so one copy serves every document.
 */
export const receiptFontkit: Fontkit = {
  create(bytes) {
    let font = receiptFonts.get(bytes);
    if (!font) {
      font = keepingWork(sharedFontkit.create(bytes));
      receiptFonts.set(bytes, font);
    }
    return font;
  },
};

function keepingWork(font: ParsedFont): ParsedFont {
  const laidOut = new Map<string, GlyphRun>();
  // Everything else, tables and glyph caches included, is read from the shared font.
  const caching: ParsedFont = Object.create(font);
  caching.layout = (text, features) => {
    if (features !== undefined) return font.layout(text, features);
    let run = laidOut.get(text);
    if (!run) {
      run = font.layout(text);
      if (laidOut.size >= MAX_LAID_OUT_TEXTS) laidOut.clear();
      laidOut.set(text, run);
    }
    return run;
  };
  // fontkit's subset decodes every outline it copies, only to find the parts of composite glyphs:
  // the outlines a receipt's subsets copy are decoded once per process instead.
  const outlines = new Map<number, Glyph>();
  caching.getGlyph = (id, codePoints) => {
    let glyph = outlines.get(id);
    if (!glyph) {
      const shared = font.getGlyph(id, codePoints) as Glyph & { _decode(): unknown };
      const decoded: unknown = shared._decode();
      glyph = Object.assign(Object.create(shared) as Glyph, { _decode: () => decoded });
      if (outlines.size >= MAX_DECODED_OUTLINES) outlines.clear();
      outlines.set(id, glyph);
    }
    return glyph;
  };
  return caching;
}
