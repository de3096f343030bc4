import { verificationCode } from '../../src/documents/verification-code';
import { KEY, OTHER_KEY, sampleFacts } from './sample-facts';

test('is the same for the same facts, whatever their property order or extra properties', () => {
  const facts = sampleFacts();
  const reordered = Object.fromEntries(Object.entries(facts).reverse()) as typeof facts;
  const richer = { ...facts, internalNote: 'not on the receipt' };
  expect(verificationCode(reordered, KEY)).toBe(verificationCode(facts, KEY));
  expect(verificationCode(richer, KEY)).toBe(verificationCode(facts, KEY));
});

test('depends on the key', () => {
  expect(verificationCode(sampleFacts(), OTHER_KEY)).not.toBe(verificationCode(sampleFacts(), KEY));
});

test('changes when any fact changes', () => {
  const code = verificationCode(sampleFacts(), KEY);
  const altered = [
    sampleFacts({ status: 'approved' }),
    sampleFacts({ username: 'zhangwei89' }),
    sampleFacts({ missing: [] }),
    sampleFacts({ idDocuments: [{ filename: '身份证正面.jpg', sha256: '0'.repeat(64) }] }),
  ];
  for (const facts of altered) expect(verificationCode(facts, KEY)).not.toBe(code);
});

test('is 100 bits in five groups of four unambiguous characters', () => {
  expect(verificationCode(sampleFacts(), KEY)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
});

test('refuses a key too short to keep codes unforgeable', () => {
  expect(() => verificationCode(sampleFacts(), Buffer.from('short'))).toThrow(/at least 16 bytes/);
});
