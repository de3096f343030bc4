import type { Correction } from '../review/review-service';
import { parseCommandLine, referenceArgument, refuse, UsageError, withApp, type Command } from './command-line';

const OPTIONS: Record<string, Correction['field']> = { username: 'username', 'registration-date': 'registrationDate', reason: 'reason' };

/** `queue edit REF --by STAFF --username … --registration-date … --reason …`: corrects what intake read, each field an event. */
export const correctionCommand: Command = async (args, config) => {
  const { positionals, values } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { by: { type: 'string' }, username: { type: 'string' }, 'registration-date': { type: 'string' }, reason: { type: 'string' } },
  });
  const corrections = Object.entries(OPTIONS).flatMap(([option, field]) => {
    const value = values[option as keyof typeof values];
    return typeof value === 'string' ? [{ field, value }] : [];
  });
  if (positionals.length !== 1 || typeof values.by !== 'string' || corrections.length === 0) {
    throw new UsageError('queue edit <reference> --by STAFF [--username TEXT] [--registration-date YYYY-MM-DD|YYYY-MM] [--reason TEXT]');
  }
  const reference = referenceArgument(positionals[0]);
  return withApp(config, async (app) => {
    for (const { field, value } of corrections) {
      const outcome = app.review.correct(reference, { by: values.by as string, field, value });
      if (!outcome.ok) return refuse(outcome.message);
    }
    const request = app.queue.findRequest(reference)!;
    process.stdout.write(`${reference} corrected; it is ${request.status}\n`);
    return 0;
  });
};
