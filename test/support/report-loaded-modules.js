// Loaded with `node --require` around the CLI so a test can see which packages a command loaded.
process.on('exit', () => {
  const packages = new Set(Object.keys(require.cache).map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean));
  process.stderr.write(`loaded-packages ${JSON.stringify([...packages].sort())}\n`);
});
