#!/usr/bin/env node
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { App } from './app';
import { parseCommandLine, readStream, referenceArgument, refuse, subcommands, UsageError, withApp, type Command } from './cli/command-line';
import { auditCommands } from './cli/audit-commands';
import { chunkedOutput } from './cli/chunked-output';
import { purgeCommand } from './cli/purge-command';
import { conversationCommands } from './cli/conversation-commands';
import { correctionCommand } from './cli/correction-command';
import { helpTopic, usageOf } from './cli/help';
import { receiptVerdict } from './cli/receipt-verdict';
import { terminalSafe } from './cli/terminal-text';
import { configCommand } from './cli/config-command';
import { vaultCommands } from './cli/vault-commands';
import { backupCommand, restoreCommand } from './cli/backup-commands';
import { calendarDay, isCalendarDay, systemClock } from './clock';
import { ConfigError, loadConfig, loadIntakeConfig, type Config } from './config';
import { describeFault, faultOf } from './faults';
import { analyseMessage } from './intake/analyse-message';
import { requestJson } from './queue/request-json';
import { REQUEST_STATUSES, type RequestStatus } from './queue/request-status';
import type { ExportFormat } from './review/approved-export';
import type { Decision } from './review/review-service';

const USAGE = `usage: cancel-desk <command>

  run                               the daemon (and the web console): intake at once, then on POLL_SCHEDULE; outbox; hand-offs; housekeeping
  serve                             the web console alone (WEB_HOST:WEB_PORT, default 127.0.0.1:8080)
  poll                              one intake cycle, one outbox flush and one account hand-off run, then exit
  parse <file.eml|->...             what intake makes of each mail, one JSON line per file (no side effects)
  queue list [--status S|all] [--unread] [--overdue] [--limit N|--all] [--json]
                                    queued requests, oldest first (all statuses unless --status): the
                                    first 100 (--limit N: N; --all: every one), and on stderr how many
                                    there are when more are left;
                                    --unread: only those with a customer mail nobody has read yet;
                                    --overdue: only undecided ones past their working-day deadline
  queue show <reference> [--json]   one request: status, sender, fields, documents, pre-checks,
                                    hand-off, and its mails and events in time order
  queue approve <reference> --by STAFF [--note TEXT]
  queue reject <reference> --by STAFF --reason TEXT
  queue request-info <reference> --by STAFF --message TEXT
                                    decide a pending_review request; the customer's mail is queued
  queue close <reference> --by STAFF [--note TEXT]
                                    record that the account system closed an approved account;
                                    the closure confirmation is mailed
  queue reply <reference> --by STAFF --message TEXT
                                    mail the customer your own words, in the request's thread
  queue note <reference> --by STAFF --text TEXT
                                    add a note for colleagues to the conversation
  queue edit <reference> --by STAFF [--username TEXT] [--registration-date YYYY-MM-DD|YYYY-MM] [--reason TEXT]
                                    correct what intake read; logged old → new, pre-checks run again
  queue assign <reference> --to STAFF|--nobody --by STAFF
                                    who takes the request on (the console's "Mine")
  queue document <reference> <n> --out FILE [--by STAFF]
                                    decrypt ID document n into a new FILE, recorded as a view
  triage list [--status S|all] [--json]
                                    unsorted mail: human mail that is not confidently a request, oldest first
  triage show <id> [--json]         one such mail with its evidence, text and documents
  triage promote <id> --by STAFF    make it a request (acknowledged like any other)
  triage reply <id> --by STAFF --message TEXT
                                    answer its sender (e.g. how to cancel); the mail is queued
  triage dismiss <id> --by STAFF --reason TEXT
  staff add <name> [--admin] [--password-stdin]
                                    a console account (an admin also manages staff in the console);
                                    names may be in any script (李娜, Zoë)
  staff list                        every member: name, role, state, when added
  staff disable <name>              signs the member out and keeps them out
  staff enable <name>
  staff passwd <name> [--password-stdin]
                                    set a member's password (typed twice, hidden); signs them out
  accounts import <file.csv>        the account directory: username,email,registration_date,status
  export --status approved [--since YYYY-MM-DD] --format csv|json [--mark-handed-off --by STAFF]
                                    approved requests, for an account system without the webhook;
                                    --mark-handed-off records them as closed
  verify-receipt <file.pdf>         whether the facts recorded inside a receipt PDF were signed by
                                    this desk (DATA_DIR's key); the printed page itself is not covered
  purge [--dry-run] [--json]        remove ID documents and mail texts of requests decided more than RETENTION_DAYS ago
                                    (the daemon does it daily); --dry-run says what would go
  audit verify [--json]             whether the event log's hash chain and its guards are intact (exit 1 if not)
  audit restore-guards              put back the triggers that keep the event log append-only
  vault rotate-key [--new-key-stdin]
                                    wrap every document's data key again under a new vault key (stop
                                    the daemon first; rerun after a crash to finish); with VAULT_KEY,
                                    the new key on stdin
  backup <new folder> [--include-key]
                                    the database and the vault, consistent while the daemon runs; the
                                    vault key only with --include-key (else keep it elsewhere)
  restore <backup folder>           into an empty DATA_DIR only, under the key the backup names
  config check                      every setting in effect (.env and environment; secrets masked); 78 if any is invalid
  preview ack|ack-needs-info|reply-received|staff-reply|approved|closed|rejected|info|triage-reply --lang zh|en --out FILE.eml
                                    a sample of that mail (with its PDF) from the templates
  help [command]                    this text (also --help, -h)

A reference may be typed in any letter case (cr-… is CR-…). Commands other than run, serve, poll,
staff add and accounts import refuse a DATA_DIR without a database instead of creating one.
Exit codes: 0 done, 1 refused (the reason on stderr), 2 usage, 78 invalid settings, a broken template or a vault key that does not fit.
`;

// The web, PDF, IMAP and SMTP stacks are imported where a command uses them: `parse` or `queue list`
// starts without loading what only `run` needs. So are the command modules that bring in other
// domains (staff, triage, the templates check, request summaries): `parse` starts without them.
const commands: Record<string, Command> = {
  run: checkedFirst((_args, config) => withApp(config, async (app, log) => (await import('./daemon')).runDaemon(app, log), { keepOpen: true, create: true })),
  serve: checkedFirst((_args, config) => withApp(config, async (app, log) => {
    await (await import('./console/start-console')).serveConsole(app, systemClock, log);
    return 0;
  }, { create: true })),
  poll: checkedFirst((_args, config) => withApp(config, async (app) => {
    const flushed = await app.intakeAndSend();
    const handedOff = await app.deliverHandoffs();
    return flushed.sendFailed > 0 || handedOff.deliveryFailed > 0 ? 1 : 0;
  }, { create: true })),
  queue: subcommands('queue', {
    list: queueListCommand,
    show: queueShowCommand,
    approve: decisionCommand('note', (by, note) => ({ kind: 'approve', by, note: note ?? null })),
    reject: decisionCommand('reason', (by, reason) => reason !== undefined && { kind: 'reject', by, reason }),
    'request-info': decisionCommand('message', (by, message) => message !== undefined && { kind: 'request_info', by, message }),
    close: decisionCommand('note', (by, note) => ({ kind: 'close', by, note: note ?? null })),
    ...conversationCommands,
    edit: correctionCommand,
    document: queueDocumentCommand,
  }),
  triage: loadedWhenRun(async () => subcommands('triage', (await import('./cli/triage-commands')).triageCommands)),
  audit: subcommands('audit', auditCommands),
  purge: purgeCommand,
  staff: loadedWhenRun(async () => subcommands('staff', (await import('./cli/staff-commands')).staffCommands)),
  accounts: subcommands('accounts', { import: accountsImportCommand }),
  export: exportCommand,
  'verify-receipt': verifyReceiptCommand,
  preview: async (args, config) => (await import('./cli/preview-command')).previewCommand(args, config),
  vault: subcommands('vault', vaultCommands),
  backup: backupCommand,
  restore: restoreCommand,
};

/** A command whose module is imported when it runs. */
function loadedWhenRun(load: () => Promise<Command>): Command {
  return async (args, config) => (await load())(args, config);
}

/** A command that checks the templates (and the receipt renderer) before it starts. */
function checkedFirst(command: Command): Command {
  return loadedWhenRun(async () => (await import('./cli/startup-checks')).templatesCheckedFirst(command));
}

/**
 * Commands that read the settings themselves: `config check` must run to report invalid ones, and
 * `parse` reads only the intake settings, which start without loading the whole schema.
 */
const ownSettingsCommands: Record<string, (args: string[]) => Promise<number>> = {
  config: configCommand,
  parse: (files) => parseCommand(files, loadIntakeConfig()),
};

/** What `queue list` prints unless told otherwise: a page to read, not years of history. */
const DEFAULT_LIST_LIMIT = 100;
/** With --unread or --overdue the stderr note counts matches along their index up to here, not the whole history. */
const COUNTED_AT_MOST = 10_000;

async function queueListCommand(args: string[], config: Config): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: { status: { type: 'string' }, unread: { type: 'boolean' }, overdue: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' }, all: { type: 'boolean' } },
  });
  if (values.status !== undefined && values.status !== 'all' && !(REQUEST_STATUSES as readonly string[]).includes(values.status)) {
    throw new UsageError(`queue: --status must be one of ${REQUEST_STATUSES.join(', ')}, all`);
  }
  if (values.limit !== undefined && (values.all || !/^[1-9]\d{0,8}$/.test(values.limit))) {
    throw new UsageError(values.all ? 'queue: --limit or --all, not both' : 'queue: --limit must be a whole number from 1');
  }
  const limit = values.all ? Infinity : Number(values.limit ?? DEFAULT_LIST_LIMIT);
  const status = values.status === 'all' ? undefined : (values.status as RequestStatus | undefined);
  return withApp(config, async (app) => {
    const filter = { status, unread: values.unread, overdueOn: values.overdue ? calendarDay(systemClock.now(), config.timeZone) : undefined };
    const total = values.all ? null : app.queue.listingCount(filter, Math.max(COUNTED_AT_MOST, limit + 1));
    // A page at a time, written in chunks that wait for the reader: the whole queue is never in memory at once.
    const out = chunkedOutput(process.stdout);
    if (values.json) {
      let first = true;
      for (const page of app.queue.requestPages(filter, { limit })) {
        for (const request of page) {
          await out.add(`${first ? '[' : ','}${JSON.stringify(requestJson(request, app.handoffOf(request.reference)))}`);
          first = false;
        }
      }
      await out.add(first ? '[]\n' : ']\n');
    } else {
      await out.add('REFERENCE\tSTATUS\tRECEIVED\tDUE\tEMAIL\tUSERNAME\n');
      for (const page of app.queue.requestPages(filter, { limit })) {
        for (const request of page) {
          await out.add(terminalSafe(`${request.reference}\t${request.status}\t${request.receivedAt}\t${request.dueDate ?? '-'}\t${request.email}\t${request.fields.username ?? '-'}\n`));
        }
      }
    }
    await out.end();
    if (total !== null && total.count > limit) {
      const of = total.capped ? `${total.count.toLocaleString('en-US')} or more` : total.count.toLocaleString('en-US');
      // Years of history list decided requests first: the way to the waiting ones is named too.
      const narrower = status === undefined ? ', --status S for one status' : '';
      process.stderr.write(`showing the first ${limit.toLocaleString('en-US')} of ${of} requests, oldest first; --limit N or --all for more${narrower}\n`);
    }
    return 0;
  });
}

async function queueShowCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('queue show <reference> [--json]');
  const reference = referenceArgument(positionals[0]);
  return withApp(config, async (app) => {
    const review = app.review.review(reference);
    if (!review) return refuse(`no request ${reference}`);
    if (values.json) {
      const shown = { ...requestJson(review.request, review.handoff), checks: review.checks.map(({ said: _said, ...check }) => check), needsCloserReview: review.needsCloserReview };
      process.stdout.write(`${JSON.stringify(shown)}\n`);
      return 0;
    }
    const [{ requestSummary }, { loadStrings }] = await Promise.all([import('./cli/request-summary'), import('./console/console-strings')]);
    process.stdout.write(requestSummary(review, config.timeZone, loadStrings(join(config.templatesDir, 'web'), new Map()).translate('en')));
    return 0;
  });
}

/** `queue approve|reject|request-info`: `decision` is false when the text the decision needs is missing. */
function decisionCommand(textOption: 'note' | 'reason' | 'message', decision: (by: string, text: string | undefined) => Decision | false): Command {
  return async (args, config) => {
    const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { by: { type: 'string' }, [textOption]: { type: 'string' } } });
    const by = values.by;
    const text = values[textOption];
    const decided = typeof by === 'string' && positionals.length === 1 && decision(by, typeof text === 'string' ? text : undefined);
    if (!decided) throw new UsageError(`queue: name one request, who decides (--by STAFF), and ${textOption === 'note' ? 'optionally a --note' : `the --${textOption}`}`);
    return withApp(config, async (app) => {
      const outcome = app.review.decide(referenceArgument(positionals[0]), { ...decided, osUser: userInfo().username });
      if (!outcome.ok) return refuse(outcome.message);
      process.stdout.write(`${outcome.request.reference} is now ${outcome.request.status}; the mail to the customer is queued\n`);
      return 0;
    });
  };
}

async function queueDocumentCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { out: { type: 'string' }, by: { type: 'string' } } });
  const [typed, position] = positionals;
  if (positionals.length !== 2 || !/^[1-9]\d*$/.test(position) || values.out === undefined) throw new UsageError('queue document <reference> <n> --out FILE [--by STAFF]');
  const out = values.out;
  const reference = referenceArgument(typed);
  return withApp(config, async (app) => {
    const staff = values.by === undefined ? null : app.staff.enabledName(values.by);
    if (values.by !== undefined && staff === null) return refuse(`${values.by} is not an enabled staff member`);
    // Created before the view is recorded, so that a refusal to overwrite records no view.
    const file = await open(out, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? null : Promise.reject(error)));
    if (file === null) return refuse(`${out} already exists: name a new file`);
    let opened: Awaited<ReturnType<App['review']['openDocument']>> = null;
    try {
      opened = await app.review.openDocument(reference, Number(position), staff ?? `os:${userInfo().username}`, 'cli');
      if (opened) await file.writeFile(opened.content);
    } finally {
      await file.close();
      if (!opened) await rm(out, { force: true });
    }
    if (!opened) {
      const removed = app.queue.findRequest(reference)?.idDocuments.find((document) => document.position === Number(position))?.purgedAt;
      return refuse(removed ? `${reference}'s ID document ${position} was removed by retention on ${removed}` : `${reference} has no ID document ${position}`);
    }
    process.stdout.write(`${out}: ${opened.document.filename} (${opened.document.contentType}, ${opened.document.size} bytes)\n`);
    return 0;
  });
}

async function accountsImportCommand(args: string[], config: Config): Promise<number> {
  const { positionals } = parseCommandLine({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('accounts import <file.csv>');
  const file = positionals[0];
  const csv = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`accounts import: cannot read ${file}: ${error.code ?? error.message}`);
  });
  return withApp(config, async (app) => {
    const imported = app.importAccounts(csv);
    if (!imported.ok) return refuse(`${file}: ${imported.message}; nothing was imported`);
    const { added, updated, rejected } = imported;
    process.stdout.write(`imported ${added + updated} accounts (${added} new, ${updated} updated); ${rejected.length} lines rejected\n`);
    for (const line of rejected) process.stderr.write(`${file}:${line.line}: ${line.reason}\n`);
    return rejected.length > 0 ? 1 : 0;
  }, { create: true });
}

async function exportCommand(args: string[], config: Config): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: { status: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' }, 'mark-handed-off': { type: 'boolean' }, by: { type: 'string' } },
  });
  if (values.status !== 'approved') throw new UsageError('export: --status approved is required (only approved requests are exported)');
  const { EXPORT_FORMATS, formatApproved } = await import('./review/approved-export');
  if (!(EXPORT_FORMATS as readonly (string | undefined)[]).includes(values.format)) throw new UsageError(`export: --format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.since !== undefined && !isCalendarDay(values.since)) throw new UsageError('export: --since must be a day, YYYY-MM-DD');
  if (values['mark-handed-off'] && values.by === undefined) throw new UsageError('export: --mark-handed-off records who handed the accounts over: add --by STAFF');
  return withApp(config, async (app) => {
    const approved = app.approvedRequests(values.since ?? null);
    process.stdout.write(formatApproved(approved, values.format as ExportFormat));
    if (!values['mark-handed-off']) return 0;
    // Handed to the account system by hand: recorded as closed, and only now is each customer told.
    for (const { reference } of approved) {
      const outcome = app.review.decide(reference, { kind: 'close', by: values.by!, note: 'handed off by export', via: 'export', osUser: userInfo().username });
      if (!outcome.ok) return refuse(outcome.message);
    }
    process.stderr.write(`cancel-desk: ${approved.length} exported ${approved.length === 1 ? 'request is' : 'requests are'} now closed; their customers' closure confirmations are queued\n`);
    return 0;
  });
}

async function verifyReceiptCommand(args: string[], config: Config): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write('usage: cancel-desk verify-receipt <file.pdf>\n');
    return 2;
  }
  const file = args[0];
  let pdf: Buffer;
  try {
    pdf = await readFile(file);
  } catch (error) {
    process.stderr.write(`cancel-desk verify-receipt: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 2;
  }
  return withApp(config, async (app) => {
    const verdict = await (await import('./documents/verify-receipt')).verifyReceipt(pdf, app.receiptKey);
    process.stdout.write(terminalSafe(receiptVerdict(verdict)));
    return verdict.genuine ? 0 : 1;
  });
}

async function parseCommand(files: string[], config: Pick<Config, 'timeZone' | 'intake'>): Promise<number> {
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

async function main(argv: string[]): Promise<number> {
  const topic = helpTopic(argv);
  if (topic !== null) {
    process.stdout.write(usageOf(USAGE, topic));
    return 0;
  }
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  // Own keys only: `cancel-desk toString` is no command.
  const ownSettings = Object.hasOwn(ownSettingsCommands, name) ? ownSettingsCommands[name] : undefined;
  if (!Object.hasOwn(commands, name) && ownSettings === undefined) {
    process.stderr.write(`cancel-desk: unknown command '${terminalSafe(name)}'\n(cancel-desk help lists every command)\n`);
    return 2;
  }
  try {
    return await (ownSettings ? ownSettings(args) : commands[name](args, loadConfig()));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`cancel-desk ${error.message}\n(cancel-desk help lists every command)\n`);
      return 2;
    }
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
    const fault = faultOf(error);
    process.stderr.write(fault ? `cancel-desk: stopped: ${describeFault(fault, error as Error)}\n` : `cancel-desk: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
