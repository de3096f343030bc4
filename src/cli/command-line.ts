import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createApp, type App } from '../app';
import { systemClock } from '../clock';
import type { Config } from '../config';
import { createLogger, type Logger } from '../log';

/** One command of the command line: its arguments in, an exit code out. */
export type Command = (args: string[], config: Config) => Promise<number>;

/** A command line that does not say what to do: exit code 2. */
export class UsageError extends Error {}

export function subcommands(name: string, table: Record<string, Command>): Command {
  return (args, config) => {
    const [action, ...rest] = args;
    const command = action === undefined ? undefined : table[action];
    if (command === undefined) throw new UsageError(`${name}: expected one of ${Object.keys(table).join(', ')}`);
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

export async function withApp(config: Config, work: (app: App, log: Logger) => Promise<number>, options: { keepOpen?: boolean } = {}): Promise<number> {
  const log = createLogger((line) => process.stderr.write(line), systemClock);
  const app = await createApp(config, systemClock, log);
  try {
    return await work(app, log);
  } finally {
    if (!options.keepOpen) app.close();
  }
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
