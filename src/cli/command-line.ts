import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { App } from '../app';
import { systemClock } from '../clock';
import type { Config } from '../config';
import { createLogger, type Logger } from '../log';
import { VaultKeyError } from '../queue/vault-keys';

/** One command of the command line: its arguments in, an exit code out. */
export type Command = (args: string[], config: Config) => Promise<number>;

/** A command line that does not say what to do: exit code 2. */
export class UsageError extends Error {}

export function subcommands(name: string, table: Record<string, Command>): Command {
  return (args, config) => {
    const [action, ...rest] = args;
    const command = action === undefined || !Object.hasOwn(table, action) ? undefined : table[action];
    if (command === undefined) {
      throw new UsageError(`${name}: ${action === undefined ? '' : `unknown command '${action}'; `}expected one of ${Object.keys(table).join(', ')}`);
    }
    return command(rest, config);
  };
}

/** parseArgs, with its complaints about the command line turned into usage errors. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

/** A command that was understood but not carried out: the reason on stderr, exit code 1. */
export function refuse(message: string): number {
  process.stderr.write(`cancel-desk: ${message}\n`);
  return 1;
}

/**
 * A request reference as typed: `cr-abc…` names `CR-ABC…`. Every command taking a reference reads
 * it through here, so that none is stricter about letter case than the others.
 */
export function referenceArgument(typed: string): string {
  return typed.trim().toUpperCase();
}

/**
 * Runs `work` with the app on the configured `DATA_DIR`. Only commands that set a desk up or feed it
 * (`create`) may start a new database: any other command on a `DATA_DIR` without one is refused, so
 * that a mistyped DATA_DIR reads as "nothing there" instead of an empty queue and a new vault key.
 */
export async function withApp(
  config: Config,
  work: (app: App, log: Logger) => Promise<number>,
  options: { keepOpen?: boolean; create?: boolean; guardsMayBeMissing?: boolean } = {},
): Promise<number> {
  // The whole app is loaded only by commands that open it: `parse` starts without it.
  const { createApp, databasePath } = await import('../app');
  if (!options.create && !existsSync(databasePath(config))) {
    return refuse(`no database at ${databasePath(config)}: run \`cancel-desk run\` or \`poll\` first`);
  }
  const log = createLogger((line) => process.stderr.write(line), systemClock, config.logLevel);
  let app: App;
  try {
    app = await createApp(config, systemClock, log);
  } catch (error) {
    return keyRefusal(error);
  }
  const missing = app.audit.missingGuards();
  if (missing.length > 0 && !options.guardsMayBeMissing) {
    app.close();
    // Someone removed what keeps the event log append-only: nothing runs until a person has looked.
    return refuse(
      `the event log's guards are gone from the database (${missing.join(', ')}): events may have been changed or removed. ` +
        'Run `cancel-desk audit verify` to see what, then `cancel-desk audit restore-guards`',
    );
  }
  try {
    return await work(app, log);
  } finally {
    if (!options.keepOpen) app.close();
  }
}

/** A vault key that does not fit is a setting to correct, not a fault to retry: exit 78, one line. */
export function keyRefusal(error: unknown): number {
  if (!(error instanceof VaultKeyError)) throw error;
  process.stderr.write(`cancel-desk: ${error.message}\n`);
  return 78;
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
