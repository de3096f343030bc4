/** The type a file really is, read from its first bytes: headers and names are the sender's word only. */
export function sniffFileType(bytes: Buffer): string {
  const ascii = bytes.subarray(0, 1024).toString('latin1');
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii.startsWith('\x89PNG\r\n\x1a\n')) return 'image/png';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  if (ascii.slice(4, 8) === 'ftyp') return isoMediaType(ascii.slice(8, 12));
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
  if (ascii.startsWith('II*\x00') || ascii.startsWith('MM\x00*')) return 'image/tiff';
  if (ascii.startsWith('BM') && bytes.length > 26 && bytes.readUInt32LE(2) === bytes.length) return 'image/bmp';
  // Containers first: a zip holding a PDF shows %PDF- in its first kilobyte too.
  if (ascii.startsWith('PK\x03\x04') || ascii.startsWith('PK\x05\x06')) return 'application/zip';
  if (ascii.startsWith('Rar!') || ascii.startsWith('7z\xbc\xaf\x27\x1c') || ascii.startsWith('\x1f\x8b')) return 'application/x-archive';
  if (ascii.startsWith('MZ')) return 'application/x-msdownload';
  if (ascii.startsWith('\x7fELF')) return 'application/x-executable';
  if (ascii.startsWith('\xd0\xcf\x11\xe0')) return 'application/x-ole-storage';
  if (ascii.startsWith('\x78\x9f\x3e\x22')) return 'application/vnd.ms-tnef';
  // Checked before PDF: a page that merely mentions %PDF- is still a page.
  if (/^(?:\xef\xbb\xbf)?\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype html|html|head|body|script|svg|\?xml|meta|iframe)/i.test(ascii)) return 'text/html';
  // Scanners sometimes write a few bytes before the header; readers accept %PDF- within the first kilobyte.
  if (ascii.includes('%PDF-')) return 'application/pdf';
  return 'application/octet-stream';
}

function isoMediaType(brand: string): string {
  if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs'].includes(brand)) return 'image/heic';
  if (['mif1', 'msf1'].includes(brand)) return 'image/heif';
  if (brand.startsWith('avi')) return 'image/avif';
  return 'video/mp4';
}
