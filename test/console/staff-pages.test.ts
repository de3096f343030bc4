import { FIXTURE, hiddenCsrf, PASSWORD, startConsoleHarness, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

const NEW_PASSWORD = 'a longer password of her own';

let console_: ConsoleHarness;
beforeAll(async () => {
  console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
  await console_.harness.app.staff.add('root', PASSWORD, { role: 'admin' });
});
afterAll(() => console_.close());

async function signedIn(name: string, password = PASSWORD, address = '127.0.0.1'): Promise<Visitor> {
  const visitor = new Visitor(console_.web, address);
  const response = await visitor.signIn(name, password);
  if (response.statusCode !== 303) throw new Error(`${name} could not sign in: ${response.statusCode}`);
  return visitor;
}

/** The one-time password on the page an admin's POST answered with. */
function oneTimePassword(html: string): string {
  const match = /id="one-time-password">([^<]+)</.exec(html);
  if (!match) throw new Error('no one-time password on the page');
  return match[1];
}

const member = (name: string) => console_.harness.app.staff.member(name);
const logText = () => JSON.stringify(console_.harness.logs);

describe('the Staff page', () => {
  it('is for admins only: staff get 403 for the page and its forms, and nothing changes', async () => {
    const alice = await signedIn('alice');
    expect((await alice.get('/staff')).statusCode).toBe(403);
    const added = await alice.post('/staff/add', { _csrf: alice.csrf!, name: 'mallory', role: 'admin' });
    const reset = await alice.post('/staff/reset-password', { _csrf: alice.csrf!, name: 'bob' });
    expect([added.statusCode, reset.statusCode]).toEqual([403, 403]);
    expect(added.body).toContain('Only an admin may manage staff.');
    expect(member('mallory')).toBeNull();
    expect((await alice.get('/requests')).body).not.toContain('href="/staff"');
  });

  it('shows admins the link to it, every member with role and state', async () => {
    const root = await signedIn('root');
    expect((await root.get('/requests')).body).toContain('href="/staff"');
    const page = await root.get('/staff');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<td class="member-name">alice<\/td>\s*<td>Staff<\/td>\s*<td>Enabled<\/td>/);
    expect(page.body).toMatch(/<td class="member-name">root <span class="muted">\(you\)<\/span><\/td>\s*<td>Admin<\/td>/);
  });

  it('adds 李娜 with a one-time password shown once and never logged; she must change it before anything else', async () => {
    const root = await signedIn('root');
    const added = await root.post('/staff/add', { _csrf: root.csrf!, name: '李娜', role: 'staff' });
    expect(added.statusCode).toBe(200);
    const password = oneTimePassword(added.body);
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(member('李娜')).toMatchObject({ role: 'staff', mustChangePassword: true, disabled: false });
    expect(logText()).toContain('console_staff_added');
    expect(logText()).not.toContain(password);
    expect((await root.get('/staff')).body).not.toContain(password);

    const lina = new Visitor(console_.web);
    expect((await lina.signIn('李娜', password)).statusCode).toBe(303);
    for (const path of ['/requests', `/requests/${console_.references[FIXTURE.image]}`, '/triage', '/staff']) {
      const response = await lina.get(path);
      expect([path, response.statusCode, response.headers.location]).toEqual([path, 303, '/password']);
    }
    const form = await lina.get('/password');
    expect(form.body).toContain('You signed in with a one-time password.');
    const changed = await lina.post('/password', { _csrf: hiddenCsrf(form.body), current: password, password: NEW_PASSWORD, again: NEW_PASSWORD });
    expect([changed.statusCode, changed.headers.location]).toEqual([303, '/password?done=1']);
    expect(member('李娜')!.mustChangePassword).toBe(false);
    expect((await lina.get('/requests')).statusCode).toBe(200);
    expect((await new Visitor(console_.web).signIn('李娜', password)).statusCode).toBe(401);
  });

  it('refuses a name that is markup, padded with spaces or carries a control character, and a taken name', async () => {
    const root = await signedIn('root');
    for (const name of ['<b>x</b>', ' padded', 'tab\tname', 'a'.repeat(65), '']) {
      const response = await root.post('/staff/add', { _csrf: root.csrf!, name, role: 'admin' });
      expect([name, response.statusCode]).toEqual([name, 400]);
      expect(response.body).toContain('That is not a staff name.');
    }
    const taken = await root.post('/staff/add', { _csrf: root.csrf!, name: 'ALICE', role: 'staff' });
    expect(taken.statusCode).toBe(409);
    expect(console_.harness.app.staff.list().map((entry) => entry.name)).not.toContain('ALICE');
  });

  it('adds an admin when asked, who may then manage staff', async () => {
    const root = await signedIn('root');
    const added = await root.post('/staff/add', { _csrf: root.csrf!, name: 'Zoë', role: 'admin' });
    expect(member('Zoë')!.role).toBe('admin');
    // Typed with a combining diaeresis (NFD), the name is the same person.
    const zoe = new Visitor(console_.web);
    expect((await zoe.signIn('Zoe\u0308', oneTimePassword(added.body))).statusCode).toBe(303);
    expect((await zoe.get('/password')).body).toContain('>Zoë<');
  });

  it('resets a password: the member is signed out, the old password stops working, the new one is one-time', async () => {
    const bob = await signedIn('bob');
    const root = await signedIn('root');
    const reset = await root.post('/staff/reset-password', { _csrf: root.csrf!, name: 'bob' });
    expect(reset.statusCode).toBe(200);
    const password = oneTimePassword(reset.body);
    expect(logText()).not.toContain(password);
    expect((await bob.get('/requests')).headers.location).toBe('/login');
    expect((await new Visitor(console_.web).signIn('bob', PASSWORD)).statusCode).toBe(401);
    const again = new Visitor(console_.web);
    expect((await again.signIn('bob', password)).statusCode).toBe(303);
    expect((await again.get('/requests')).headers.location).toBe('/password');
    await console_.harness.app.staff.setPassword('bob', PASSWORD);
  });

  it('disables a member, who is signed out at once and cannot sign in, and enables them again', async () => {
    const alice = await signedIn('alice');
    const root = await signedIn('root');
    expect((await root.post('/staff/disable', { _csrf: root.csrf!, name: 'alice' })).statusCode).toBe(200);
    expect((await alice.get('/requests')).headers.location).toBe('/login');
    expect((await new Visitor(console_.web).signIn('alice', PASSWORD)).statusCode).toBe(401);
    const enabled = await root.post('/staff/enable', { _csrf: root.csrf!, name: 'alice' });
    expect(enabled.body).toContain('alice is enabled and may sign in again.');
    expect((await new Visitor(console_.web).signIn('alice', PASSWORD)).statusCode).toBe(303);
  });

  it('will not let an admin disable themselves or reset their own password', async () => {
    const root = await signedIn('root');
    for (const action of ['disable', 'reset-password']) {
      const response = await root.post(`/staff/${action}`, { _csrf: root.csrf!, name: 'root' });
      expect(response.statusCode).toBe(400);
    }
    expect(member('root')).toMatchObject({ disabled: false, mustChangePassword: false });
  });

  it('changes nothing for a form without its CSRF token, or for a member that does not exist', async () => {
    const root = await signedIn('root');
    expect((await root.post('/staff/add', { name: 'eve', role: 'admin' })).statusCode).toBe(403);
    expect((await root.post('/staff/disable', { _csrf: `${root.csrf}x`, name: 'bob' })).statusCode).toBe(403);
    expect((await root.post('/staff/disable', { _csrf: root.csrf!, name: 'nobody' })).statusCode).toBe(404);
    expect(member('eve')).toBeNull();
    expect(member('bob')!.disabled).toBe(false);
  });
});

describe('the Password page', () => {
  it('changes the own password with the current one and the new one twice; other sessions end', async () => {
    await console_.harness.app.staff.add('carol', PASSWORD);
    const elsewhere = await signedIn('carol');
    const carol = await signedIn('carol');
    const form = { _csrf: carol.csrf!, current: PASSWORD, password: NEW_PASSWORD, again: NEW_PASSWORD };
    const changed = await carol.post('/password', form);
    expect(changed.statusCode).toBe(303);
    expect((await carol.get('/password?done=1')).body).toContain('Your password is changed.');
    expect((await elsewhere.get('/requests')).headers.location).toBe('/login');
    expect((await new Visitor(console_.web).signIn('carol', PASSWORD)).statusCode).toBe(401);
    expect((await new Visitor(console_.web).signIn('carol', NEW_PASSWORD)).statusCode).toBe(303);
    expect(logText()).not.toContain(NEW_PASSWORD);
  });

  it('refuses a wrong current password, two different new ones and a short one, changing nothing', async () => {
    await console_.harness.app.staff.add('dave', PASSWORD);
    const dave = await signedIn('dave');
    const attempts = [
      { current: 'not my password at all', password: NEW_PASSWORD, again: NEW_PASSWORD, status: 403, says: 'Your current password is not right.' },
      { current: PASSWORD, password: NEW_PASSWORD, again: `${NEW_PASSWORD}!`, status: 400, says: 'The two new passwords differ.' },
      { current: PASSWORD, password: 'short one', again: 'short one', status: 400, says: 'at least 12 characters' },
    ];
    for (const { status, says, ...fields } of attempts) {
      const response = await dave.post('/password', { _csrf: dave.csrf!, ...fields });
      expect([response.statusCode, response.body.includes(says)]).toEqual([status, true]);
    }
    expect((await new Visitor(console_.web).signIn('dave', PASSWORD)).statusCode).toBe(303);
  });

  it('throttles guessing the current password like signing in', async () => {
    await console_.harness.app.staff.add('erin', PASSWORD);
    const erin = await signedIn('erin', PASSWORD, '10.40.0.9');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      statuses.push((await erin.post('/password', { _csrf: erin.csrf!, current: `guess number ${attempt}`, password: NEW_PASSWORD, again: NEW_PASSWORD })).statusCode);
    }
    expect(statuses).toContain(429);
    const blocked = await erin.post('/password', { _csrf: erin.csrf!, current: PASSWORD, password: NEW_PASSWORD, again: NEW_PASSWORD });
    expect(blocked.statusCode).toBe(429);
  });
});
