import { checkTemplates } from '../check-templates';
import { systemClock } from '../clock';
import { ConfigError } from '../config';
import { compositionSettings } from '../outbox/composition-settings';
import type { Command } from './command-line';

/** For the commands that send mail or serve pages: a broken template stops them before they start. */
export function templatesCheckedFirst(command: Command): Command {
  return async (args, config) => {
    // The check signs its samples with a throwaway key of its own.
    const checked = await checkTemplates(compositionSettings(config, Buffer.alloc(0)), systemClock);
    if (!checked.ok) throw new ConfigError(`broken template: ${checked.problem}`);
    return command(args, config);
  };
}
