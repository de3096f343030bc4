import { sniffFileType } from '../../src/intake/sniff-file-type';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

/** An ISO base media file (HEIC, HEIF, AVIF, MP4) starts with a box size and `ftyp` + major brand. */
const isoMedia = (brand: string, compatible = 'mif1heic') => bytes([0x00, 0x00, 0x00, 0x18], 'ftyp', brand, [0, 0, 0, 0], compatible);

describe('sniffFileType', () => {
  describe('the five accepted ID document types', () => {
    test.each([
      ['a JFIF JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0'), 'image/jpeg'],
      ['an EXIF JPEG from a phone camera', bytes([0xff, 0xd8, 0xff, 0xe1, 0x2a, 0x3c], 'Exif\0\0MM'), 'image/jpeg'],
      ['a PNG screenshot', bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR'), 'image/png'],
      ['a scanned PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'), 'application/pdf'],
      ['a WebP image', bytes('RIFF', [0x24, 0x08, 0, 0], 'WEBPVP8 '), 'image/webp'],
      ['an iPhone HEIC photo', isoMedia('heic'), 'image/heic'],
      ['a HEIC image sequence', isoMedia('hevc'), 'image/heic'],
      ['a generic HEIF image', isoMedia('mif1'), 'image/heif'],
    ])('recognises %s', (_case, content, expected) => {
      expect(sniffFileType(content)).toBe(expected);
    });

    it('recognises a PDF whose header follows a few bytes of scanner junk', () => {
      expect(sniffFileType(bytes('\r\n\r\n%PDF-1.4\n1 0 obj'))).toBe('application/pdf');
    });
  });

  describe('what the bytes say, not the name', () => {
    test.each([
      ['a GIF', 'image/gif', bytes('GIF89a', [0x01, 0x00, 0x01, 0x00])],
      ['an AVIF image', 'image/avif', isoMedia('avif')],
      ['an MP4 video', 'video/mp4', isoMedia('isom', 'isomavc1')],
      ['a Word .docx (a zip)', 'application/zip', bytes('PK\x03\x04\x14\x00\x06\x00', '[Content_Types].xml')],
      ['a zip archive', 'application/zip', bytes('PK\x03\x04\x0a\x00\x00\x00')],
      ['a RAR archive', 'application/x-archive', bytes('Rar!\x1a\x07\x00')],
      ['a gzip file', 'application/x-archive', bytes([0x1f, 0x8b, 0x08, 0x00])],
      ['a Windows executable', 'application/x-msdownload', bytes('MZ\x90\x00\x03\x00\x00\x00')],
      ['an ELF binary', 'application/x-executable', bytes('\x7fELF\x02\x01\x01')],
      ['an old Word .doc', 'application/x-ole-storage', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])],
      ['an Outlook winmail.dat', 'application/vnd.ms-tnef', bytes([0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00])],
      ['a WAV recording (RIFF but not WebP)', 'application/octet-stream', bytes('RIFF', [0x24, 0x08, 0, 0], 'WAVEfmt ')],
      ['plain text', 'application/octet-stream', Buffer.from('用户名：zhangwei88\n注销原因：不再使用', 'utf8')],
      ['no bytes at all', 'application/octet-stream', Buffer.alloc(0)],
      ['a truncated JPEG marker', 'application/octet-stream', bytes([0xff, 0xd8])],
    ])('calls %s %s', (_case, expected, content) => {
      expect(sniffFileType(content)).toBe(expected);
    });
  });

  describe('HTML pretending to be a document', () => {
    test.each([
      ['a doctype', '<!DOCTYPE html><html><body>ID</body></html>'],
      ['an <html> tag after blank lines', '\r\n\r\n  <html lang="zh-CN">'],
      ['a script', '<script>location="https://phish.example/"</script>'],
      ['an SVG with a script', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ['an XML prolog', '<?xml version="1.0"?><svg/>'],
      ['a UTF-8 byte order mark', '\xef\xbb\xbf<!DOCTYPE html><html>'],
      ['the comment Internet Explorer writes when saving a page', '<!-- saved from url=(0014)about:internet -->\r\n<html>'],
    ])('calls a page that starts with %s text/html', (_case, content) => {
      expect(sniffFileType(bytes(content))).toBe('text/html');
    });

    it('does not call a page a PDF because its text mentions %PDF-', () => {
      const page = '<!DOCTYPE html><html><body><p>Magic bytes: %PDF-1.7</p><script>fetch("https://phish.example")</script></body></html>';
      expect(sniffFileType(bytes(page))).toBe('text/html');
    });
  });
});
