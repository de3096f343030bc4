import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';

type Deflate = (input: Uint8Array, options?: unknown) => Uint8Array;

/**
 * pdf-lib compresses every stream it writes (page text, the font subsets, the attached facts) with
 * pako, zlib ported to JavaScript: a quarter of a receipt's CPU (profile of the renderer process).
 * Node's own zlib writes the same zlib format in native code at a fraction of the cost, and any PDF
 * reader inflates either. pdf-lib looks `deflate` up on its copy of pako at each call, so that one
 * function is replaced once per process; a call with options (none of pdf-lib's) keeps pako's own.
 */
export function compressPdfStreamsNatively(): void {
  const pako = pdfLibPako();
  const original = pako.deflate;
  pako.deflate = (input, options) => (options === undefined ? deflateSync(input) : original(input, options));
}

/** The copy of pako that pdf-lib itself loads (the bench keeps its own `deflate` for bare pdf-lib). */
export function pdfLibPako(): { deflate: Deflate } {
  return require(require.resolve('pako', { paths: [dirname(require.resolve('pdf-lib'))] })) as { deflate: Deflate };
}
