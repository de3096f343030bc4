import { systemClock } from '../clock';
import { ConfigError } from '../config';
import { receiptWorkerPool } from '../documents/receipt-renderer';
import type { Command } from './command-line';

/** For the commands that send mail or serve pages: a broken template stops them before they start. */
export function templatesCheckedFirst(command: Command): Command {
  return async (args, config) => {
    // Rendered like the daemon's receipts, off this thread: the fonts stay out of the main heap.
    const receipts = receiptWorkerPool(1);
    const { checkTemplates } = await import('../check-templates');
    const checked = await checkTemplates({ templatesDir: config.templatesDir, mailFrom: config.mailFrom, timeZone: config.timeZone, workingDays: config.review.workingDays, renderReceipt: receipts.render }, systemClock).finally(() => receipts.close());
    if (!checked.ok) throw new ConfigError(`broken template: ${checked.problem}`);
    return command(args, config);
  };
}
