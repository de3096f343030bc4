// Loaded with `node --require` around the CLI so a test or the bench can read the process's peak
// memory. On Linux that is VmHWM, the program's own high-water mark: `resourceUsage().maxRSS` also
// carries the parent's resident memory at fork time across exec, so a child of a big parent (the
// bench, holding a previous run's output) would report the parent's size as its own peak.
const { readFileSync } = require('node:fs');

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    // No /proc (not Linux): maxRSS, which there is the process's own.
  }
  process.stderr.write(`max-rss-kb ${kb}\n`);
});
