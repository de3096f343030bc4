/**
 * Reads one line from a terminal without echoing it (a password). Null when the person gives up
 * with Ctrl-C or Ctrl-D: in raw mode those arrive as characters, not as signals.
 */
export function readHiddenLine(prompt: string): Promise<string | null> {
  const input = process.stdin;
  // The prompt goes to stderr, so that it never mixes into output a script captures.
  const output = process.stderr;
  return new Promise((resolve) => {
    let typed = '';
    const finish = (line: string | null) => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      resolve(line);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003' || char === '\u0004') return finish(null);
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    // Echo goes off before the prompt shows, so nothing typed after seeing it can echo.
    input.setRawMode(true);
    output.write(prompt);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}
