import { timingSafeEqual } from 'node:crypto';

import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
  decodePDFRawStream,
} from 'pdf-lib';

import { FACTS_ATTACHMENT_NAME, type ReceiptFacts } from './receipt-facts';
import { verificationCodeForJson } from './verification-code';

export type ReceiptVerification =
  | { genuine: true; facts: ReceiptFacts }
  | { genuine: false; reason: 'no_facts' | 'code_mismatch' | 'unreadable' };

/**
 * Checks the facts attached to a receipt PDF against their verification code. Only the attached
 * facts are covered: trust the returned facts, not the printed page, which anyone can redraw.
 */
export async function verifyReceipt(
  pdfBytes: Uint8Array,
  key: Buffer,
): Promise<ReceiptVerification> {
  let attachment: Uint8Array | undefined;
  try {
    const doc = await PDFDocument.load(pdfBytes, { updateMetadata: false });
    attachment = findEmbeddedFile(doc, FACTS_ATTACHMENT_NAME);
  } catch {
    return { genuine: false, reason: 'unreadable' };
  }
  if (!attachment) return { genuine: false, reason: 'no_facts' };

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(attachment));
  } catch {
    return { genuine: false, reason: 'unreadable' };
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    !('facts' in payload) ||
    !('verificationCode' in payload) ||
    typeof payload.verificationCode !== 'string'
  ) {
    return { genuine: false, reason: 'no_facts' };
  }
  const expected = Buffer.from(verificationCodeForJson(payload.facts, key));
  const stated = Buffer.from(payload.verificationCode);
  if (expected.length !== stated.length || !timingSafeEqual(expected, stated)) {
    return { genuine: false, reason: 'code_mismatch' };
  }
  // The code matches, so these are facts this service signed.
  return { genuine: true, facts: payload.facts as ReceiptFacts };
}

/** The bytes of the named file in the document's EmbeddedFiles name tree. */
function findEmbeddedFile(doc: PDFDocument, name: string): Uint8Array | undefined {
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const root = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  if (!root) return undefined;

  // A crafted file could make its name tree loop back on itself.
  const visited = new Set<PDFDict>();
  const pending = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (visited.has(node)) continue;
    visited.add(node);
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    kids?.asArray().forEach((_kid, index) => pending.push(kids.lookup(index, PDFDict)));
    const entries = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    for (let index = 0; entries && index + 1 < entries.size(); index += 2) {
      const entryName = entries.lookup(index);
      const isWanted =
        (entryName instanceof PDFString || entryName instanceof PDFHexString) &&
        entryName.decodeText() === name;
      if (!isWanted) continue;
      const stream = entries
        .lookup(index + 1, PDFDict)
        .lookupMaybe(PDFName.of('EF'), PDFDict)
        ?.lookup(PDFName.of('F'));
      if (stream instanceof PDFRawStream) return decodePDFRawStream(stream).decode();
    }
  }
  return undefined;
}
