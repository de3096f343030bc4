import { createHmac } from 'node:crypto';

import { type ReceiptFacts, receiptFields } from './receipt-facts';

/** Keeps a key that is also used elsewhere from ever producing a receipt code by accident. */
const DOMAIN = 'cancel-desk/receipt-facts/v1\n';
/** Crockford base32: no I, L, O or U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARACTERS = 20; // 100 bits
const GROUP = 4;
const SHORTEST_KEY_BYTES = 16;

/** HMAC-SHA256 over the canonical facts, shown as `K7Q2-M9XD-4T6B-Z0RW-HN3C`. */
export function verificationCode(facts: ReceiptFacts, key: Buffer): string {
  return verificationCodeForJson(receiptFields(facts), key);
}

/**
 * The same code for any JSON value: verification runs on facts read back from a PDF, which must not
 * be trusted to have the receipt's shape until the code matches.
 */
export function verificationCodeForJson(value: unknown, key: Buffer): string {
  if (key.length < SHORTEST_KEY_BYTES) {
    throw new Error(`receipt signing key must have at least ${SHORTEST_KEY_BYTES} bytes`);
  }
  const mac = createHmac('sha256', key).update(DOMAIN + canonicalJson(value), 'utf8').digest();
  const characters = base32(mac).slice(0, CODE_CHARACTERS);
  return characters.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** JSON with object keys sorted at every level, so equal facts always serialise to equal bytes. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(
          Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : nested,
  );
}

function base32(bytes: Buffer): string {
  let bits = 0;
  let pending = 0;
  let out = '';
  for (const byte of bytes) {
    pending = (pending << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(pending >> bits) & 31];
    }
    pending &= (1 << bits) - 1;
  }
  return out;
}
