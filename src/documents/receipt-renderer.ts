import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';

import type { ReceiptFacts } from './receipt-facts';
import type { Letterhead } from './receipt-pdf';
import type { ReceiptWording } from './receipt-wording';

export type RenderReceipt = (facts: ReceiptFacts, key: Buffer, wording: ReceiptWording, letterhead?: Letterhead) => Promise<Uint8Array>;

/** Where receipts are rendered: in this thread, or in worker threads so intake and the console never wait on one. */
export interface ReceiptRenderer {
  render: RenderReceipt;
  /** Ends the workers; renders still waiting are refused. */
  close(): Promise<void>;
}

/** What the worker (receipt-worker.ts) is sent, and what it answers. */
export interface RenderJob {
  id: number;
  facts: ReceiptFacts;
  key: Uint8Array;
  wording: ReceiptWording;
  letterhead?: Letterhead;
}
export type RenderAnswer = { id: number; pdf: Uint8Array } | { id: number; error: string };

/** For one-off commands and tests: a pool is not worth its start-up there. */
export function inThreadRenderer(): ReceiptRenderer {
  return {
    // Loaded on the first receipt: commands that never render one do not load pdf-lib.
    render: async (facts, key, wording, letterhead) => (await import('./receipt-pdf')).renderReceiptPdf(facts, key, wording, letterhead),
    close: async () => {},
  };
}

/**
 * Receipts rendered in worker threads, at most `size` at once; a worker starts on demand, loads the
 * fonts once, and ends after `idleMs` without work: it holds 70–100 MB, which an idle daemon should
 * give back soon (starting one again costs a fraction of a second). Idle workers do not keep the
 * process alive.
 */
export function receiptWorkerPool(size = Math.min(2, Math.max(1, availableParallelism() - 1)), idleMs = 5_000): ReceiptRenderer {
  interface Waiting {
    job: Omit<RenderJob, 'id'>;
    resolve: (pdf: Uint8Array) => void;
    reject: (error: Error) => void;
  }
  const workers = new Set<Worker>();
  const idle: Worker[] = [];
  const idleTimers = new Map<Worker, NodeJS.Timeout>();
  const busy = new Map<Worker, Waiting>();
  const waiting: Waiting[] = [];
  let closed = false;
  let nextId = 0;

  const spawn = () => {
    // Required here, not at the top: a command that renders nothing loads no worker machinery.
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    // A render leaves mostly short-lived garbage: a small young generation is collected as fast and
    // keeps the worker's peak about 30 MB lower than V8's default (measured on 2 cores).
    const worker = new Worker(join(__dirname, 'receipt-worker.js'), { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    workers.add(worker);
    worker.on('message', (answer: RenderAnswer) => {
      const render = busy.get(worker);
      busy.delete(worker);
      if (render) {
        if ('pdf' in answer) render.resolve(answer.pdf);
        else render.reject(new Error(answer.error));
      }
      release(worker);
    });
    // A worker that died takes only its own receipt with it; the next one starts a fresh worker.
    worker.on('error', (error) => retire(worker, error));
    worker.on('exit', (code) => retire(worker, new Error(`the receipt worker stopped (exit code ${code})`)));
    return worker;
  };

  const retire = (worker: Worker, error: Error) => {
    if (!workers.delete(worker)) return;
    clearTimeout(idleTimers.get(worker));
    idleTimers.delete(worker);
    if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
    busy.get(worker)?.reject(error);
    busy.delete(worker);
    dispatch();
  };

  const release = (worker: Worker) => {
    idle.push(worker);
    worker.unref();
    const timer = setTimeout(() => {
      retire(worker, new Error('the receipt worker was idle'));
      void worker.terminate();
    }, idleMs);
    timer.unref();
    idleTimers.set(worker, timer);
    dispatch();
  };

  const dispatch = () => {
    while (!closed && waiting.length > 0) {
      const worker = idle.pop() ?? (workers.size < size ? spawn() : undefined);
      if (!worker) return;
      const render = waiting.shift()!;
      clearTimeout(idleTimers.get(worker));
      idleTimers.delete(worker);
      busy.set(worker, render);
      // Referenced while it works: a command awaiting a receipt must not exit under it.
      worker.ref();
      worker.postMessage({ id: (nextId += 1), ...render.job } satisfies RenderJob);
    }
  };

  return {
    render(facts, key, wording, letterhead) {
      if (closed) return Promise.reject(new Error('the receipt renderer is closed'));
      return new Promise((resolve, reject) => {
        waiting.push({ job: { facts, key, wording, letterhead }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const timer of idleTimers.values()) clearTimeout(timer);
      for (const render of [...waiting.splice(0), ...busy.values()]) render.reject(new Error('the receipt renderer is closed'));
      await Promise.all([...workers].map((worker) => worker.terminate()));
    },
  };
}
