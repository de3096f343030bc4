import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type ParsedFont = ReturnType<Fontkit['create']>;

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
