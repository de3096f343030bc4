import { PDFDocument } from 'pdf-lib';

import { loadReceiptFonts, receiptFontkit, sharedFontkit } from '../../src/documents/receipt-fonts';
import { renderReceiptPdf } from '../../src/documents/receipt-pdf';
import { loadReceiptWording } from '../../src/documents/receipt-wording';
import { KEY, TEMPLATES_DIR, sampleFacts } from './sample-facts';

const glyphIds = (run: { glyphs: { id: number }[] }) => run.glyphs.map((glyph) => glyph.id);

test('the receipt\'s fontkit lays out a text once per process, into the glyphs fontkit gives', async () => {
  const { regular } = await loadReceiptFonts();
  const font = receiptFontkit.create(regular);
  const text = '我们已收到您的注销申请 office 2026-11-27';
  const first = font.layout(text);
  expect(font.layout(text)).toBe(first);
  expect(glyphIds(first)).toEqual(glyphIds(sharedFontkit.create(regular).layout(text)));
});

test('the receipt\'s fontkit hands every document the same font, so layouts outlive a document', async () => {
  const { bold } = await loadReceiptFonts();
  expect(receiptFontkit.create(bold)).toBe(receiptFontkit.create(bold));
});

test('a receipt drawn from layouts kept from earlier receipts is the same, byte for byte', async () => {
  const wording = loadReceiptWording(TEMPLATES_DIR, 'en');
  const facts = sampleFacts({ language: 'en', reference: 'CR-FONTS001', reason: 'A reason no receipt has printed before: 7 affluent offices.' });
  const first = await renderReceiptPdf(facts, KEY, wording);
  expect(Buffer.from(await renderReceiptPdf(facts, KEY, wording)).equals(Buffer.from(first))).toBe(true);
});

test('a font subset made through the receipt\'s fontkit is byte for byte the one fontkit makes, however often made', async () => {
  const fonts = await loadReceiptFonts();
  const text = '我们已收到您的注销申请（编号 CR-7KQ2M9XD）。café office Ω Я';
  const subsetPdf = async (fontkit: typeof sharedFontkit) => {
    const doc = await PDFDocument.create();
    doc.setCreationDate(new Date('2026-11-27T09:05:00Z'));
    doc.setModificationDate(new Date('2026-11-27T09:05:00Z'));
    doc.registerFontkit(fontkit);
    const page = doc.addPage();
    page.drawText(text, { font: await doc.embedFont(fonts.regular, { subset: true }), size: 10 });
    page.drawText(text, { font: await doc.embedFont(fonts.bold, { subset: true }), size: 10, y: 100 });
    return Buffer.from(await doc.save());
  };
  const expected = await subsetPdf(sharedFontkit);
  for (let round = 0; round < 2; round += 1) expect((await subsetPdf(receiptFontkit)).equals(expected)).toBe(true);
});
