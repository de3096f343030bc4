import type { StaffWords } from '../review/review-service';
import { parseCommandLine, referenceArgument, refuse, UsageError, withApp, type Command } from './command-line';

/** `queue reply` and `queue note`: staff's own words on a request, whatever its status. */
export const conversationCommands: Record<string, Command> = {
  reply: wordsCommand('reply', 'message', 'the reply to the customer is queued'),
  note: wordsCommand('note', 'text', 'the note is added'),
};

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
