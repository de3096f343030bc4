/** A worker thread of `receiptWorkerPool`: renders one receipt per message, fonts loaded once. */
import { parentPort } from 'node:worker_threads';

import { renderReceiptPdf } from './receipt-pdf';
import type { RenderAnswer, RenderJob } from './receipt-renderer';

const port = parentPort!;
port.on('message', ({ id, facts, key, wording, letterhead }: RenderJob) => {
  // A logo comes across as a plain Uint8Array: pdf-lib takes either.
  const head = letterhead && { ...letterhead, logo: letterhead.logo && { ...letterhead.logo, bytes: Buffer.from(letterhead.logo.bytes) } };
  renderReceiptPdf(facts, Buffer.from(key), wording, head).then(
    (pdf) => port.postMessage({ id, pdf } satisfies RenderAnswer, [pdf.buffer as ArrayBuffer]),
    (error: unknown) => port.postMessage({ id, error: (error as Error).message } satisfies RenderAnswer),
  );
});
