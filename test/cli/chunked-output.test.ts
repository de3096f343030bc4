import { Writable } from 'node:stream';
import { chunkedOutput } from '../../src/cli/chunked-output';

/** A stream that records each write and lets the test decide when the reader has taken it. */
function slowReader() {
  const writes: string[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      pending.push(done);
    },
  });
  return { stream, writes, read: () => pending.shift()?.() };
}

it('gathers text into writes of about the chunk size, and writes the rest at the end', async () => {
  const { stream, writes, read } = slowReader();
  const out = chunkedOutput(stream, 10);
  const adding = (async () => {
    for (const text of ['abcd', 'efgh', 'ijkl', 'mn']) await out.add(text);
    await out.end();
  })();
  for (let taken = 0; taken < 2; taken++) {
    await new Promise(setImmediate);
    read();
  }
  await adding;

  expect(writes).toEqual(['abcdefghijkl', 'mn']);
});

it('takes no more text until the reader has taken the last chunk', async () => {
  const { stream, writes, read } = slowReader();
  const out = chunkedOutput(stream, 4);
  let added = false;
  const adding = out.add('full chunk').then(() => (added = true));
  await new Promise(setImmediate);

  expect(added).toBe(false);
  read();
  await adding;
  expect(writes).toEqual(['full chunk']);
});
