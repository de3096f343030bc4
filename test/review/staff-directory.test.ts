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
    { name: 'alice', disabled: false, createdAt },
    { name: 'bob', disabled: true, createdAt },
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
  expect(harness.app.staff.list().map((member) => member.name)).toEqual(['admin']);
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
