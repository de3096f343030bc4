import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import type { ReceiptFacts } from './receipt-facts';
import type { Letterhead } from './receipt-pdf';
import type { ReceiptWording } from './receipt-wording';

export type RenderReceipt = (facts: ReceiptFacts, key: Buffer, wording: ReceiptWording, letterhead?: Letterhead) => Promise<Uint8Array>;

/** Where receipts are rendered: in this thread, or in child processes so intake and the console never wait on one. */
export interface ReceiptRenderer {
  render: RenderReceipt;
  /** Ends the renderers; renders still waiting are refused. */
  close(): Promise<void>;
}

/** What the renderer process (receipt-worker.ts) is sent, and what it answers. */
export interface RenderJob {
  id: number;
  facts: ReceiptFacts;
  key: Uint8Array;
  wording: ReceiptWording;
  letterhead?: Letterhead;
}
export type RenderAnswer = { id: number; pdf: Uint8Array } | { id: number; error: string };

/** For one-off commands and tests: a child process is not worth its start-up there. */
export function inThreadRenderer(): ReceiptRenderer {
  return {
    // Loaded on the first receipt: commands that never render one do not load pdf-lib.
    render: async (facts, key, wording, letterhead) => (await import('./receipt-pdf')).renderReceiptPdf(facts, key, wording, letterhead),
    close: async () => {},
  };
}

/**
 * Receipts rendered in child processes (receipt-worker.ts), at most `size` at once. A child starts on
 * demand, loads the fonts once, and ends after `idleMs` without work. A process, not a worker thread:
 * a renderer holds 100–150 MB (fonts, pdf-lib's heap, the native memory it fragments), and only a
 * process that ends gives that back to the system; a thread's memory stays with the daemon. Starting
 * one again costs a fraction of a second. An idle child does not keep this process alive.
 */
export function childProcessRenderer(size = Math.min(2, Math.max(1, availableParallelism() - 1)), idleMs = 5_000): ReceiptRenderer {
  interface Waiting {
    job: Omit<RenderJob, 'id'>;
    resolve: (pdf: Uint8Array) => void;
    reject: (error: Error) => void;
  }
  const children = new Set<ChildProcess>();
  const idle: ChildProcess[] = [];
  const idleTimers = new Map<ChildProcess, NodeJS.Timeout>();
  const busy = new Map<ChildProcess, Waiting>();
  const waiting: Waiting[] = [];
  let closed = false;
  let nextId = 0;

  const spawn = () => {
    // Required here, not at the top: a command that renders nothing loads no child-process machinery.
    const { fork } = require('node:child_process') as typeof import('node:child_process');
    const child = fork(join(__dirname, 'receipt-worker.js'), [], {
      // Its own flags, not this process's (a --require or --inspect of the daemon's is not the renderer's).
      // A render leaves mostly short-lived garbage: a small young generation is collected as fast, and
      // a heap limit makes V8 collect the old one sooner. Together they keep the renderer near 125 MB
      // instead of 150–195 MB at about the same speed (measured on 2 cores); the heap a render keeps alive
      // stays under 70 MB, well inside the limit.
      execArgv: ['--max-semi-space-size=4', '--max-old-space-size=128'],
      // Structured clone, as between threads: facts, keys and PDFs cross as they are.
      serialization: 'advanced',
      // Its stderr is the daemon's: a crash of the renderer is told where the daemon's own are.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.add(child);
    child.on('message', (answer: RenderAnswer) => {
      const render = busy.get(child);
      busy.delete(child);
      if (render) {
        if ('pdf' in answer) render.resolve(answer.pdf);
        else render.reject(new Error(answer.error));
      }
      release(child);
    });
    // A renderer that died takes only its own receipt with it; the next one starts a fresh child.
    child.on('error', (error) => {
      retire(child, error);
      child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => retire(child, new Error(`the receipt renderer stopped (${signal ?? `exit code ${code}`})`)));
    return child;
  };

  const retire = (child: ChildProcess, error: Error) => {
    if (!children.delete(child)) return;
    clearTimeout(idleTimers.get(child));
    idleTimers.delete(child);
    if (idle.includes(child)) idle.splice(idle.indexOf(child), 1);
    busy.get(child)?.reject(error);
    busy.delete(child);
    dispatch();
  };

  // The child leaves when its channel closes (it ignores signals meant for the daemon's whole group).
  const end = (child: ChildProcess) => {
    if (child.connected) child.disconnect();
  };

  const holdOpen = (child: ChildProcess, hold: boolean) => {
    if (hold) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };

  const release = (child: ChildProcess) => {
    idle.push(child);
    holdOpen(child, false);
    const timer = setTimeout(() => {
      retire(child, new Error('the receipt renderer was idle'));
      end(child);
    }, idleMs);
    timer.unref();
    idleTimers.set(child, timer);
    dispatch();
  };

  const dispatch = () => {
    while (!closed && waiting.length > 0) {
      const child = idle.pop() ?? (children.size < size ? spawn() : undefined);
      if (!child) return;
      const render = waiting.shift()!;
      clearTimeout(idleTimers.get(child));
      idleTimers.delete(child);
      busy.set(child, render);
      // Referenced while it works: a command awaiting a receipt must not exit under it.
      holdOpen(child, true);
      child.send({ id: (nextId += 1), ...render.job } satisfies RenderJob);
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
      await Promise.all(
        [...children].map((child) => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          // Held until it is gone: an idle child is unreferenced, and a process with nothing else to do
          // would exit under whoever awaits close(); a daemon that stops leaves no renderer behind.
          child.ref();
          end(child);
          return exited;
        }),
      );
    },
  };
}
