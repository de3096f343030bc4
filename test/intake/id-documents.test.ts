import { createHash } from 'node:crypto';
import { findIdDocuments, safeFilename } from '../../src/intake/id-documents';
import { defaultLimits } from '../../src/intake/intake-policy';
import type { MailAttachment } from '../../src/intake/read-message';
import { browserJpeg, heifImage, smallPdf, smallPng } from '../support/document-samples';

const JPEG = browserJpeg;
const PNG = smallPng();
const PDF = smallPdf();
const HEIC = heifImage();
const DOCX = Buffer.from('PK\x03\x04\x14\x00\x06\x00[Content_Types].xml', 'latin1');
const EXE = Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1');
const TNEF = Buffer.from([0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00, 0x01, 0x06, 0x90]);

const attachment = (filename: string | null, declaredType: string, content: Buffer, contentId: string | null = null): MailAttachment => ({
  filename,
  declaredType,
  contentId,
  content,
});

const find = (attachments: MailAttachment[], html: string | null = null, maxBytes = defaultLimits.maxAttachmentBytes) =>
  findIdDocuments({ attachments, html, forwarded: [] }, maxBytes);

const only = (document: MailAttachment, html: string | null = null, maxBytes?: number) => {
  const documents = find([document], html, maxBytes);
  expect(documents).toHaveLength(1);
  return documents[0];
};

describe('findIdDocuments', () => {
  describe('describing a document', () => {
    it('describes an accepted photo with its sniffed type, declared type, size and hash', () => {
      expect(only(attachment('身份证正面.jpg', 'image/jpeg', JPEG))).toEqual({
        filename: '身份证正面.jpg',
        contentType: 'image/jpeg',
        declaredType: 'image/jpeg',
        size: JPEG.length,
        sha256: createHash('sha256').update(JPEG).digest('hex'),
        valid: true,
        problem: null,
        content: JPEG,
      });
    });

    it('names the type from the bytes when QQ Mail declares application/octet-stream', () => {
      expect(only(attachment('护照.pdf', 'application/octet-stream', PDF))).toMatchObject({ contentType: 'application/pdf', valid: true, problem: null });
    });

    it('gives a nameless attachment the name "attachment"', () => {
      expect(only(attachment(null, 'image/png', PNG)).filename).toBe('attachment');
    });

    it('keeps every document, valid or not, in the order they came', () => {
      const documents = find([attachment('front.jpg', 'image/jpeg', JPEG), attachment('id.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', DOCX), attachment('back.png', 'image/png', PNG)]);
      expect(documents.map((document) => [document.filename, document.valid])).toEqual([
        ['front.jpg', true],
        ['id.docx', false],
        ['back.png', true],
      ]);
    });
  });

  describe('problems', () => {
    test.each([
      ['a Word file with the photo inside', 'unsupported_type', attachment('身份证.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', DOCX)],
      ['a zip of scans', 'unsupported_type', attachment('scans.zip', 'application/zip', DOCX)],
      ['an Outlook winmail.dat', 'unsupported_type', attachment('winmail.dat', 'application/ms-tnef', TNEF)],
      ['an executable named like a photo', 'unsupported_type', attachment('passport.jpg', 'image/jpeg', EXE)],
      ['an HTML page named like a PDF', 'unsupported_type', attachment('id.pdf', 'application/pdf', Buffer.from('<!DOCTYPE html><script>alert(1)</script>'))],
      ['a PNG declared as a JPEG', 'type_mismatch', attachment('scan', 'image/jpeg', PNG)],
      ['a PNG named .jpg', 'type_mismatch', attachment('IMG_0042.jpg', 'application/octet-stream', PNG)],
      ['a JPEG named .PDF in capitals', 'type_mismatch', attachment('PASSPORT.PDF', 'application/octet-stream', JPEG)],
      ['a PDF declared as a PNG', 'type_mismatch', attachment('id-card', 'image/png', PDF)],
      ['an HTML file with "%PDF-" inside, named and declared a PDF', 'type_mismatch', attachment('passport.pdf', 'application/pdf', Buffer.from('<p>My passport</p>\n%PDF-1.7\n<img src=x onerror=alert(1)>', 'latin1'))],
      ['a JPEG header followed by HTML', 'type_mismatch', attachment('passport.jpg', 'image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<html><script>alert(1)</script></html>')]))],
      ['a real JPEG with a script after its end', 'type_mismatch', attachment('passport.jpg', 'image/jpeg', Buffer.concat([JPEG, Buffer.from('<script>alert(1)</script>')]))],
      ['a PNG signature with nothing after it', 'type_mismatch', attachment('id.png', 'image/png', PNG.subarray(0, 8))],
      ['an empty attachment', 'empty', attachment('id.jpg', 'image/jpeg', Buffer.alloc(0))],
    ])('flags %s as %s', (_case, problem, document) => {
      expect(only(document)).toMatchObject({ valid: false, problem });
    });

    test.each([
      ['a JPEG declared as image/jpg', attachment('id.jpg', 'image/jpg', JPEG)],
      ['a JPEG named .jpeg and declared application/octet-stream', attachment('id.jpeg', 'application/octet-stream', JPEG)],
      ['an iPhone HEIC declared as image/heif', attachment('IMG_4711.HEIC', 'image/heif', HEIC)],
      ['a JPEG with no extension and a generic type', attachment('scan', 'application/octet-stream', JPEG)],
    ])('accepts %s without a mismatch', (_case, document) => {
      expect(only(document)).toMatchObject({ valid: true, problem: null });
    });

    it('flags a document over the size limit as too_large', () => {
      const big = Buffer.concat([JPEG, Buffer.alloc(100)]);
      expect(only(attachment('id.jpg', 'image/jpeg', big), null, big.length - 1)).toMatchObject({ valid: false, problem: 'too_large', size: big.length });
    });

    it('accepts a document of exactly the size limit', () => {
      expect(only(attachment('id.jpg', 'image/jpeg', JPEG), null, JPEG.length)).toMatchObject({ valid: true, problem: null });
    });
  });

  describe('what is not an ID document', () => {
    it('leaves out an inline image the HTML body shows by cid:', () => {
      const logo = attachment('image001.png', 'image/png', PNG, 'image001.png@01DB4C2A.5F3E1B20');
      expect(find([logo], '<p class=MsoNormal><img src="cid:image001.png@01DB4C2A.5F3E1B20"></p>')).toEqual([]);
    });

    it('matches the cid: reference whatever its letter case', () => {
      const logo = attachment('logo.png', 'image/png', PNG, 'Logo@Example');
      expect(find([logo], '<IMG SRC="CID:logo@example">')).toEqual([]);
    });

    it('keeps an inline image with a Content-ID that the HTML never shows', () => {
      // Gmail gives pasted photos a Content-ID even when the HTML does not reference them.
      const photo = attachment('IMG_20261120.jpg', 'image/jpeg', JPEG, 'ii_m3x9k2a10');
      expect(find([photo], '<div dir="ltr">请注销我的账号，身份证照片见附件。</div>')).toHaveLength(1);
    });

    it('keeps an image whose Content-ID is only the beginning of a referenced one', () => {
      const photo = attachment('id.jpg', 'image/jpeg', JPEG, 'part1');
      expect(find([photo], '<img src="cid:part10">')).toHaveLength(1);
    });

    it('keeps an image with a Content-ID when the mail has no HTML', () => {
      expect(find([attachment('id.jpg', 'image/jpeg', JPEG, 'part1.A1B2C3D4@example.com')], null)).toHaveLength(1);
    });

    test.each([
      ['acknowledgement-CR-7Q2M9X4K.pdf'],
      ['confirmation-CR-7Q2M9X4K.pdf'],
    ])('leaves out our own PDF %s coming back in a reply', (filename) => {
      expect(find([attachment(filename, 'application/pdf', PDF)])).toEqual([]);
    });

    test.each([
      ['an S/MIME signature', 'smime.p7s', 'application/pkcs7-signature'],
      ['an old S/MIME signature', 'smime.p7s', 'application/x-pkcs7-signature'],
      ['a PGP signature', 'signature.asc', 'application/pgp-signature'],
      ['a calendar invitation', 'invite.ics', 'text/calendar'],
      ['a vCard', '李娜.vcf', 'text/vcard'],
      ['an old vCard', 'contact.vcf', 'text/x-vcard'],
    ])('leaves out %s', (_case, filename, declaredType) => {
      expect(find([attachment(filename, declaredType, Buffer.from('-----BEGIN PGP SIGNATURE-----'))])).toEqual([]);
    });
  });

  describe('a mail attached whole', () => {
    const forwardedMail = attachment('Account closure.eml', 'message/rfc822', Buffer.from('From: river@example.com\r\n\r\nPassport attached.'));

    it('lists the documents inside it, not the attached mail itself', () => {
      const inner = { attachments: [attachment('passport.jpg', 'image/jpeg', JPEG)], html: null, forwarded: [] };
      const documents = findIdDocuments({ attachments: [forwardedMail], html: null, forwarded: [inner] }, defaultLimits.maxAttachmentBytes);
      expect(documents.map(({ filename, valid }) => ({ filename, valid }))).toEqual([{ filename: 'passport.jpg', valid: true }]);
    });

    it('leaves out the inline logo that the attached mail\'s own HTML shows', () => {
      const logo = attachment('image001.png', 'image/png', PNG, 'image001.png@01DB4C2A');
      const inner = { attachments: [logo], html: '<img src="cid:image001.png@01DB4C2A">', forwarded: [] };
      expect(findIdDocuments({ attachments: [forwardedMail], html: null, forwarded: [inner] }, defaultLimits.maxAttachmentBytes)).toEqual([]);
    });
  });
});

describe('safeFilename', () => {
  test.each([
    ['a Windows path', 'C:\\Users\\li\\Desktop\\身份证正面.jpg', '身份证正面.jpg'],
    ['a Unix path climbing out', '../../etc/passwd', 'passwd'],
    ['a NUL byte', 'passport.pdf\u0000.exe', 'passport.pdf.exe'],
    ['CR and LF', 'id\r\nX-Injected: yes.jpg', 'idX-Injected: yes.jpg'],
    ['a right-to-left override', 'photo\u202Egpj.exe', 'photogpj.exe'],
    ['surrounding spaces', '  护照 扫描件.pdf  ', '护照 扫描件.pdf'],
  ])('strips %s', (_case, name, expected) => {
    expect(safeFilename(name)).toBe(expected);
  });

  test.each([
    ['no name', null],
    ['an empty name', ''],
    ['only dots', '..'],
    ['only a directory', 'C:\\scans\\'],
    ['only control characters', '\u0000\u0007\r\n'],
  ])('falls back to "attachment" for %s', (_case, name) => {
    expect(safeFilename(name)).toBe('attachment');
  });

  it('keeps a Chinese name as it is', () => {
    expect(safeFilename('李娜-身份证（正反面）.HEIC')).toBe('李娜-身份证（正反面）.HEIC');
  });
});
