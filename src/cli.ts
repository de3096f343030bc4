#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createApp, type App } from './app';
import { calendarDay, systemClock } from './clock';
import { ConfigError, loadConfig, type Config } from './config';
import { runDaemon } from './daemon';
import { verifyReceipt } from './documents/verify-receipt';
import { analyseMessage } from './intake/analyse-message';
import { createLogger } from './log';
import { requestJson } from './queue/request-json';
import { RECEIPT_STATUSES } from './documents/receipt-facts';
import type { RequestStatus } from './queue/request-status';

const USAGE = `usage: cancel-desk <command>

  run                               the daemon: intake at once, then on POLL_SCHEDULE; outbox; housekeeping
  poll                              one intake cycle and one outbox flush, then exit
  parse <file.eml|->...             what intake makes of each mail, one JSON line per file (no side effects)
  queue list [--status S] [--json]  queued requests, oldest first
  queue show <reference> [--json]   one request with its documents and event log
  verify-receipt <file.pdf>         whether a receipt PDF is genuine
`;

type Command = (args: string[], config: Config) => Promise<number>;

const commands: Record<string, Command> = {
  parse: parseCommand,
  run: (_args, config) => withApp(config, async (app, log) => {
    await runDaemon(app, log);
    return 0;
  }, { keepOpen: true }),
  poll: (_args, config) => withApp(config, async (app) => {
    await app.drainInbox();
    const flushed = await app.flushOutbox();
    return flushed.sendFailed > 0 ? 1 : 0;
  }),
  queue: queueCommand,
  'verify-receipt': verifyReceiptCommand,
};

async function withApp(config: Config, work: (app: App, log: ReturnType<typeof createLogger>) => Promise<number>, options: { keepOpen?: boolean } = {}): Promise<number> {
  const log = createLogger((line) => process.stderr.write(line), systemClock);
  const app = await createApp(config, systemClock, log);
  try {
    return await work(app, log);
  } finally {
    if (!options.keepOpen) app.close();
  }
}

async function queueCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { status: { type: 'string' }, json: { type: 'boolean' } } });
  const [action, reference] = positionals;
  if (values.status !== undefined && !(RECEIPT_STATUSES as readonly string[]).includes(values.status)) {
    process.stderr.write(`cancel-desk queue: --status must be one of ${RECEIPT_STATUSES.join(', ')}\n`);
    return 2;
  }
  return withApp(config, async (app) => {
    if (action === 'list') {
      const requests = app.queue.listRequests({ status: values.status as RequestStatus | undefined });
      if (values.json) process.stdout.write(`${JSON.stringify(requests.map(requestJson))}\n`);
      else for (const request of requests) process.stdout.write(`${request.reference}\t${request.status}\t${request.receivedAt}\t${request.email}\t${request.fields.username ?? '-'}\n`);
      return 0;
    }
    if (action === 'show' && reference) {
      const request = app.queue.findRequest(reference);
      if (!request) {
        process.stderr.write(`cancel-desk queue: no request ${reference}\n`);
        return 1;
      }
      process.stdout.write(values.json ? `${JSON.stringify(requestJson(request))}\n` : `${JSON.stringify(requestJson(request), null, 2)}\n`);
      return 0;
    }
    process.stderr.write(USAGE);
    return 2;
  });
}

async function verifyReceiptCommand(args: string[], config: Config): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write('usage: cancel-desk verify-receipt <file.pdf>\n');
    return 2;
  }
  const pdf = await readFile(args[0]);
  return withApp(config, async (app) => {
    const verdict = await verifyReceipt(pdf, app.receiptKey);
    if (verdict.genuine) {
      process.stdout.write(`genuine: ${verdict.facts.kind} ${verdict.facts.reference} for ${verdict.facts.sender}, status ${verdict.facts.status}, issued ${verdict.facts.issuedAt}\n`);
      return 0;
    }
    process.stdout.write(`NOT genuine: ${verdict.reason}\n`);
    return 1;
  });
}

async function parseCommand(files: string[], config: Config): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('cancel-desk parse: name at least one .eml file, or - for standard input\n');
    return 2;
  }
  const today = calendarDay(systemClock.now(), config.timeZone);
  let exitCode = 0;
  for (const file of files) {
    let raw: Buffer;
    try {
      raw = file === '-' ? await readStream(process.stdin) : await readFile(file);
    } catch (error) {
      process.stderr.write(`cancel-desk parse: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      exitCode = 2;
      continue;
    }
    const { result } = await analyseMessage(raw, config.intake, today);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return exitCode;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (command === undefined) {
    process.stderr.write(USAGE);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command(args, loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cancel-desk: ${error.message}\n`);
      return 78;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cancel-desk: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
