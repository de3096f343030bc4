import { processSettings, reportSettings } from '../config';
import { parseCommandLine, UsageError } from './command-line';

/** The exit code of every configuration error (sysexits EX_CONFIG), as for a command's own start. */
const CONFIG_ERROR = 78;

/**
 * `cancel-desk config check`: every setting's effective value (secrets masked) and where it came
 * from, then every invalid one. Reads the settings itself: it must run when they are invalid.
 */
export async function configCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'check') throw new UsageError('config: expected check');
  parseCommandLine({ args: rest, options: {} });
  const source = processSettings();
  const report = reportSettings(source);
  const from = source.file === null ? 'the environment (no .env file)' : `${source.file} and the environment (the environment wins)`;
  process.stdout.write(`# settings from ${from}; secrets masked\n`);
  const width = Math.max(...report.settings.map(({ name, shown }) => name.length + shown.length)) + 3;
  for (const { name, shown, origin } of report.settings) {
    const line = `${name}=${printable(shown)}`;
    process.stdout.write(`${line.padEnd(width)}# ${origin === 'file' ? source.file : origin}\n`);
  }
  for (const name of report.unknownInFile) process.stderr.write(`cancel-desk: ${source.file}: ${name} is not a setting; ignored\n`);
  if (report.problems.length === 0) {
    process.stderr.write('cancel-desk: configuration is valid\n');
    return 0;
  }
  process.stderr.write(`cancel-desk: invalid configuration (${report.problems.length}):\n${report.problems.map((problem) => `  ${problem}\n`).join('')}`);
  return CONFIG_ERROR;
}

/** A value spanning lines (quoted in a .env file) on one line. */
function printable(value: string): string {
  return /[\u0000-\u001f]/.test(value) ? JSON.stringify(value) : value;
}
