import { FIXTURE, PASSWORD, recordCrafted, startConsoleHarness, versionOn, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

let console_: ConsoleHarness;
let alice: Visitor;
let bob: Visitor;
beforeAll(async () => {
  console_ = await startConsoleHarness({ fixtures: [FIXTURE.image, FIXTURE.pdf] });
  alice = new Visitor(console_.web);
  await alice.signIn('alice', PASSWORD);
  bob = new Visitor(console_.web);
  await bob.signIn('bob', PASSWORD);
});
afterAll(() => console_.close());

const eventsOf = (reference: string) => console_.harness.app.queue.findRequest(reference)!.events.map(({ actor, type, detail }) => ({ actor, type, detail }));

describe('assigning requests', () => {
  it('assigns a request to whoever presses "Assign to me", as an event, and shows the assignee on the page and in the queue', async () => {
    const reference = console_.references[FIXTURE.image];
    expect((await alice.get(`/requests/${reference}`)).body).toContain('Assigned to nobody');
    const assigned = await alice.post(`/requests/${reference}/assign`, { _csrf: alice.csrf!, to: 'me' });
    expect([assigned.statusCode, assigned.headers.location]).toEqual([303, `/requests/${reference}?done=assign`]);
    expect((await alice.get(String(assigned.headers.location))).body).toMatch(/Assigned to <strong>alice<\/strong> \(you\)/);
    expect(eventsOf(reference)).toContainEqual({ actor: 'alice', type: 'assigned', detail: { to: 'alice', from: null } });
    expect((await bob.get('/requests')).body).toMatch(/<td class="assignee">alice<\/td>/);
  });

  it('lists under Mine only the requests assigned to the signed-in member', async () => {
    const [mine, other] = [console_.references[FIXTURE.image], console_.references[FIXTURE.pdf]];
    const alices = await alice.get('/requests?mine=1');
    expect(alices.body).toContain(`/requests/${mine}"`);
    expect(alices.body).not.toContain(`/requests/${other}"`);
    expect(alices.body).toMatch(/tab-mine is-current[^>]*>\s*<span class="tab-label">Mine<\/span> <span class="tab-count">1<\/span>/);
    expect((await bob.get('/requests?mine=1')).body).not.toContain(`/requests/${mine}"`);
  });

  it('takes a request over from a colleague with "Assign to me", and gives it back with "Unassign"', async () => {
    const reference = console_.references[FIXTURE.image];
    await bob.post(`/requests/${reference}/assign`, { _csrf: bob.csrf!, to: 'me' });
    expect(console_.harness.app.queue.findRequest(reference)!.assignedTo).toBe('bob');
    await bob.post(`/requests/${reference}/assign`, { _csrf: bob.csrf!, to: 'nobody' });
    expect(console_.harness.app.queue.findRequest(reference)!.assignedTo).toBeNull();
    expect(eventsOf(reference).slice(-2)).toEqual([
      { actor: 'bob', type: 'assigned', detail: { to: 'bob', from: 'alice' } },
      { actor: 'bob', type: 'unassigned', detail: { to: null, from: 'bob' } },
    ]);
  });

  it('changes nothing for a form without its CSRF token, or one naming someone else', async () => {
    const reference = console_.references[FIXTURE.pdf];
    expect((await alice.post(`/requests/${reference}/assign`, { to: 'me' })).statusCode).toBe(403);
    expect((await alice.post(`/requests/${reference}/assign`, { _csrf: alice.csrf!, to: 'bob' })).statusCode).toBe(404);
    expect(console_.harness.app.queue.findRequest(reference)!.assignedTo).toBeNull();
  });
});

describe('approving a request whose pre-checks did not all pass', () => {
  it('asks first, listing the checks that did not pass, and approves nothing', async () => {
    const reference = console_.references[FIXTURE.pdf];
    const version = versionOn((await alice.get(`/requests/${reference}`)).body);
    const asked = await alice.post(`/requests/${reference}/approve`, { _csrf: alice.csrf!, version, note: 'looked at it' });
    expect(asked.statusCode).toBe(409);
    expect(asked.body).toContain('Approve although not every pre-check passed?');
    expect(asked.body).toMatch(/<ul class="unpassed-checks">[\s\S]*Account found[\s\S]*<\/ul>/);
    expect(asked.body).toMatch(/name="confirmed" value="1"/);
    expect(asked.body).toContain('name="note" value="looked at it"');
    expect(asked.body).toContain('Approve anyway');
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('pending_review');
  });

  it('approves once the confirmation comes back with the same version', async () => {
    const reference = console_.references[FIXTURE.pdf];
    const version = versionOn((await alice.get(`/requests/${reference}`)).body);
    const approved = await alice.post(`/requests/${reference}/approve`, { _csrf: alice.csrf!, version, confirmed: '1' });
    expect(approved.statusCode).toBe(303);
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('approved');
  });

  it('approves at once when every pre-check passed', async () => {
    console_.harness.app.importAccounts(Buffer.from('username,email,registration_date,status\nplain_user,crafted@example.org,2021-03-04,active\n'));
    const reference = await recordCrafted(console_.harness, {
      username: 'plain_user',
      subject: 'Please close my account',
      bodyText: 'Please close my account.',
      filename: 'id.png',
      content: Buffer.from('not really a png, but recorded as valid'),
      contentType: 'image/png',
    });
    const page = await alice.get(`/requests/${reference}`);
    expect(console_.harness.app.review.review(reference)!.checks.every((check) => check.result === 'pass')).toBe(true);
    const approved = await alice.post(`/requests/${reference}/approve`, { _csrf: alice.csrf!, version: versionOn(page.body) });
    expect(approved.statusCode).toBe(303);
  });
});
