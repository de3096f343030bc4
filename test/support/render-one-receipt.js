// A command that renders one receipt through the built child-process renderer and never closes it.
// argv[2]: { facts, key (hex), wording, idleMs, stayUp } as JSON; prints `rendered <bytes>` once done.
const { join } = require('node:path');
const { childProcessRenderer } = require(join(__dirname, '..', '..', 'dist', 'documents', 'receipt-renderer'));

const { facts, key, wording, idleMs, stayUp } = JSON.parse(process.argv[2]);
childProcessRenderer(1, idleMs)
  .render(facts, Buffer.from(key, 'hex'), wording)
  .then((pdf) => {
    process.stdout.write(`rendered ${pdf.byteLength}\n`);
    // Kept up, for a test that kills it while its renderer idles.
    if (stayUp) setInterval(() => {}, 60_000);
  });
