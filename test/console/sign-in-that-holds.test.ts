import { nameHash } from '../../src/queue/sign-in-attempts';
import { FIXTURE, hiddenCsrf, OWN_ORIGIN, PASSWORD, startConsoleHarness, versionOn, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(60_000);

/** Opens one sign-in form per attempt first, then sends every attempt at once, as a scripted attacker would. */
async function signInAllAtOnce(console_: ConsoleHarness, address: string, passwords: string[]): Promise<number[]> {
  const visitors = passwords.map(() => new Visitor(console_.web, address));
  const forms = await Promise.all(visitors.map((visitor) => visitor.get('/login')));
  const answers = await Promise.all(visitors.map((visitor, index) => visitor.post('/login', { _csrf: hiddenCsrf(forms[index].body), name: 'alice', password: passwords[index] })));
  return answers.map((answer) => answer.statusCode);
}

const count = (statuses: number[], status: number) => statuses.filter((candidate) => candidate === status).length;

describe('sign-in throttling', () => {
  let console_: ConsoleHarness;
  beforeEach(async () => {
    console_ = await startConsoleHarness({ fixtures: [] });
  });
  afterEach(() => console_.close());

  it('checks only 5 of 40 wrong passwords for one name sent at once', async () => {
    const statuses = await signInAllAtOnce(console_, '198.51.100.1', Array.from({ length: 40 }, (_, index) => `wrong ${index}`));
    expect([count(statuses, 401), count(statuses, 429)]).toEqual([5, 35]);
  });

  it('does not sign in the right password sent at once behind 29 wrong ones', async () => {
    const statuses = await signInAllAtOnce(console_, '198.51.100.2', [...Array.from({ length: 29 }, (_, index) => `wrong ${index}`), PASSWORD]);
    expect(count(statuses, 401) + count(statuses, 303)).toBe(5);
    expect(statuses.at(-1)).toBe(429);
  });

  it('lets the owner sign in from their own address while another address fails against their name', async () => {
    const attacker = [];
    for (let attempt = 1; attempt <= 6; attempt++) attacker.push((await new Visitor(console_.web, '203.0.113.66').signIn('alice', `guess ${attempt}`)).statusCode);
    expect(attacker).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await new Visitor(console_.web, '10.20.0.1').signIn('alice', PASSWORD)).statusCode).toBe(303);
  });

  it('logs a hash of the name a failed or refused sign-in targeted, never the name', async () => {
    for (let attempt = 1; attempt <= 6; attempt++) await new Visitor(console_.web, '203.0.113.67').signIn('Alice', 'my password typed as a name');
    const lines = console_.harness.logs.filter((line) => ['console_sign_in_failed', 'console_sign_in_refused'].includes(String(line.event)));
    expect(lines.map((line) => line.event)).toEqual([...Array<string>(5).fill('console_sign_in_failed'), 'console_sign_in_refused']);
    for (const line of lines) expect(line).toMatchObject({ nameHash: nameHash('alice'), ip: '203.0.113.67' });
    expect(JSON.stringify(lines).toLowerCase()).not.toContain('alice');
  });

  it('doubles the wait with each further failure for one name from one address, and forgets them on the right password', async () => {
    const visitor = () => new Visitor(console_.web, '198.51.100.3');
    for (let attempt = 1; attempt <= 5; attempt++) expect((await visitor().signIn('alice', 'wrong')).statusCode).toBe(401);
    for (const minutes of [15, 30, 60]) {
      const refused = await visitor().signIn('alice', 'wrong');
      expect(refused.statusCode).toBe(429);
      expect(refused.body).toContain(`Too many failed sign-ins from this computer. Try again after`);
      expect(refused.body).toContain(`(${minutes} min)`);
      console_.harness.clock.advance(minutes * 60_000 - 1);
      expect((await visitor().signIn('alice', PASSWORD)).statusCode).toBe(429);
      console_.harness.clock.advance(1);
      expect((await visitor().signIn('alice', 'wrong')).statusCode).toBe(401);
    }
    console_.harness.clock.advance(120 * 60_000);
    expect((await visitor().signIn('alice', PASSWORD)).statusCode).toBe(303);
    for (let attempt = 1; attempt <= 5; attempt++) expect((await visitor().signIn('alice', 'wrong')).statusCode).toBe(401);
  });

  it('slows a name failed from many addresses to one failure per address, yet checks the owner’s first attempt from a fresh address', async () => {
    for (let address = 1; address <= 4; address++) {
      for (let attempt = 1; attempt <= 5; attempt++) expect((await new Visitor(console_.web, `10.5.0.${address}`).signIn('alice', 'wrong')).statusCode).toBe(401);
    }
    expect((await new Visitor(console_.web, '10.6.0.1').signIn('alice', 'wrong')).statusCode).toBe(401);
    expect((await new Visitor(console_.web, '10.6.0.1').signIn('alice', 'wrong')).statusCode).toBe(429);
    expect(console_.harness.logs).toContainEqual(expect.objectContaining({ event: 'console_sign_in_name_slowed', nameHash: nameHash('alice') }));
    expect((await new Visitor(console_.web, '10.7.0.1').signIn('alice', PASSWORD)).statusCode).toBe(303);
    // Other names are not slowed.
    expect((await new Visitor(console_.web, '10.6.0.2').signIn('bob', 'wrong')).statusCode).toBe(401);
    expect((await new Visitor(console_.web, '10.6.0.2').signIn('bob', 'wrong')).statusCode).toBe(401);
  });

  it('makes one address guessing across many names wait after 20 failures, leaving other addresses free', async () => {
    for (let name = 1; name <= 20; name++) expect((await new Visitor(console_.web, '192.0.2.9').signIn(`staff${name}`, 'guess')).statusCode).toBe(401);
    expect((await new Visitor(console_.web, '192.0.2.9').signIn('alice', PASSWORD)).statusCode).toBe(429);
    expect((await new Visitor(console_.web, '192.0.2.10').signIn('alice', PASSWORD)).statusCode).toBe(303);
  });

  it('forgets failures under the limit after 15 quiet minutes', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) expect((await new Visitor(console_.web, '10.2.0.1').signIn('alice', 'wrong')).statusCode).toBe(401);
    console_.harness.clock.advance(15 * 60_000);
    for (let attempt = 1; attempt <= 5; attempt++) expect((await new Visitor(console_.web, '10.2.0.1').signIn('alice', 'wrong')).statusCode).toBe(401);
    expect((await new Visitor(console_.web, '10.2.0.1').signIn('alice', 'wrong')).statusCode).toBe(429);
  });
});

describe('behind a reverse proxy', () => {
  let console_: ConsoleHarness;
  beforeEach(async () => {
    console_ = await startConsoleHarness({ fixtures: [], env: { WEB_TRUSTED_PROXIES: '127.0.0.1, 10.250.0.0/16' } });
  });
  afterEach(() => console_.close());

  it('throttles the address the trusted proxy saw, however the client fills X-Forwarded-For', async () => {
    const statuses = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const forwarded = `10.99.0.${attempt}, 198.51.100.7`;
      statuses.push((await new Visitor(console_.web, '127.0.0.1', { 'x-forwarded-for': forwarded }).signIn('alice', 'wrong')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(console_.harness.logs.filter((line) => line.event === 'console_sign_in_failed').map((line) => line.ip)).toEqual(Array<string>(5).fill('198.51.100.7'));
    expect((await new Visitor(console_.web, '127.0.0.1', { 'x-forwarded-for': '192.0.2.50' }).signIn('alice', PASSWORD)).statusCode).toBe(303);
  });

  it('skips every trusted proxy in the chain, and no further', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      await new Visitor(console_.web, '127.0.0.1', { 'x-forwarded-for': `10.99.1.${attempt}, 198.51.100.8, 10.250.3.4` }).signIn('alice', 'wrong');
    }
    expect(new Set(console_.harness.logs.filter((line) => line.event === 'console_sign_in_failed').map((line) => line.ip))).toEqual(new Set(['198.51.100.8']));
  });

  it('throttles a client spraying names through the proxy with a new X-Forwarded-For each time', async () => {
    const statuses = [];
    for (let name = 1; name <= 21; name++) {
      const forwarded = `10.99.3.${name}, 198.51.100.9`;
      statuses.push((await new Visitor(console_.web, '10.250.0.1', { 'x-forwarded-for': forwarded }).signIn(`staff${name}`, 'guess')).statusCode);
    }
    expect(statuses).toEqual([...Array<number>(20).fill(401), 429]);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const statuses = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      statuses.push((await new Visitor(console_.web, '203.0.113.5', { 'x-forwarded-for': `10.99.2.${attempt}` }).signIn('alice', 'wrong')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(new Set(console_.harness.logs.filter((line) => line.event === 'console_sign_in_failed').map((line) => line.ip))).toEqual(new Set(['203.0.113.5']));
  });
});

describe('forms from another origin', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
  });
  afterAll(() => console_.close());

  it('refuses a decision posted with another Origin, Origin null, or neither Origin nor Referer, even with the right token', async () => {
    const alice = new Visitor(console_.web, '10.30.0.1');
    await alice.signIn('alice', PASSWORD);
    const reference = console_.references[FIXTURE.image];
    const version = versionOn((await alice.get(`/requests/${reference}`)).body);
    const post = (headers: Record<string, string>) =>
      console_.web.inject({
        method: 'POST',
        url: `/requests/${reference}/approve`,
        remoteAddress: alice.remoteAddress,
        headers: { cookie: alice.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({ version, _csrf: alice.csrf!, confirmed: '1' }).toString(),
      });
    const refused = [
      await post({ origin: 'https://evil.example' }),
      await post({ origin: 'http://localhost.evil.example' }),
      await post({ origin: 'null' }),
      await post({ referer: 'https://evil.example/requests' }),
      await post({}),
    ];
    expect(refused.map((response) => response.statusCode)).toEqual([403, 403, 403, 403, 403]);
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('pending_review');
    expect(console_.harness.logs.filter((line) => line.event === 'console_origin_refused')).toHaveLength(5);

    const fromOurPage = await post({ referer: `${OWN_ORIGIN}/requests/${reference}` });
    expect(fromOurPage.statusCode).toBe(303);
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('approved');
  });

  it('refuses a sign-in form posted from another origin', async () => {
    const visitor = new Visitor(console_.web, '10.30.0.2', { origin: 'https://evil.example' });
    expect((await visitor.signIn('alice', PASSWORD)).statusCode).toBe(403);
    expect(visitor.cookie('cd_session')).toBeUndefined();
  });

  it('takes WEB_PUBLIC_URL as its origin when a proxy in front passes another Host', async () => {
    const proxied = await startConsoleHarness({ fixtures: [], secureCookie: true, env: { WEB_PUBLIC_URL: 'https://console.example.com/' } });
    try {
      const asStaffSeeIt = new Visitor(proxied.web, '127.0.0.1', { host: '127.0.0.1:8080', origin: 'https://console.example.com' });
      expect((await asStaffSeeIt.signIn('alice', PASSWORD)).statusCode).toBe(303);
      const fromHost = new Visitor(proxied.web, '127.0.0.1', { host: '127.0.0.1:8080', origin: 'https://127.0.0.1:8080' });
      expect((await fromHost.signIn('alice', PASSWORD)).statusCode).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});

describe('idle sessions', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [] });
  });
  afterAll(() => console_.close());

  it('end after 30 minutes unused, while one in use goes on', async () => {
    const visitor = new Visitor(console_.web, '10.40.0.1');
    await visitor.signIn('alice', PASSWORD);
    for (let step = 1; step <= 4; step++) {
      console_.harness.clock.advance(30 * 60_000 - 1);
      expect((await visitor.get('/requests')).statusCode).toBe(200);
    }
    console_.harness.clock.advance(30 * 60_000);
    expect((await visitor.get('/requests')).statusCode).toBe(303);
  });
});
