import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { StaffStore } from '../queue/staff';
import type { StaffDirectory } from './review-service';

/** A name or password the directory refuses: the face shows the message, nothing is stored. */
export class StaffDirectoryError extends Error {}

/** The contract's directory, plus the check the CLI makes before recording a view under a staff name. */
export interface StaffRoster extends StaffDirectory {
  /** The member's name as added (names compare case-insensitively), when enabled; else null. */
  enabledName(name: string): string | null;
}

const MIN_PASSWORD_LENGTH = 12;
const FIRST_ADMIN = 'admin';
/** Names end up in event logs, on the CLI and in the console: nothing that could be mistaken for markup or a path. */
const STAFF_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * OWASP's scrypt setting with 32 MiB per hash (N=2^15, r=8, p=3) rather than the 128 MiB of N=2^17:
 * the same work, but several sign-ins at once stay affordable on a small machine. Each hash
 * records its own parameters, so they can be raised later without locking anybody out.
 */
const COST: PasswordCost = { N: 2 ** 15, r: 8, p: 3 };

export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}
const SALT_BYTES = 16;
const KEY_BYTES = 32;

export function createStaffDirectory(store: StaffStore, cost: PasswordCost = COST): StaffRoster {
  // Verifying an unknown name costs as much as a known one, so timing does not tell which names exist.
  let decoy: Promise<string> | null = null;

  return {
    async add(name, password) {
      if (!STAFF_NAME.test(name)) throw new StaffDirectoryError(`"${name}" is not a staff name: use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit`);
      if ([...password].length < MIN_PASSWORD_LENGTH) throw new StaffDirectoryError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
      if (!store.add(name, await hashPassword(password, cost))) throw new StaffDirectoryError(`there is already a staff member named ${name}`);
    },

    list: () => store.list().map(({ name, disabled, createdAt }) => ({ name, disabled, createdAt })),

    disable: (name) => store.disable(name),

    enabledName: (name) => store.enabledName(name),

    async verify(name, password) {
      const member = store.find(name);
      decoy ??= hashPassword(randomBytes(16).toString('hex'), cost);
      const matches = await passwordMatches(password, member?.passwordHash ?? (await decoy));
      return matches && member !== null && !member.disabled;
    },

    async ensureFirstAdmin() {
      if (store.list().length > 0) return null;
      const password = randomBytes(18).toString('base64url');
      return store.addFirst(FIRST_ADMIN, await hashPassword(password, cost)) ? password : null;
    },
  };
}

/** `scrypt$N$r$p$<salt>$<hash>`, salt and hash in base64. */
async function hashPassword(password: string, cost: PasswordCost): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_BYTES, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('not a scrypt password hash');
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const expected = Buffer.from(parts[5], 'base64');
  const actual = await derive(password, Buffer.from(parts[4], 'base64'), expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, length: number, cost: PasswordCost): Promise<Buffer> {
  // The same password typed on two keyboards may arrive composed differently (é as one or two code points).
  const normalized = password.normalize('NFC');
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly that for our cost, so leave room.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scrypt(normalized, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}
