/** pdftotext and pdftoppm (Debian's poppler-utils) on PDF bytes, and the PNG they draw as pixels. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/** Fails loudly: a skipped rendering test would let blank Chinese glyphs through. */
export function requirePoppler(): void {
  for (const tool of ['pdftotext', 'pdftoppm']) {
    try {
      execFileSync(tool, ['-v'], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is missing: run apt-get install -y poppler-utils`);
    }
  }
}

function withPdfFile<T>(pdf: Uint8Array, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'receipt-'));
  try {
    const file = path.join(dir, 'receipt.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The text of every page in drawing order (`-raw`: the layout analysis would reorder columns and
 * join a line ending in a hyphen to the next without it).
 */
export function pdfText(pdf: Uint8Array): string {
  return withPdfFile(pdf, (file) =>
    execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
}

export interface WordBox {
  page: number;
  xMax: number;
  pageWidth: number;
}

/** Where pdftotext finds each word, to check nothing runs past the margin. */
export function pdfWordBoxes(pdf: Uint8Array): WordBox[] {
  const html = withPdfFile(pdf, (file) => execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }));
  const boxes: WordBox[] = [];
  html.split('<page ').slice(1).forEach((page, index) => {
    const pageWidth = Number(/width="([\d.]+)"/.exec(page)![1]);
    for (const word of page.matchAll(/<word [^>]*xMax="([\d.]+)"/g)) {
      boxes.push({ page: index + 1, xMax: Number(word[1]), pageWidth });
    }
  });
  return boxes;
}

export interface GrayImage {
  width: number;
  height: number;
  /** One byte per pixel, 0 black to 255 white, row by row. */
  pixels: Uint8Array;
  png: Buffer;
}

/** Page 1 as pdftoppm draws it at `dpi`, turned to grey. */
export function renderFirstPage(pdf: Uint8Array, dpi = 50): GrayImage {
  const png = withPdfFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page')]);
    return readFileSync(path.join(dir, 'page.png'));
  });
  return { ...decodePng(png), png };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3 };

/** Just enough PNG for pdftoppm's output: 8-bit grey or RGB, not interlaced. */
function decodePng(png: Buffer): Omit<GrayImage, 'png'> {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = CHANNELS[body[9]] ?? 0;
      if (body[8] !== 8 || channels === 0 || body[12] !== 0) {
        throw new Error('expected an 8-bit grey or RGB, non-interlaced PNG');
      }
    } else if (type === 'IDAT') {
      data.push(body);
    }
    offset += 12 + length;
  }
  const filtered = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const bytes = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = filtered[y * (stride + 1)];
    for (let x = 0; x < stride; x += 1) {
      const raw = filtered[y * (stride + 1) + 1 + x];
      const left = x >= channels ? bytes[y * stride + x - channels] : 0;
      const up = y > 0 ? bytes[(y - 1) * stride + x] : 0;
      const upLeft = x >= channels && y > 0 ? bytes[(y - 1) * stride + x - channels] : 0;
      bytes[y * stride + x] = (raw + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i += 1) {
    let sum = 0;
    for (let c = 0; c < channels; c += 1) sum += bytes[i * channels + c];
    pixels[i] = Math.round(sum / channels);
  }
  return { width, height, pixels };
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const estimate = left + up - upLeft;
      const [a, b, c] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
      return a <= b && a <= c ? left : b <= c ? up : upLeft;
    }
    default:
      throw new Error(`unknown PNG filter ${filter}`);
  }
}

/** How many pixels two same-sized renderings differ in (by more than anti-aliasing noise). */
export function differingPixels(a: GrayImage, b: GrayImage): number {
  let count = 0;
  for (let i = 0; i < a.pixels.length; i += 1) if (Math.abs(a.pixels[i] - b.pixels[i]) > 64) count += 1;
  return count;
}

export function darkPixels(image: GrayImage): number {
  return image.pixels.reduce((count, value) => count + (value < 128 ? 1 : 0), 0);
}
