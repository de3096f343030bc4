import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { StaffRow, StaffStore } from '../queue/staff';
import type { StaffDirectory, StaffMember } from './review-service';

/** A name or password the directory refuses: the face shows the message, nothing is stored. */
export class StaffDirectoryError extends Error {}

/** The contract's directory, plus the check the CLI makes before recording a view under a staff name. */
export interface StaffRoster extends StaffDirectory {
  /** The member's name as added (names compare case-insensitively), when enabled; else null. */
  enabledName(name: string): string | null;
}

/** scrypt's cost parameters; each hash records its own, so changing them locks nobody out. */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

const MIN_PASSWORD_LENGTH = 12;
const FIRST_ADMIN = 'admin';
const MAX_NAME_LENGTH = 64;
/**
 * Names end up in event logs, on the CLI and in the console: letters of any script and digits, joined
 * by spaces, apostrophes, dots, dashes or underscores (李娜, Zoë, Mary O'Brien, j.doe), never markup,
 * a path, a control or format character, or a space at either end.
 */
const STAFF_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N} '’._-]*[\p{L}\p{M}\p{N}'’._-])?$/u;

/**
 * OWASP's scrypt setting with 32 MiB per hash (N=2^15, r=8, p=3) rather than the 128 MiB of N=2^17:
 * the same work, but several sign-ins at once stay affordable on a small machine.
 */
export const PRODUCTION_COST: PasswordCost = { N: 2 ** 15, r: 8, p: 3 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** A typed name as the directory stores it (NFC), or why it is no staff name. */
export function staffName(typed: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = typed.normalize('NFC');
  const length = [...name].length;
  if (length >= 1 && length <= MAX_NAME_LENGTH && STAFF_NAME.test(name)) return { ok: true, name };
  return { ok: false, message: `"${typed.replace(/\p{C}/gu, '?')}" is not a staff name: use 1 to ${MAX_NAME_LENGTH} letters or digits, which spaces, apostrophes, dots, dashes or underscores may join` };
}

export function createStaffDirectory(store: StaffStore, cost: PasswordCost = PRODUCTION_COST): StaffRoster {
  // Verifying an unknown name costs as much as a known one, so timing does not tell which names exist.
  let decoy: Promise<string> | null = null;
  const hash = (password: string) => hashPassword(password, cost);
  const checkedLength = (password: string) => {
    if ([...password].length < MIN_PASSWORD_LENGTH) throw new StaffDirectoryError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    return password;
  };
  const verify = async (name: string, password: string) => {
    const member = store.find(name);
    decoy ??= hash(randomBytes(16).toString('hex'));
    const matches = await passwordMatches(password, member?.passwordHash ?? (await decoy));
    return matches && member !== null && !member.disabled;
  };
  const oneTimePassword = () => randomBytes(18).toString('base64url');

  return {
    async add(typed, password, options = {}) {
      const name = staffName(typed);
      if (!name.ok) throw new StaffDirectoryError(name.message);
      const hashed = await hash(checkedLength(password));
      if (!store.add(name.name, hashed, options.role ?? 'staff', options.oneTime ?? false)) throw new StaffDirectoryError(`there is already a staff member named ${name.name}`);
    },

    list: () => store.list().map(publicMember),

    member(name) {
      const found = store.find(name);
      return found ? publicMember(found) : null;
    },

    disable: (name) => store.disable(name),

    enable: (name) => store.enable(name),

    setLanguage: (name, language) => store.setLanguage(name, language),

    enabledName: (name) => store.enabledName(name),

    async setPassword(name, password) {
      return store.setPassword(name, await hash(checkedLength(password)), false);
    },

    async resetPassword(name) {
      if (store.find(name) === null) return null;
      const password = oneTimePassword();
      return store.setPassword(name, await hash(password), true) ? password : null;
    },

    async changePassword(name, current, next) {
      if ([...next].length < MIN_PASSWORD_LENGTH) return { ok: false, reason: 'too_short', message: `the new password must have at least ${MIN_PASSWORD_LENGTH} characters` };
      if (!(await verify(name, current))) return { ok: false, reason: 'wrong_password', message: 'the current password is not right' };
      if (!store.setPassword(name, await hash(next), false)) return { ok: false, reason: 'unknown_staff', message: `${name} is not a staff member` };
      return { ok: true };
    },

    oneTimePassword,

    verify,

    async ensureFirstAdmin() {
      if (store.list().length > 0) return null;
      const password = oneTimePassword();
      return store.addFirst(FIRST_ADMIN, await hash(password)) ? password : null;
    },
  };
}

function publicMember({ name, role, disabled, mustChangePassword, createdAt, language }: StaffRow): StaffMember {
  return { name, role, disabled, mustChangePassword, createdAt, language };
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
