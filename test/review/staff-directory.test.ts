import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startApp, type Harness } from '../support/app-harness';

let harness: Harness;
beforeEach(async () => {
  harness = await startApp();
});
afterEach(() => harness.app.close());

const PASSWORD = 'correct horse battery staple';

function storedHash(name: string): string {
  const db = new Database(join(harness.dataDir, 'cancel-desk.db'), { readonly: true });
  try {
    return db.prepare('SELECT password_hash FROM staff WHERE name = ?').pluck().get(name) as string;
  } finally {
    db.close();
  }
}

it('signs in a member with their password only', async () => {
  await harness.app.staff.add('alice', PASSWORD);
  expect(await harness.app.staff.verify('alice', PASSWORD)).toBe(true);
  expect(await harness.app.staff.verify('alice', `${PASSWORD}!`)).toBe(false);
  expect(await harness.app.staff.verify('nobody', PASSWORD)).toBe(false);
});

it('stores a salted scrypt hash at production cost, never the password', async () => {
  // The harness hashes cheaply for speed; this test wants the cost production uses.
  harness.app.close();
  harness = await startApp({}, { passwordCost: undefined });
  await harness.app.staff.add('alice', PASSWORD);
  await harness.app.staff.add('bob', PASSWORD);
  expect(storedHash('alice')).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  expect(storedHash('alice')).not.toBe(storedHash('bob'));
  expect(storedHash('alice')).not.toContain(PASSWORD);
});

it('accepts the same password typed in another Unicode composition', async () => {
  await harness.app.staff.add('chloe', 'mot de passe d\u00e9j\u00e0 vu');
  expect(await harness.app.staff.verify('chloe', 'mot de passe de\u0301ja\u0300 vu')).toBe(true);
});

it('refuses a password under 12 characters', async () => {
  await expect(harness.app.staff.add('alice', 'short-pass1')).rejects.toThrow('at least 12 characters');
  expect(harness.app.staff.list()).toEqual([]);
});

it('refuses a second member of the same name, whatever its case', async () => {
  await harness.app.staff.add('alice', PASSWORD);
  await expect(harness.app.staff.add('Alice', PASSWORD)).rejects.toThrow('already a staff member named Alice');
});

it('refuses a name that could pass for markup or a path', async () => {
  await expect(harness.app.staff.add('<b>eve</b>', PASSWORD)).rejects.toThrow('is not a staff name');
  await expect(harness.app.staff.add('../eve', PASSWORD)).rejects.toThrow('is not a staff name');
});

it('lists members by name with when they were added and whether they are disabled', async () => {
  await harness.app.staff.add('bob', PASSWORD);
  await harness.app.staff.add('alice', PASSWORD);
  harness.app.staff.disable('bob');
  const createdAt = harness.clock.now().toISOString();
  expect(harness.app.staff.list()).toEqual([
    { name: 'alice', role: 'staff', disabled: false, mustChangePassword: false, createdAt, language: null },
    { name: 'bob', role: 'staff', disabled: true, mustChangePassword: false, createdAt, language: null },
  ]);
});

it('signs in nobody once disabled, and says so when there is no such member', async () => {
  await harness.app.staff.add('alice', PASSWORD);
  expect(harness.app.staff.disable('alice')).toBe(true);
  expect(await harness.app.staff.verify('alice', PASSWORD)).toBe(false);
  expect(harness.app.staff.disable('nobody')).toBe(false);
});

it('creates one admin with a one-time password on the very first start only', async () => {
  const password = await harness.app.staff.ensureFirstAdmin();
  expect(password).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{24}$/));
  expect(await harness.app.staff.verify('admin', password!)).toBe(true);
  expect(await harness.app.staff.ensureFirstAdmin()).toBeNull();
  expect(harness.app.staff.list().map((member) => [member.name, member.role])).toEqual([['admin', 'admin']]);
});

it('makes the first admin change the one-time password at the first sign-in, as a reset one does', async () => {
  await harness.app.staff.ensureFirstAdmin();
  expect(harness.app.staff.list()).toEqual([expect.objectContaining({ name: 'admin', mustChangePassword: true })]);
});

it('creates no admin when staff already exist', async () => {
  await harness.app.staff.add('alice', PASSWORD);
  expect(await harness.app.staff.ensureFirstAdmin()).toBeNull();
});

it('creates one admin when two processes start for the first time at once', async () => {
  const other = await startApp({}, {}, harness.dataDir);
  try {
    const passwords = await Promise.all([harness.app.staff.ensureFirstAdmin(), other.app.staff.ensureFirstAdmin()]);
    expect(passwords.filter((password) => password !== null)).toHaveLength(1);
    expect(harness.app.staff.list()).toHaveLength(1);
  } finally {
    other.app.close();
  }
});

it('takes names in any script, stored composed (NFC) and found however they are typed', async () => {
  await harness.app.staff.add('李娜', PASSWORD);
  await harness.app.staff.add('Zoe\u0308', PASSWORD);
  await harness.app.staff.add("Mary O'Brien-Li", PASSWORD);
  expect(harness.app.staff.list().map((member) => member.name)).toEqual(["Mary O'Brien-Li", 'Zoë', '李娜']);
  expect(await harness.app.staff.verify('Zo\u00eb', PASSWORD)).toBe(true);
  expect(harness.app.staff.member('Zoe\u0308')!.name).toBe('Zo\u00eb');
  await expect(harness.app.staff.add('Zo\u00eb', PASSWORD)).rejects.toThrow('already a staff member');
});

it('refuses names with a space at either end, control or invisible characters, or over 64 characters', async () => {
  for (const name of [' lina', 'lina ', 'li\u0000na', 'li\u200bna', 'x'.repeat(65), '']) {
    await expect(harness.app.staff.add(name, PASSWORD)).rejects.toThrow('is not a staff name');
  }
  await harness.app.staff.add('字'.repeat(64), PASSWORD);
});

it('resets a password to a one-time one the member must change, which the old password no longer opens', async () => {
  await harness.app.staff.add('alice', PASSWORD);
  const oneTime = await harness.app.staff.resetPassword('alice');
  expect(oneTime).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{24}$/));
  expect(harness.app.staff.member('alice')!.mustChangePassword).toBe(true);
  expect(await harness.app.staff.verify('alice', PASSWORD)).toBe(false);
  expect(await harness.app.staff.verify('alice', oneTime!)).toBe(true);
  expect(await harness.app.staff.resetPassword('nobody')).toBeNull();
});

it('changes a password only with the current one and a new one of 12 characters or more', async () => {
  await harness.app.staff.add('alice', PASSWORD, { oneTime: true });
  expect(await harness.app.staff.changePassword('alice', 'not the password', 'a new password here')).toMatchObject({ ok: false, reason: 'wrong_password' });
  expect(await harness.app.staff.changePassword('alice', PASSWORD, 'too short')).toMatchObject({ ok: false, reason: 'too_short' });
  expect(harness.app.staff.member('alice')!.mustChangePassword).toBe(true);
  expect(await harness.app.staff.changePassword('alice', PASSWORD, 'a new password here')).toEqual({ ok: true });
  expect(harness.app.staff.member('alice')!.mustChangePassword).toBe(false);
  expect(await harness.app.staff.verify('alice', 'a new password here')).toBe(true);
});

it('enables a disabled member again', async () => {
  await harness.app.staff.add('alice', PASSWORD, { role: 'admin' });
  harness.app.staff.disable('alice');
  expect(harness.app.staff.enable('alice')).toBe(true);
  expect(harness.app.staff.member('alice')).toMatchObject({ role: 'admin', disabled: false });
  expect(await harness.app.staff.verify('alice', PASSWORD)).toBe(true);
  expect(harness.app.staff.enable('nobody')).toBe(false);
});
