import { PDFDocument } from 'pdf-lib';

import type { ReceiptFacts } from '../../src/documents/receipt-facts';
import { renderReceiptPdf } from '../../src/documents/receipt-pdf';
import { type ReceiptWording, fillPlaceholders, loadReceiptWording } from '../../src/documents/receipt-wording';
import { verificationCode } from '../../src/documents/verification-code';
import { darkPixels, differingPixels, pdfText, pdfWordBoxes, renderFirstPage, requirePoppler } from './poppler';
import { KEY, LONG_CHINESE_REASON, TEMPLATES_DIR, sampleFacts } from './sample-facts';
import { solidPng } from '../console/support/script-mail';

const zh = loadReceiptWording(TEMPLATES_DIR, 'zh');
const en = loadReceiptWording(TEMPLATES_DIR, 'en');
const englishFacts = sampleFacts({
  language: 'en',
  sender: 'river.song@example.com',
  username: 'river.song42',
  reason: 'I am moving abroad and no longer need this number.',
  idDocuments: [{ filename: 'passport.pdf', sha256: 'ab'.repeat(32) }],
  missing: ['registration_date', 'id_document'],
});

/** An acknowledgement has every label but the time of closing, which only a confirmation knows, and the due date, printed only while staff review. */
const acknowledgementLabels = (wording: ReceiptWording) => Object.entries(wording.labels).filter(([key]) => key !== 'closedAt' && key !== 'dueDate').map(([, label]) => label);

/** pdftotext puts line breaks wherever the receipt wraps; compare text without any white space. */
const squash = (text: string) => text.replace(/\s+/g, '');

beforeAll(requirePoppler);

test('prints the reference, the full username, labels and reason of a Chinese receipt', async () => {
  const facts = sampleFacts();
  const text = squash(pdfText(await renderReceiptPdf(facts, KEY, zh)));

  expect(text).toContain('CR-7KQ2M9XD');
  // It goes to the account's own address: the customer reads back exactly what we recorded.
  expect(text).toContain('zhangwei88');
  for (const label of [zh.documentTitle.acknowledgement, ...acknowledgementLabels(zh)]) expect(text).toContain(squash(label));
  expect(text).toContain(squash(facts.reason!));
  expect(text).toContain(zh.status.needs_info);
  expect(text).toContain(squash(zh.missingItems.registration_date));
  expect(text).toContain('身份证正面.jpg（SHA-256：3f2a9c81b7e4…）');
  expect(text).toContain('2026-11-2717:03（北京时间）');
  for (const item of zh.checklist.acknowledgement) expect(text).toContain(squash(item));
  expect(text).toContain(verificationCode(facts, KEY));
});

test('prints the reference, the full username, labels and reason of an English receipt', async () => {
  const text = squash(pdfText(await renderReceiptPdf(englishFacts, KEY, en)));

  expect(text).toContain('CR-7KQ2M9XD');
  expect(text).toContain('river.song42');
  for (const label of [en.documentTitle.acknowledgement, ...acknowledgementLabels(en)]) expect(text).toContain(squash(label));
  expect(text).toContain(squash(englishFacts.reason!));
  expect(text).toContain(squash(en.missingItems.id_document));
  expect(text).toContain(squash('passport.pdf (SHA-256 abababababab…)'));
  expect(text).toContain(squash(fillPlaceholders(en.nextSteps.needs_info, { reference: 'CR-7KQ2M9XD' })));
  expect(text).not.toContain(squash(zh.labels.reason));
});

test('names the zone as customers read it, never a bare offset', async () => {
  expect(squash(pdfText(await renderReceiptPdf(englishFacts, KEY, en)))).toContain(squash('2026-11-27 17:03 (China Standard Time)'));
});

test('states the day we promised to reply by, with its weekday, in the customer\'s language', async () => {
  const complete = { status: 'pending_review' as const, missing: [], dueDate: '2026-12-02' };
  expect(squash(pdfText(await renderReceiptPdf(sampleFacts(complete), KEY, zh)))).toContain(squash(`${zh.labels.dueDate}2026年12月2日星期三`));
  expect(squash(pdfText(await renderReceiptPdf({ ...englishFacts, ...complete }, KEY, en)))).toContain(squash(`${en.labels.dueDate}Wednesday, 2 December 2026`));
});

test('says "none" when no ID document came and "nothing" when nothing is missing', async () => {
  const text = squash(pdfText(await renderReceiptPdf(sampleFacts({ idDocuments: [], missing: [], username: null }), KEY, zh)));

  expect(text).toContain(squash(`${zh.labels.idDocuments}${zh.values.noIdDocuments}`));
  expect(text).toContain(squash(`${zh.labels.missing}${zh.values.nothingMissing}`));
  expect(text).toContain(squash(`${zh.labels.username}${zh.values.notProvided}`));
});

test('a closure confirmation says the account is closed, and when', async () => {
  const facts = sampleFacts({ kind: 'confirmation', status: 'closed', closedAt: '2026-11-28T02:30:00.000Z', missing: [] });
  const text = squash(pdfText(await renderReceiptPdf(facts, KEY, zh)));

  expect(text).toContain(zh.documentTitle.confirmation);
  expect(text).toContain(squash(`${zh.labels.closedAt}2026-11-28 10:30（北京时间）`));
  expect(text).toContain(squash(fillPlaceholders(zh.nextSteps.closed, { reference: facts.reference })));
  expect(text).not.toContain(zh.documentTitle.acknowledgement);
});

test('refuses a closure confirmation for a request that is only approved, not closed', async () => {
  await expect(renderReceiptPdf(sampleFacts({ kind: 'confirmation', status: 'approved' }), KEY, zh)).rejects.toThrow(/closed/);
});

test('refuses a closure confirmation that does not know when the account was closed', async () => {
  await expect(renderReceiptPdf(sampleFacts({ kind: 'confirmation', status: 'closed' }), KEY, zh)).rejects.toThrow(/time of closing/);
});

test('wraps a 500-character Chinese reason and long file names inside the margins, onto further pages', async () => {
  const longName = `${'scan-of-my-passport-and-identity-card-front-and-back-'.repeat(3)}final.pdf`;
  const facts = sampleFacts({
    reason: LONG_CHINESE_REASON,
    idDocuments: Array.from({ length: 12 }, (_, index) => ({ filename: `${index}-${longName}`, sha256: 'cd'.repeat(32) })),
  });
  const pdf = await renderReceiptPdf(facts, KEY, zh);
  const pages = (await PDFDocument.load(pdf)).getPageCount();
  const footers = Array.from({ length: pages }, (_, index) =>
    squash(fillPlaceholders(zh.footer, { reference: facts.reference, page: String(index + 1), pages: String(pages) })),
  );
  const text = footers.reduce((rest, footer) => rest.replace(footer, ''), squash(pdfText(pdf)));

  expect(pages).toBeGreaterThanOrEqual(2);
  expect(text).toContain(squash(LONG_CHINESE_REASON));
  for (const document of facts.idDocuments) expect(text).toContain(document.filename);
  expect(text).toContain(verificationCode(facts, KEY));
  const boxes = pdfWordBoxes(pdf);
  expect(boxes.some((box) => box.page === 2)).toBe(true);
  expect(boxes.filter((box) => box.xMax > box.pageWidth - 56 + 1)).toEqual([]);
});

test('prints the customer\'s values as plain text: no control or invisible formatting characters', async () => {
  const text = pdfText(await renderReceiptPdf(sampleFacts({ reason: 'line one\nline\u202Etwo\u0000three' }), KEY, zh));

  expect(text).toContain('line one linetwo three');
});

/** Page 1 with the title replaced, to see what the title's own glyphs put on the page. */
async function withTitle(facts: ReceiptFacts, wording: ReceiptWording, title: string) {
  const changed = { ...wording, documentTitle: { ...wording.documentTitle, [facts.kind]: title } };
  return renderFirstPage(await renderReceiptPdf(facts, KEY, changed));
}

test('draws the Chinese title with real glyphs, not blanks or boxes', async () => {
  const facts = sampleFacts();
  const title = zh.documentTitle.acknowledgement;
  const page = renderFirstPage(await renderReceiptPdf(facts, KEY, zh));
  const withoutTitle = await withTitle(facts, zh, '');
  const withBoxes = await withTitle(facts, zh, '\uE000'.repeat(Array.from(title).length));

  const titleInk = differingPixels(page, withoutTitle);
  expect(titleInk).toBeGreaterThan(150);
  expect(differingPixels(page, withBoxes)).toBeGreaterThan(titleInk / 2);
  expect(darkPixels(withoutTitle)).toBeGreaterThan(1500);
});

test('prints the organisation\'s name and logo at the head, and where to have it checked', async () => {
  const letterhead = { name: 'Example Mobile 示例移动', supportEmail: 'help@example-mobile.test', logo: { bytes: solidPng(120, 40), type: 'png' as const } };
  const pdf = await renderReceiptPdf(englishFacts, KEY, en, letterhead);
  const text = squash(pdfText(pdf));
  expect(text.startsWith(squash('Example Mobile 示例移动'))).toBe(true);
  expect(text).toContain('help@example-mobile.test');
  const withoutLogo = renderFirstPage(await renderReceiptPdf(englishFacts, KEY, en, { ...letterhead, logo: null }));
  expect(differingPixels(renderFirstPage(pdf), withoutLogo)).toBeGreaterThan(100);
});

test('leaves out "issued" when it is the minute the request was received', async () => {
  const sameMinute = await renderReceiptPdf(sampleFacts({ receivedAt: '2026-11-27T09:05:10Z', issuedAt: '2026-11-27T09:05:40Z' }), KEY, zh);
  expect(squash(pdfText(sameMinute))).not.toContain(squash(zh.labels.issuedAt));
  expect(squash(pdfText(await renderReceiptPdf(sampleFacts(), KEY, zh)))).toContain(squash(zh.labels.issuedAt));
});

test('draws the English title with real glyphs, not blanks', async () => {
  const page = renderFirstPage(await renderReceiptPdf(englishFacts, KEY, en));
  const withoutTitle = await withTitle(englishFacts, en, '');

  expect(differingPixels(page, withoutTitle)).toBeGreaterThan(150);
  expect(darkPixels(withoutTitle)).toBeGreaterThan(1500);
});
