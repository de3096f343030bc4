import { join } from 'node:path';
import type * as Renderer from '../../src/documents/receipt-renderer';
import { loadReceiptWording } from '../../src/documents/receipt-wording';
import { KEY, sampleFacts, TEMPLATES_DIR } from './sample-facts';

// The worker runs the built JavaScript (npm test builds first), as the daemon does.
const { inThreadRenderer, receiptWorkerPool } = require(join(__dirname, '..', '..', 'dist', 'documents', 'receipt-renderer')) as typeof Renderer;
const zh = loadReceiptWording(TEMPLATES_DIR, 'zh');

let pool: Renderer.ReceiptRenderer;
beforeEach(() => {
  pool = receiptWorkerPool(2);
});
afterEach(() => pool.close());

it('renders in a worker the same bytes as in this thread', async () => {
  const facts = sampleFacts();
  const [inWorker, alongside] = await Promise.all([pool.render(facts, KEY, zh), pool.render(sampleFacts({ reference: 'CR-7KQ2M9XE' }), KEY, zh)]);
  expect(Buffer.from(inWorker)).toEqual(Buffer.from(await inThreadRenderer().render(facts, KEY, zh)));
  expect(Buffer.from(alongside)).not.toEqual(Buffer.from(inWorker));
});

it('refuses a receipt the renderer refuses, and renders the next one', async () => {
  await expect(pool.render(sampleFacts({ kind: 'confirmation', status: 'approved' }), KEY, zh)).rejects.toThrow(/closed/);
  expect((await pool.render(sampleFacts(), KEY, zh)).byteLength).toBeGreaterThan(0);
});

it('ends a worker left idle and starts another for the next receipt', async () => {
  const brief = receiptWorkerPool(1, 50);
  try {
    const first = await brief.render(sampleFacts(), KEY, zh);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Buffer.from(await brief.render(sampleFacts(), KEY, zh))).toEqual(Buffer.from(first));
  } finally {
    await brief.close();
  }
});

it('refuses renders once closed', async () => {
  const waiting = Promise.allSettled([1, 2, 3].map(() => pool.render(sampleFacts(), KEY, zh)));
  await pool.close();
  expect((await waiting).map((render) => render.status)).toEqual(['rejected', 'rejected', 'rejected']);
  await expect(pool.render(sampleFacts(), KEY, zh)).rejects.toThrow('closed');
});
