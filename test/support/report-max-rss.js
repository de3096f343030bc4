// Loaded with `node --require` around the CLI so a test can read the process's peak memory.
process.on('exit', () => {
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
