import { parseCommandLine, withApp, type Command } from './command-line';

/** `cancel-desk audit verify|restore-guards`: work on a database whose guards may be gone. */
export const auditCommands: Record<string, Command> = {
  async verify(args, config) {
    const { values } = parseCommandLine({ args, options: { json: { type: 'boolean' } } });
    return withApp(
      config,
      async (app) => {
        const verdict = app.audit.verify();
        const missing = app.audit.missingGuards();
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ ...verdict, missingGuards: missing })}\n`);
        } else {
          for (const log of verdict.logs) {
            process.stdout.write(`${log.log}: ${log.chained} chained events${log.unchained > 0 ? ` (${log.unchained} from before the chain)` : ''}, head ${log.head || '-'}\n`);
            for (const broken of log.broken) process.stdout.write(`  event ${broken.id}: ${broken.why}\n`);
          }
          if (missing.length > 0) process.stdout.write(`guards missing: ${missing.join(', ')}\n`);
          process.stdout.write(verdict.intact && missing.length === 0 ? 'the event log is intact\n' : 'the event log has been tampered with\n');
        }
        return verdict.intact && missing.length === 0 ? 0 : 1;
      },
      { guardsMayBeMissing: true },
    );
  },
  async 'restore-guards'(_args, config) {
    return withApp(
      config,
      async (app) => {
        app.audit.restoreGuards();
        process.stdout.write('the event log is append-only again\n');
        return 0;
      },
      { guardsMayBeMissing: true },
    );
  },
};
