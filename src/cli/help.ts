/** Asking for help: `help`, `--help` or `-h`, alone or after a command (`queue --help`, `queue show -h`). */

const HELP_WORDS = new Set(['help', '--help', '-h']);

/**
 * The command the user asked help about ('' for all of them), or null when they did not ask.
 * Only the first three words count, so that a help word given as an option's value
 * (`--message help`) or as a file name later on is not taken for a question.
 */
export function helpTopic(argv: string[]): string | null {
  const asked = argv.slice(0, 3).findIndex((word) => HELP_WORDS.has(word));
  if (asked === -1) return null;
  if (asked === 0) return argv[1] !== undefined && !HELP_WORDS.has(argv[1]) ? argv[1] : '';
  // `queue list help` asks nothing: `help` there is an argument.
  if (argv[asked] === 'help' && asked > 1) return null;
  return argv[0];
}

/**
 * The usage text cut down to one command's lines (each line naming it, with the lines that continue
 * it), or the whole text when the topic names no command in it.
 */
export function usageOf(usage: string, topic: string): string {
  const lines = usage.split('\n');
  const commandLine = /^ {2}(\S+)/;
  const kept: string[] = [];
  let keeping = false;
  for (const line of lines) {
    const named = commandLine.exec(line)?.[1];
    if (named !== undefined) keeping = named === topic;
    else if (!/^ {3,}\S/.test(line)) keeping = false;
    if (keeping) kept.push(line);
  }
  return topic === '' || kept.length === 0 ? usage : `usage: cancel-desk ${topic} …\n\n${kept.join('\n')}\n`;
}
