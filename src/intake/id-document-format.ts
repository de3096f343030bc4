
/**
 * Whether a document is, all through, the format its first bytes claim: `well_formed` when it
 * parses as that format far enough to give its dimensions (a PDF: its header, objects and end),
 * `malformed` when it does not, `markup` when it also carries HTML or script (a polyglot, which a
 * browser or a desktop viewer may run as a page whatever it was sent as).
 */
export type DocumentFormat = 'well_formed' | 'malformed' | 'markup';

/**
 * Tags that make a page, each followed by what ends a tag name. Photo metadata is XML too (XMP),
 * but its elements are namespaced (`<x:xmpmeta`, `<rdf:RDF`) and never match.
 */
const MARKUP = /<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|img)[\s>/]/i;

const FORMATS: Record<string, (bytes: Buffer) => boolean> = {
  'image/jpeg': isJpeg,
  'image/png': isPng,
  'image/webp': isWebp,
  'image/heic': isHeif,
  'image/heif': isHeif,
  'application/pdf': isPdf,
};

export function checkDocumentFormat(type: string, bytes: Buffer): DocumentFormat {
  const parses = FORMATS[type];
  if (!parses || !parses(bytes)) return 'malformed';
  // Markup hides in comments, metadata or after the end of the image: the whole file is read.
  return MARKUP.test(bytes.toString('latin1')) ? 'markup' : 'well_formed';
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are others. */
const START_OF_FRAME = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Walks the marker segments from SOI to the frame header, which carries the dimensions. */
function isJpeg(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return false;
    const marker = bytes[position + 1];
    if (marker === 0xff) {
      position++; // fill byte before a marker
      continue;
    }
    // Image data or the end before any frame header: there is no picture to speak of.
    if (marker === 0xda || marker === 0xd9 || marker === 0x00) return false;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += 2; // markers without a segment
      continue;
    }
    const length = bytes.readUInt16BE(position + 2);
    if (length < 2 || position + 2 + length > bytes.length) return false;
    if (START_OF_FRAME.has(marker)) {
      if (length < 8) return false;
      const height = bytes.readUInt16BE(position + 5);
      const width = bytes.readUInt16BE(position + 7);
      return width > 0 && height > 0;
    }
    position += 2 + length;
  }
  return false;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_MAX_DIMENSION = 2 ** 31 - 1;
/** Colour type → the bit depths the PNG specification allows for it. */
const PNG_BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** The signature, then an IHDR chunk first with its CRC right and sane dimensions. */
function isPng(bytes: Buffer): boolean {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return false;
  // zlib is loaded by the first PNG, not with intake: most mails carry none.
  const { crc32 } = require('node:zlib') as typeof import('node:zlib');
  if (crc32(bytes.subarray(12, 29)) !== bytes.readUInt32BE(29)) return false;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const [bitDepth, colourType, compression, filter, interlace] = bytes.subarray(24, 29);
  return (
    width > 0 && height > 0 && width <= PNG_MAX_DIMENSION && height <= PNG_MAX_DIMENSION &&
    (PNG_BIT_DEPTHS[colourType]?.includes(bitDepth) ?? false) &&
    compression === 0 && filter === 0 && interlace <= 1
  );
}

/** RIFF/WEBP, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk with its dimensions. */
function isWebp(bytes: Buffer): boolean {
  if (bytes.length < 30 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return false;
  if (bytes.readUInt32LE(4) + 8 > bytes.length) return false;
  const chunk = bytes.toString('latin1', 12, 16);
  // VP8L and VP8X store width − 1 and height − 1, so every value they can hold is at least 1.
  if (chunk === 'VP8L') return bytes[20] === 0x2f;
  if (chunk === 'VP8X') return true;
  if (chunk !== 'VP8 ') return false;
  const keyFrameStart = bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a;
  return keyFrameStart && (bytes.readUInt16LE(26) & 0x3fff) > 0 && (bytes.readUInt16LE(28) & 0x3fff) > 0;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1']);

interface Box {
  type: string;
  /** Where the box's content starts and ends. */
  start: number;
  end: number;
}

/** The boxes laid side by side in [start, end); null when one runs past the end. */
function boxesIn(bytes: Buffer, start: number, end: number): Box[] | null {
  const boxes: Box[] = [];
  let position = start;
  while (position < end) {
    if (position + 8 > end) return null;
    let size = bytes.readUInt32BE(position);
    const type = bytes.toString('latin1', position + 4, position + 8);
    let header = 8;
    if (size === 1) {
      if (position + 16 > end) return null;
      const large = bytes.readBigUInt64BE(position + 8);
      if (large > BigInt(end - position)) return null;
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = end - position; // the last box, to the end
    }
    if (size < header || position + size > end) return null;
    boxes.push({ type, start: position + header, end: position + size });
    position += size;
  }
  return boxes;
}

const child = (bytes: Buffer, parent: Box, type: string, fullBox = false): Box | null =>
  boxesIn(bytes, parent.start + (fullBox ? 4 : 0), parent.end)?.find((box) => box.type === type) ?? null;

/** An `ftyp` with a HEIF brand, then `meta` → `iprp` → `ipco` → `ispe`: the image's spatial extent. */
function isHeif(bytes: Buffer): boolean {
  const top = boxesIn(bytes, 0, bytes.length);
  if (!top || top[0]?.type !== 'ftyp' || top[0].end - top[0].start < 8) return false;
  const ftyp = top[0];
  const brands = [bytes.toString('latin1', ftyp.start, ftyp.start + 4)];
  for (let at = ftyp.start + 8; at + 4 <= ftyp.end; at += 4) brands.push(bytes.toString('latin1', at, at + 4));
  if (!brands.some((brand) => HEIF_BRANDS.has(brand))) return false;
  const meta = top.find((box) => box.type === 'meta');
  const iprp = meta && child(bytes, meta, 'iprp', true);
  const ipco = iprp && child(bytes, iprp, 'ipco');
  const ipcoChildren = ipco ? boxesIn(bytes, ipco.start, ipco.end) : null;
  return (ipcoChildren ?? []).some(
    (box) => box.type === 'ispe' && box.end - box.start >= 12 && bytes.readUInt32BE(box.start + 4) > 0 && bytes.readUInt32BE(box.start + 8) > 0,
  );
}

/** Readers look for the end marker in the last kilobyte. */
const PDF_TAIL = 1024;

/**
 * The header first (after nothing but white space), at least one object, a cross-reference
 * pointer and the end marker near the end. Readers rebuild a broken cross-reference table, so
 * its offsets are not checked.
 */
function isPdf(bytes: Buffer): boolean {
  const head = bytes.toString('latin1', 0, 1024);
  if (!/^[\0\t\n\f\r ]*%PDF-\d\.\d/.test(head)) return false;
  if (!bytes.toString('latin1', Math.max(0, bytes.length - PDF_TAIL)).includes('%%EOF')) return false;
  const text = bytes.toString('latin1');
  return /\d+\s+\d+\s+obj\b/.test(text) && text.includes('endobj') && text.includes('startxref');
}
