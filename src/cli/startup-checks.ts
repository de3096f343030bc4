import { checkTemplates } from '../check-templates';
import { systemClock } from '../clock';
import { ConfigError } from '../config';
import type { Command } from './command-line';

/** For the commands that send mail or serve pages: a broken template stops them before they start. */
export function templatesCheckedFirst(command: Command): Command {
  return async (args, config) => {
    const checked = await checkTemplates({ templatesDir: config.templatesDir, mailFrom: config.mailFrom, timeZone: config.timeZone, workingDays: config.review.workingDays }, systemClock);
    if (!checked.ok) throw new ConfigError(`broken template: ${checked.problem}`);
    return command(args, config);
  };
}
