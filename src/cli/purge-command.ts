import { parseCommandLine, withApp, type Command } from './command-line';

/** `cancel-desk purge [--dry-run]`: what retention removes now (the daemon does it daily). */
export const purgeCommand: Command = async (args, config) => {
  const { values } = parseCommandLine({ args, options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } } });
  return withApp(config, async (app) => {
    const summary = await app.purgeExpired(values['dry-run'] === true);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    }
    const verb = summary.dryRun ? 'would remove' : 'removed';
    process.stdout.write(
      `retention (${config.retention.days} days, decided before ${summary.cutoff}) ${verb}: ` +
        `${summary.documents} ID documents and the mail texts of ${summary.requests.length} requests and ${summary.unsortedMail.length} unsorted mails; ` +
        `${summary.files} old mail files${config.retention.purgeImapProcessed && !summary.dryRun ? `; ${summary.imapProcessed} mails from the IMAP processed folder` : ''}\n`,
    );
    for (const reference of summary.requests) process.stdout.write(`  ${reference}\n`);
    return 0;
  });
};
