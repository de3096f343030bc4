import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type * as Renderer from '../../src/documents/receipt-renderer';
import { loadReceiptWording } from '../../src/documents/receipt-wording';
import { until } from '../support/daemon';
import { childrenRunning, running } from '../support/processes';
import { KEY, sampleFacts, TEMPLATES_DIR } from './sample-facts';

// The renderer runs the built JavaScript (npm test builds first), as the daemon does.
const { inThreadRenderer, childProcessRenderer } = require(join(__dirname, '..', '..', 'dist', 'documents', 'receipt-renderer')) as typeof Renderer;
const zh = loadReceiptWording(TEMPLATES_DIR, 'zh');
const renderers = (pid: number) => childrenRunning(pid, 'receipt-worker.js');

jest.setTimeout(30_000);

let pool: Renderer.ReceiptRenderer;
beforeEach(() => {
  pool = childProcessRenderer(2);
});
afterEach(() => pool.close());

it('renders in a child process the same bytes as in this thread', async () => {
  const facts = sampleFacts();
  const [inChild, alongside] = await Promise.all([pool.render(facts, KEY, zh), pool.render(sampleFacts({ reference: 'CR-7KQ2M9XE' }), KEY, zh)]);
  expect(Buffer.from(inChild)).toEqual(Buffer.from(await inThreadRenderer().render(facts, KEY, zh)));
  expect(Buffer.from(alongside)).not.toEqual(Buffer.from(inChild));
});

it('refuses a receipt the renderer refuses, and renders the next one', async () => {
  await expect(pool.render(sampleFacts({ kind: 'confirmation', status: 'approved' }), KEY, zh)).rejects.toThrow(/closed/);
  expect((await pool.render(sampleFacts(), KEY, zh)).byteLength).toBeGreaterThan(0);
});

it('ends a renderer left idle and starts another for the next receipt', async () => {
  const brief = childProcessRenderer(1, 50);
  try {
    const first = await brief.render(sampleFacts(), KEY, zh);
    const [child] = renderers(process.pid);
    await until(() => !running(child), 10_000);
    expect(Buffer.from(await brief.render(sampleFacts(), KEY, zh))).toEqual(Buffer.from(first));
  } finally {
    await brief.close();
  }
});

it('loses only the receipt in hand when its renderer dies, and renders the next in a fresh one', async () => {
  const single = childProcessRenderer(1);
  try {
    const inHand = single.render(sampleFacts(), KEY, zh);
    const next = single.render(sampleFacts({ reference: 'CR-7KQ2M9XE' }), KEY, zh);
    await until(() => renderers(process.pid).length > 0, 10_000);
    const [dying] = renderers(process.pid);
    process.kill(dying, 'SIGKILL');
    await expect(inHand).rejects.toThrow('the receipt renderer stopped (SIGKILL)');
    expect((await next).byteLength).toBeGreaterThan(0);
    expect(renderers(process.pid)).not.toContain(dying);
  } finally {
    await single.close();
  }
});

it('refuses renders once closed, and leaves no renderer running', async () => {
  const waiting = Promise.allSettled([1, 2, 3].map(() => pool.render(sampleFacts(), KEY, zh)));
  await until(() => renderers(process.pid).length > 0, 10_000);
  const children = renderers(process.pid);
  await pool.close();
  expect((await waiting).map((render) => render.status)).toEqual(['rejected', 'rejected', 'rejected']);
  await expect(pool.render(sampleFacts(), KEY, zh)).rejects.toThrow('closed');
  expect(children.filter(running)).toEqual([]);
});

describe('a command rendering a receipt and never closing its renderer', () => {
  const command = (options: { idleMs: number; stayUp: boolean }) => {
    const job = JSON.stringify({ facts: sampleFacts(), key: KEY.toString('hex'), wording: zh, ...options });
    const child = spawn(process.execPath, [join(__dirname, '..', 'support', 'render-one-receipt.js'), job], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { pid: child.pid!, stdout: () => stdout, exited, kill: (signal: NodeJS.Signals) => child.kill(signal) };
  };

  it('waits for its receipt, then exits though the renderer idles, taking the renderer with it', async () => {
    // An idle timeout longer than the test: only the command's exit can end this renderer.
    const run = command({ idleMs: 600_000, stayUp: false });
    await until(() => renderers(run.pid).length > 0, 10_000);
    const [renderer] = renderers(run.pid);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/^rendered \d+\n$/);
    await until(() => !running(renderer), 10_000);
  });

  it('takes its renderer with it when killed with SIGKILL', async () => {
    const run = command({ idleMs: 600_000, stayUp: true });
    await until(() => run.stdout().startsWith('rendered'), 20_000);
    const [renderer] = renderers(run.pid);
    expect(running(renderer)).toBe(true);
    run.kill('SIGKILL');
    await run.exited;
    await until(() => !running(renderer), 10_000);
  });
});
