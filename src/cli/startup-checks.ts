import { systemClock } from '../clock';
import { ConfigError } from '../config';
import { childProcessRenderer } from '../documents/receipt-renderer';
import { compositionSettings } from '../outbox/composition-settings';
import type { Command } from './command-line';

/** For the commands that send mail or serve pages: a broken template stops them before they start. */
export function templatesCheckedFirst(command: Command): Command {
  return async (args, config) => {
    // Rendered like the daemon's receipts, in a child process: the fonts never enter this one. The
    // check signs its samples with a throwaway key of its own.
    const receipts = childProcessRenderer(1);
    const { checkTemplates } = await import('../check-templates');
    const checked = await checkTemplates(compositionSettings(config, Buffer.alloc(0), receipts.render), systemClock).finally(() => receipts.close());
    if (!checked.ok) throw new ConfigError(`broken template: ${checked.problem}`);
    return command(args, config);
  };
}
