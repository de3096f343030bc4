import type { Config } from '../config';
import type { StaffWords } from '../review/review-service';
import { parseCommandLine, referenceArgument, refuse, UsageError, withApp, type Command } from './command-line';

/** `queue reply`, `queue note` and `queue assign`: staff's own words on a request, and who takes it on, whatever its status. */
export const conversationCommands: Record<string, Command> = {
  reply: wordsCommand('reply', 'message', 'the reply to the customer is queued'),
  note: wordsCommand('note', 'text', 'the note is added'),
  assign: assignCommand,
};

async function assignCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { by: { type: 'string' }, to: { type: 'string' }, nobody: { type: 'boolean' } } });
  const by = values.by;
  // Exactly one of --to NAME and --nobody.
  if (positionals.length !== 1 || typeof by !== 'string' || (values.to === undefined) === !values.nobody) throw new UsageError('queue assign <reference> --to STAFF|--nobody --by STAFF');
  const to = values.nobody ? null : values.to!;
  return withApp(config, async (app) => {
    const outcome = app.review.assign(referenceArgument(positionals[0]), by, to);
    if (!outcome.ok) return refuse(outcome.message);
    process.stdout.write(`${outcome.request.reference} is ${outcome.request.assignedTo === null ? 'assigned to nobody' : `assigned to ${outcome.request.assignedTo}`}\n`);
    return 0;
  });
}

function wordsCommand(kind: StaffWords['kind'], textOption: 'message' | 'text', done: string): Command {
  return async (args, config) => {
    const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { by: { type: 'string' }, [textOption]: { type: 'string' } } });
    const text = values[textOption];
    if (positionals.length !== 1 || typeof values.by !== 'string' || typeof text !== 'string') throw new UsageError(`queue ${kind} <reference> --by STAFF --${textOption} TEXT`);
    return withApp(config, async (app) => {
      const outcome = app.review.write(referenceArgument(positionals[0]), { kind, by: values.by as string, text });
      if (!outcome.ok) return refuse(outcome.message);
      process.stdout.write(`${outcome.request.reference}: ${done}\n`);
      return 0;
    });
  };
}
