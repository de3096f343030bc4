import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFRef, decodePDFRawStream } from 'pdf-lib';

import { receiptFields } from '../../src/documents/receipt-facts';
import { renderReceiptPdf } from '../../src/documents/receipt-pdf';
import { loadReceiptWording } from '../../src/documents/receipt-wording';
import { verifyReceipt } from '../../src/documents/verify-receipt';
import { KEY, OTHER_KEY, TEMPLATES_DIR, sampleFacts } from './sample-facts';

const wording = loadReceiptWording(TEMPLATES_DIR, 'zh');

/** Rewrites the attached facts file the way someone editing the PDF could, keeping its code. */
async function editAttachedFacts(pdf: Uint8Array, edit: (attached: any) => void): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const fileSpec = doc.catalog
    .lookup(PDFName.of('Names'), PDFDict)
    .lookup(PDFName.of('EmbeddedFiles'), PDFDict)
    .lookup(PDFName.of('Names'), PDFArray)
    .lookup(1, PDFDict)
    .lookup(PDFName.of('EF'), PDFDict);
  const fileRef = fileSpec.get(PDFName.of('F')) as PDFRef;
  const stream = doc.context.lookup(fileRef) as PDFRawStream;
  const attached = JSON.parse(Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8'));
  edit(attached);
  doc.context.assign(fileRef, doc.context.flateStream(Buffer.from(JSON.stringify(attached)), { Type: 'EmbeddedFile' }));
  return doc.save();
}

test('accepts a genuine receipt and returns its facts', async () => {
  const facts = sampleFacts();
  const result = await verifyReceipt(await renderReceiptPdf(facts, KEY, wording), KEY);

  expect(result).toEqual({ genuine: true, facts: receiptFields(facts) });
});

test('rejects a receipt whose attached facts were changed', async () => {
  const genuine = await renderReceiptPdf(sampleFacts({ status: 'rejected' }), KEY, wording);
  const tampered = await editAttachedFacts(genuine, (attached) => {
    attached.facts.status = 'approved';
  });

  expect(await verifyReceipt(tampered, KEY)).toEqual({ genuine: false, reason: 'code_mismatch' });
});

test('rejects a receipt issued with another key', async () => {
  const foreign = await renderReceiptPdf(sampleFacts(), OTHER_KEY, wording);

  expect(await verifyReceipt(foreign, KEY)).toEqual({ genuine: false, reason: 'code_mismatch' });
});

test('rejects a PDF that carries no receipt facts', async () => {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('CR-7KQ2M9XD');

  expect(await verifyReceipt(await doc.save(), KEY)).toEqual({ genuine: false, reason: 'no_facts' });
});

test('rejects bytes that are not a PDF', async () => {
  expect(await verifyReceipt(Buffer.from('%PDF-1.7 nothing else'), KEY)).toEqual({ genuine: false, reason: 'unreadable' });
});
