import { once } from 'node:events';

/**
 * Text for a stream gathered into writes of about 64 KB, each waiting for the reader: a listing of
 * any length goes out without a page-sized string joined in between or a Buffer per row, and holds
 * no more than one chunk however slowly it is read (a pipe into `less`, or a program's buffer).
 */
export function chunkedOutput(stream: NodeJS.WritableStream, chunkChars = 65_536) {
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (parts.length === 0) return;
    const chunk = parts.join('');
    parts = [];
    size = 0;
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  return {
    async add(text: string): Promise<void> {
      parts.push(text);
      size += text.length;
      if (size >= chunkChars) await flush();
    },
    /** Writes what is left; the stream stays open. */
    end: flush,
  };
}
