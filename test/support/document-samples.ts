import { solidPng } from '../console/support/script-mail';

/**
 * Small ID documents of each accepted format, real enough to parse: the JPEG and the WebP were
 * drawn on a 16×10 canvas by Chromium (toDataURL), the PNG is written by an encoder, the PDF
 * and the HEIF are laid out by hand.
 */

export const browserJpeg = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh' +
  'Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB' +
  'UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA' +
  'AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y' +
  'WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM' +
  'ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQ' +
  'FxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgo' +
  'KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAKABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAUG' +
  '/8QAIxAAAAQEBwEAAAAAAAAAAAAABRESEwABAxUCBgcWJDEyUf/EABQBAQAAAAAAAAAAAAAAAAAAAAX/xAAZEQEAAwEBAAAAAAAA' +
  'AAAAAAASAAERIVH/2gAMAwEAAhEDEQA/AKenYFl4buG5BW3sts8inSWale5TMiw9fYaiAWXgS37bFbg849yKdVBJT4lIjPF38jGw' +
  'h0W1vPISqJyf/9k=',
  'base64',
);

export const browserWebp = Buffer.from(
  'UklGRjwCAABXRUJQVlA4WAoAAAAgAAAADwAACQAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh' +
  'Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB' +
  'UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA' +
  'AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y' +
  'WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM' +
  'ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZWUDggTgAAAPABAJ0BKhAACgABQCYlsAJ0ugACr0GE' +
  'AAD+2V9E//E/8E7f0O+L26x/+3/8f7foO+pbH+5DKqXACu6J4PvriDHh9V4WvH6qs0/UTOkAAA==',
  'base64',
);

export const smallPng = (): Buffer => solidPng(16, 10);

/** A one-page PDF with its cross-reference table, as the simplest writers lay one out. */
export function smallPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((object, index) => {
    const offset = body.length;
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * The boxes of a HEIF still image (HEIC can hardly be produced here): `ftyp`, then `meta` with the
 * handler, the primary item, its info, its location in `mdat` and its properties (`ispe`: width
 * and height), then `mdat` holding the coded picture (here stand-in bytes).
 */
interface HeifShape {
  brand?: string;
  compatible?: string[];
  width?: number;
  height?: number;
  /** false: no `iprp`, so nothing says how big the image is. */
  properties?: boolean;
}

export function heifImage({ brand = 'heic', compatible, width = 4032, height = 3024, properties = true }: HeifShape = {}): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const payload = Buffer.concat(parts);
    return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
  };
  const fullBox = (type: string, version: number, ...parts: Buffer[]) => box(type, u32(version << 24), ...parts);
  const coded = Buffer.from('00000001260101af0997b9a8', 'hex');
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), u32(0), Buffer.from((compatible ?? ['mif1', brand, 'miaf']).join(''), 'latin1'));
  const meta = (codedAt: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(13)),
      fullBox('pitm', 0, u16(1)),
      fullBox('iinf', 0, u16(1), fullBox('infe', 2, u16(1), u16(0), Buffer.from('hvc1\0', 'latin1'))),
      fullBox('iloc', 0, Buffer.from([0x44, 0x00]), u16(1), u16(1), u16(0), u16(1), u32(codedAt), u32(coded.length)),
      ...(properties
        ? [box('iprp', box('ipco', fullBox('ispe', 0, u32(width), u32(height))), fullBox('ipma', 0, u32(1), u16(1), Buffer.from([1, 0x81])))]
        : []),
    );
  const codedAt = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(codedAt), box('mdat', coded)]);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}
