import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadViews } from '../../src/console/views';
import { contentDisposition, SECURITY_HEADERS } from '../../src/console/web-security';
import { deliverAll, FIXTURE, hiddenCsrf, OWN_ORIGIN, PASSWORD, recordCrafted, startConsoleHarness, TEMPLATES, versionOn, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'";

function expectSecurityHeaders(response: { headers: Record<string, unknown> }) {
  expect(response.headers['content-security-policy']).toBe(CSP);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('same-origin');
}

describe('an anonymous visitor', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
  });
  afterAll(() => console_.close());

  it('gets the sign-in page and static assets, and nothing else', async () => {
    const visitor = new Visitor(console_.web);
    expect((await visitor.get('/login')).statusCode).toBe(200);
    const css = await visitor.get('/static/console.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const url of ['/', '/requests', '/requests?status=all&q=keller', '/logout', '/nonsense', '/static/..%2Fcancel-desk.db', '/static/..%2F..%2Fpackage.json']) {
      const response = await visitor.get(url);
      if (url.startsWith('/static/')) expect(response.statusCode).toBe(404);
      else {
        expect(response.statusCode).toBe(303);
        expect(response.headers.location).toMatch(/^\/login/);
      }
    }
  });

  it('is answered the same for a request that exists and one that does not, and learns nothing from either', async () => {
    const visitor = new Visitor(console_.web);
    const existing = console_.references[FIXTURE.image];
    const missing = 'CR-ZZZZZZZZZZ';
    const request = console_.harness.app.queue.findRequest(existing)!;
    for (const path of ['', '/documents/1', '/documents/9']) {
      const a = await visitor.get(`/requests/${existing}${path}`);
      const b = await visitor.get(`/requests/${missing}${path}`);
      expect(a.statusCode).toBe(303);
      expect([b.statusCode, b.headers.location, b.body]).toEqual([a.statusCode, String(a.headers.location).replace(existing, missing), a.body.replace(existing, missing)]);
      expect(a.body).not.toContain(request.email);
    }
    for (const action of ['approve', 'reject', 'request-info']) {
      const a = await visitor.post(`/requests/${existing}/${action}`, { version: '1', reason: 'x', message: 'x' });
      const b = await visitor.post(`/requests/${missing}/${action}`, { version: '1', reason: 'x', message: 'x' });
      expect(a.statusCode).toBe(303);
      expect([b.statusCode, b.headers.location, b.body]).toEqual([a.statusCode, a.headers.location, a.body]);
    }
    expect(console_.harness.app.queue.findRequest(existing)!.status).toBe('pending_review');
    expect(console_.harness.app.review.review(existing)!.request.events.map((event) => event.type)).not.toContain('document_viewed');
  });

  it('is sent back to the page it asked for after signing in, but never to another site', async () => {
    const visitor = new Visitor(console_.web);
    const reference = console_.references[FIXTURE.image];
    const asked = await visitor.get(`/requests/${reference}`);
    expect(asked.headers.location).toBe(`/login?next=${encodeURIComponent(`/requests/${reference}`)}`);
    const form = await visitor.get(String(asked.headers.location));
    const signedIn = await visitor.post('/login', { _csrf: hiddenCsrf(form.body), name: 'alice', password: PASSWORD, next: `/requests/${reference}` });
    expect(signedIn.headers.location).toBe(`/requests/${reference}`);

    const other = new Visitor(console_.web);
    const otherForm = await other.get('/login');
    const elsewhere = await other.post('/login', { _csrf: hiddenCsrf(otherForm.body), name: 'alice', password: PASSWORD, next: '//evil.example/requests' });
    expect(elsewhere.headers.location).toBe('/requests');
  });
});

describe('security headers', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
  });
  afterAll(() => console_.close());

  it('are on every response: pages, redirects, static files, documents, refusals and errors', async () => {
    const anonymous = new Visitor(console_.web);
    const staff = new Visitor(console_.web);
    await staff.signIn('alice', PASSWORD);
    const reference = console_.references[FIXTURE.image];
    const responses = [
      await anonymous.get('/login'),
      await anonymous.get('/requests'),
      await anonymous.get('/static/console.css'),
      await anonymous.get('/static/favicon.svg'),
      await anonymous.get('/static/missing.css'),
      await staff.get('/requests'),
      await staff.get(`/requests/${reference}`),
      await staff.get(`/requests/${reference}/documents/1`),
      await staff.get('/requests/CR-ZZZZZZZZZZ'),
      await staff.get('/no/such/page'),
      await staff.post(`/requests/${reference}/approve`, { version: '1' }),
      await console_.web.inject({ method: 'POST', url: '/login', headers: { origin: OWN_ORIGIN, 'content-type': 'application/json' }, payload: '{"name":"alice"}' }),
      await console_.web.inject({ method: 'GET', url: '/requests/%E0%A4%A' }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([200, 303, 200, 200, 404, 200, 200, 200, 404, 404, 403, 415, 400]);
    for (const response of responses) expectSecurityHeaders(response);
    for (const response of responses.filter((candidate) => !String(candidate.headers['content-type']).startsWith('text/css') && !String(candidate.headers['content-type']).startsWith('image/svg'))) {
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('are on an unexpected error too, which shows nothing of it', async () => {
    const staff = new Visitor(console_.web);
    await staff.signIn('alice', PASSWORD);
    const list = jest.spyOn(console_.harness.app.review, 'list').mockImplementation(() => {
      throw new Error('injected: the queue is gone');
    });
    try {
      const response = await staff.get('/requests');
      expect(response.statusCode).toBe(500);
      expectSecurityHeaders(response);
      expect(response.body).not.toContain('injected');
      expect(console_.harness.logs).toContainEqual(expect.objectContaining({ event: 'console_error', error: 'injected: the queue is gone' }));
    } finally {
      list.mockRestore();
    }
  });

  it('leave no inline script or style anywhere in the templates', () => {
    const files = [...readdirSync(TEMPLATES).filter((file) => file.endsWith('.html')), ...readdirSync(join(TEMPLATES, 'partials')).map((file) => `partials/${file}`)];
    for (const file of files) {
      const template = readFileSync(join(TEMPLATES, file), 'utf8');
      expect(template).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=|javascript:/i);
    }
    expect(SECURITY_HEADERS['content-security-policy']).toBe(CSP);
  });
});

describe('sign-in, sessions and sign-out', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
  });
  afterAll(() => console_.close());

  it('sets an HttpOnly, SameSite=Strict session cookie and keeps only a hash of its token', async () => {
    const visitor = new Visitor(console_.web);
    const response = await visitor.signIn('alice', PASSWORD);
    expect(response.statusCode).toBe(303);
    const setCookie = ([] as string[]).concat(response.headers['set-cookie'] as string | string[]);
    const session = setCookie.find((cookie) => cookie.startsWith('cd_session='))!;
    expect(session).toMatch(/; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(session).not.toContain('Secure');
    const token = visitor.cookie('cd_session')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const database = ['cancel-desk.db', 'cancel-desk.db-wal'].map((file) => {
      try {
        return readFileSync(join(console_.harness.dataDir, file)).toString('latin1');
      } catch {
        return '';
      }
    });
    expect(database.join('')).not.toContain(token);
    expect(database.join('')).toContain(createHash('sha256').update(token).digest('hex'));
    expect(console_.harness.logs).toContainEqual(expect.objectContaining({ event: 'console_signed_in', staff: 'alice' }));
    expect(JSON.stringify(console_.harness.logs)).not.toContain(PASSWORD);
  });

  it('marks the cookie Secure and __Host- when configured', async () => {
    const secure = await startConsoleHarness({ fixtures: [], secureCookie: true });
    try {
      const visitor = new Visitor(secure.web, '127.0.0.1', { origin: 'https://localhost' });
      const response = await visitor.signIn('alice', PASSWORD);
      const setCookie = ([] as string[]).concat(response.headers['set-cookie'] as string | string[]);
      expect(setCookie.find((cookie) => cookie.startsWith('__Host-cd_session='))).toMatch(/; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/);
      expect((await visitor.get('/requests')).statusCode).toBe(200);
    } finally {
      await secure.close();
    }
  });

  it('refuses a wrong password and an unknown name alike, and a sign-in form without its token', async () => {
    const visitor = new Visitor(console_.web, '10.0.0.1');
    const wrong = await visitor.signIn('alice', 'not the password');
    const unknown = await visitor.signIn('mallory', 'not the password');
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.body).toContain('Wrong name or password.');
    const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/id="name" name="name" value="[^"]*"/, '');
    expect(strip(unknown.body)).toBe(strip(wrong.body));
    const form = await visitor.get('/login');
    expect((await visitor.post('/login', { name: 'alice', password: PASSWORD })).statusCode).toBe(403);
    expect((await visitor.post('/login', { _csrf: `${hiddenCsrf(form.body)}x`, name: 'alice', password: PASSWORD })).statusCode).toBe(403);
    expect(visitor.cookie('cd_session')).toBeUndefined();
  });

  it('ends a session when it expires, on sign-out, and when the account is disabled', async () => {
    const visitor = new Visitor(console_.web, '10.0.0.2');
    await visitor.signIn('alice', PASSWORD);
    const token = visitor.cookie('cd_session')!;
    // In use every 20 minutes, so never idle, it still ends at its absolute lifetime of 12 hours.
    for (let step = 1; step <= 35; step++) {
      console_.harness.clock.advance(20 * 60_000);
      expect((await visitor.get('/requests')).statusCode).toBe(200);
    }
    console_.harness.clock.advance(19 * 60_000);
    expect((await visitor.get('/requests')).statusCode).toBe(200);
    console_.harness.clock.advance(60_000);
    expect((await visitor.get('/requests')).statusCode).toBe(303);

    await visitor.signIn('alice', PASSWORD);
    expect(visitor.cookie('cd_session')).not.toBe(token);
    const confirm = await visitor.get('/logout');
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('action="/logout"');
    const signedOut = await visitor.post('/logout', { _csrf: visitor.csrf! });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/login?signed_out=1');
    expect(visitor.cookie('cd_session')).toBeUndefined();
    const replayed = await console_.web.inject({ method: 'GET', url: '/requests', headers: { cookie: `cd_session=${token}` } });
    expect(replayed.statusCode).toBe(303);

    const bob = new Visitor(console_.web, '10.0.0.3');
    await bob.signIn('bob', PASSWORD);
    expect((await bob.get('/requests')).statusCode).toBe(200);
    console_.harness.app.staff.disable('bob');
    expect((await bob.get('/requests')).statusCode).toBe(303);
  });

  it('does not sign out without the CSRF token', async () => {
    const visitor = new Visitor(console_.web, '10.0.0.4');
    await visitor.signIn('alice', PASSWORD);
    expect((await visitor.post('/logout', {})).statusCode).toBe(403);
    expect((await visitor.get('/requests')).statusCode).toBe(200);
  });
});

describe('CSRF protection of decisions', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
  });
  afterAll(() => console_.close());

  it('refuses a decision with a missing, wrong or another session’s token with 403, and changes nothing', async () => {
    const alice = new Visitor(console_.web, '10.3.0.1');
    const bob = new Visitor(console_.web, '10.3.0.2');
    await alice.signIn('alice', PASSWORD);
    await bob.signIn('bob', PASSWORD);
    const reference = console_.references[FIXTURE.image];
    const version = versionOn((await alice.get(`/requests/${reference}`)).body);
    const attempts = [
      await alice.post(`/requests/${reference}/approve`, { version }),
      await alice.post(`/requests/${reference}/approve`, { version, _csrf: '' }),
      await alice.post(`/requests/${reference}/approve`, { version, _csrf: `${alice.csrf}x` }),
      await alice.post(`/requests/${reference}/reject`, { version, reason: 'no', _csrf: bob.csrf! }),
      await alice.post(`/requests/${reference}/request-info`, { version, message: 'more', _csrf: 'A'.repeat(43) }),
    ];
    expect(attempts.map((response) => response.statusCode)).toEqual([403, 403, 403, 403, 403]);
    expect(attempts[0].body).toContain('This form has expired');
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('pending_review');
    expect(console_.harness.logs.filter((line) => line.event === 'console_csrf_refused')).toHaveLength(5);
  });
});

describe('the queue page', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ pageSize: 2 });
    console_.harness.clock.advance((3 * 24 + 4) * 60 * 60 * 1000 + 5 * 60_000);
  });
  afterAll(() => console_.close());

  const rows = (html: string) => [...html.matchAll(/<a class="ref" href="\/requests\/(CR-[A-Z0-9]+)">/g)].map((match) => match[1]);

  it('shows pending requests oldest first, paginated, with counts per status and how long each has waited', async () => {
    const visitor = new Visitor(console_.web);
    await visitor.signIn('alice', PASSWORD);
    const first = await visitor.get('/requests');
    const pending = [FIXTURE.image, FIXTURE.pdf, FIXTURE.chinese].map((fixture) => console_.references[fixture]);
    expect(rows(first.body)).toEqual(pending.slice(0, 2));
    expect(first.body).toContain('Page 1 of 2');
    expect(first.body).toMatch(/Pending review<\/span> <span class="tab-count">3</);
    expect(first.body).toMatch(/Needs info<\/span> <span class="tab-count">2</);
    expect(first.body).toMatch(/All<\/span> <span class="tab-count">5</);
    expect(first.body).toContain('3 d 4 h');
    const second = await visitor.get('/requests?status=pending_review&page=2');
    expect(rows(second.body)).toEqual(pending.slice(2));
    expect(second.body).toContain('rel="prev"');
  });

  it('filters by status and by check result, and searches by reference, email and username', async () => {
    const visitor = new Visitor(console_.web);
    await visitor.signIn('alice', PASSWORD);
    const needsInfo = await visitor.get('/requests?status=needs_info');
    expect(rows(needsInfo.body).sort()).toEqual([console_.references[FIXTURE.needsInfo], console_.references[FIXTURE.disguised]].sort());
    const failing = await visitor.get('/requests?status=all&check=needs_closer_review');
    expect(rows(failing.body)).toContain(console_.references[FIXTURE.disguised]);
    const clear = await visitor.get('/requests?status=all&check=clear');
    expect(rows(clear.body)).not.toContain(console_.references[FIXTURE.disguised]);

    const byEmail = await visitor.get('/requests?status=all&q=KELLER-family');
    expect(rows(byEmail.body)).toEqual([console_.references[FIXTURE.image]]);
    const byUsername = await visitor.get('/requests?status=all&q=hexin_1024');
    expect(rows(byUsername.body)).toEqual([console_.references[FIXTURE.chinese]]);
    const reference = console_.references[FIXTURE.pdf];
    const byReference = await visitor.get(`/requests?status=all&q=${reference.slice(3, 9).toLowerCase()}`);
    expect(rows(byReference.body)).toEqual([reference]);
    const nothing = await visitor.get('/requests?status=all&q=%3Cscript%3Enobody');
    expect(nothing.body).toContain('No requests match');
    expect(nothing.body).not.toContain('<script>nobody');
    expect(nothing.body).toContain('&lt;script&gt;nobody');
  });
});

describe('a short search with more than 1,000 matches', () => {
  let console_: ConsoleHarness;
  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [] });
    for (let index = 0; index < 1010; index++) {
      await recordCrafted(console_.harness, {
        username: `xa_${index}`,
        subject: 'Please close my account',
        bodyText: 'Please close my account.',
        filename: 'id.png',
        content: Buffer.from('recorded as a valid image'),
        contentType: 'image/png',
      });
    }
  }, 60_000);
  afterAll(() => console_.close());

  it('says more than 1,000 match and leads on page by page to the last full one', async () => {
    const visitor = new Visitor(console_.web);
    await visitor.signIn('alice', PASSWORD);

    const first = await visitor.get('/requests?q=xa');
    const twentieth = await visitor.get('/requests?status=pending_review&q=xa&page=20');
    const last = await visitor.get('/requests?status=pending_review&q=xa&page=21');

    expect(first.body).toContain('More than 1000 requests matching “xa”');
    expect(first.body).toContain('Page 1<');
    expect(twentieth.body).toContain('page&#x3D;21" rel="next"');
    expect(last.body).toContain('Page 21<');
    expect(last.body).toContain('rel="prev"');
    expect(last.body).not.toContain('rel="next"');
  });
});

describe('the request page and ID documents', () => {
  let console_: ConsoleHarness;
  let visitor: Visitor;
  beforeAll(async () => {
    console_ = await startConsoleHarness();
    visitor = new Visitor(console_.web);
    await visitor.signIn('alice', PASSWORD);
  });
  afterAll(() => console_.close());

  it('shows all fields, problems, pre-checks, the mail text, documents and the event log', async () => {
    const reference = console_.references[FIXTURE.disguised];
    const page = await visitor.get(`/requests/${reference}`);
    expect(page.statusCode).toBe(200);
    const request = console_.harness.app.queue.findRequest(reference)!;
    expect(page.body).toContain(request.email);
    expect(page.body).toContain(request.fields.username!);
    expect(page.body).toContain('An ID document is not a usable image or PDF');
    expect(page.body).toContain('Pre-checks');
    expect(page.body).toMatch(/class="badge result-fail">Fail</);
    expect(page.body).toContain('<pre class="mail-text">');
    expect(page.body).toContain('passport.html');
    expect(page.body).toContain('Received');
    expect(page.body).toContain('Mail queued');
    // needs_info: no decision form, a clear word instead.
    expect(page.body).not.toContain('/approve"');
    expect(page.body).toContain('Waiting for the customer');
  });

  it('serves an ID document inline with its sniffed type, never cached, and records the view', async () => {
    const reference = console_.references[FIXTURE.image];
    const page = await visitor.get(`/requests/${reference}?document=1`);
    expect(page.body).toContain(`<img src="&#x2F;requests&#x2F;${reference}&#x2F;documents&#x2F;1"`);
    const response = await visitor.get(`/requests/${reference}/documents/1`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.headers['content-disposition']).toBe(`inline; filename="id-card.jpg"; filename*=UTF-8''id-card.jpg`);
    expect(response.headers['cache-control']).toBe('no-store');
    const request = console_.harness.app.queue.findRequest(reference)!;
    expect(response.rawPayload.equals(await console_.harness.app.vault.get(request.idDocuments[0].vaultId))).toBe(true);
    expect(request.events).toContainEqual(expect.objectContaining({ actor: 'alice', type: 'document_viewed', detail: expect.objectContaining({ via: 'web', position: 1 }) }));

    const pdfReference = console_.references[FIXTURE.pdf];
    expect((await visitor.get(`/requests/${pdfReference}?document=1`)).body).toContain(`<iframe src="&#x2F;requests&#x2F;${pdfReference}&#x2F;documents&#x2F;1"`);
    const pdf = await visitor.get(`/requests/${pdfReference}/documents/1`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^inline; /);
    expect((await visitor.get(`/requests/${pdfReference}/documents/2`)).statusCode).toBe(404);
  });

  it('offers anything that is not an image or PDF only as a download, whatever it claims to be', async () => {
    const reference = console_.references[FIXTURE.disguised];
    const contentTypes = [];
    for (const position of [1, 2, 3]) {
      const response = await visitor.get(`/requests/${reference}/documents/${position}`);
      expect(response.headers['content-disposition']).toMatch(/^attachment; /);
      contentTypes.push(response.headers['content-type']);
    }
    expect(contentTypes).toEqual(['application/octet-stream', 'application/octet-stream', 'application/octet-stream']);
    const page = await visitor.get(`/requests/${reference}?document=3`);
    expect(page.body).not.toContain('<iframe');
    expect(page.body).not.toMatch(/<img /);
  });

  it('serves a JPEG header followed by a page as an image that runs nothing, never as a page', async () => {
    const reference = await recordCrafted(console_.harness, {
      username: 'poly_glot',
      subject: 'Close my account',
      bodyText: 'Please close my account.',
      filename: 'passport.html',
      content: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<html><script>alert(1)</script></html>')]),
      contentType: 'image/jpeg',
    });
    const response = await visitor.get(`/requests/${reference}/documents/1`);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expectSecurityHeaders(response);
  });

  it('escapes a username, a subject, a mail text and a file name that carry markup', async () => {
    const reference = await recordCrafted(console_.harness, {
      username: '<img src=x onerror=alert(1)>',
      subject: 'Close <script>alert(2)</script>',
      bodyText: '</pre><script>alert(3)</script>',
      filename: '"><script>alert(4)</script>.png',
      content: readFileSync(join(TEMPLATES, 'static', 'favicon.svg')),
      contentType: 'image/png',
    });
    const page = await visitor.get(`/requests/${reference}`);
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;script&gt;alert(4)&lt;&#x2F;script&gt;.png');
    expect(page.body).toContain('<pre class="mail-text">&lt;&#x2F;pre&gt;&lt;script&gt;alert(3)&lt;&#x2F;script&gt;</pre>');
    const queue = await visitor.get('/requests?status=all&q=crafted');
    expect(queue.body).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(queue.body).not.toContain('<img src=x');
    const document = await visitor.get(`/requests/${reference}/documents/1`);
    // No quote can end the quoted name early; the slash is gone; the full name is percent-encoded.
    expect(document.headers['content-disposition']).toBe(`inline; filename="_><script>alert(4)<_script>.png"; filename*=UTF-8''%22%3E%3Cscript%3Ealert%284%29%3C_script%3E.png`);
  });

  it('writes a safe Content-Disposition for any file name', () => {
    expect(contentDisposition('inline', '身份证 正面.jpg')).toBe(`inline; filename="___ __.jpg"; filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81%20%E6%AD%A3%E9%9D%A2.jpg`);
    expect(contentDisposition('attachment', '..\\..\\windows\\win.ini')).toBe(`attachment; filename="_.._windows_win.ini"; filename*=UTF-8''_.._windows_win.ini`);
    expect(contentDisposition('attachment', 'a\r\nSet-Cookie: x=1;"')).toBe(`attachment; filename="a__Set-Cookie: x=1__"; filename*=UTF-8''a__Set-Cookie%3A%20x%3D1%3B%22`);
    expect(contentDisposition('inline', '')).toBe(`inline; filename="document"; filename*=UTF-8''document`);
  });
});

describe('decisions', () => {
  let console_: ConsoleHarness;
  let alice: Visitor;
  beforeAll(async () => {
    console_ = await startConsoleHarness();
    alice = new Visitor(console_.web);
    await alice.signIn('alice', PASSWORD);
  });
  afterAll(() => console_.close());

  const decide = async (reference: string, action: string, fields: Record<string, string> = {}) => {
    const version = versionOn((await alice.get(`/requests/${reference}`)).body);
    return alice.post(`/requests/${reference}/${action}`, { _csrf: alice.csrf!, version, ...fields });
  };

  it('approves, and refuses deciding twice with a clear message', async () => {
    const reference = console_.references[FIXTURE.image];
    const approved = await decide(reference, 'approve', { note: 'checked by phone', confirmed: '1' });
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe(`/requests/${reference}?done=approve`);
    const after = await alice.get(String(approved.headers.location));
    expect(after.body).toContain('Approved. The customer is told the closure is under way');
    expect(after.body).toContain('Next pending request:');
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('approved');

    expect(after.body).not.toMatch(/action="[^"]*\/(approve|reject|request-info)"/);
    expect(after.body).toContain(`action="/requests/${reference}/close"`);
    const current = String(console_.harness.app.queue.findRequest(reference)!.version);
    const again = await alice.post(`/requests/${reference}/reject`, { _csrf: alice.csrf!, version: current, reason: 'changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toMatch(/role="alert"/);
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('approved');
  });

  it('records the closure of an approved account, and only then queues the confirmation', async () => {
    const reference = console_.references[FIXTURE.image];
    const closed = await decide(reference, 'close', { note: 'closed in billing' });
    expect(closed.statusCode).toBe(303);
    const after = await alice.get(String(closed.headers.location));
    expect(after.body).toContain('Recorded as closed. The closure confirmation to the customer is queued.');
    expect(after.body).toMatch(/Closed at [^<]+\(alice\)/);
    expect(after.body).not.toContain(`action="/requests/${reference}/close"`);
    expect(console_.harness.app.queue.findRequest(reference)).toMatchObject({ status: 'closed', closedBy: 'alice' });
  });

  it('rejects with a reason, and asks for the reason when it is missing', async () => {
    const reference = console_.references[FIXTURE.pdf];
    const missing = await decide(reference, 'reject', { reason: '   ' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Some text is needed.');
    expect(missing.body).toMatch(/<details class="decide-more" open>\s*<summary>Reject/);
    const rejected = await decide(reference, 'reject', { reason: 'The ID document belongs to someone else.' });
    expect(rejected.statusCode).toBe(303);
    const request = console_.harness.app.queue.findRequest(reference)!;
    expect(request.status).toBe('rejected');
    expect(JSON.stringify(request.events)).toContain('The ID document belongs to someone else.');
  });

  it('requests information with a message', async () => {
    const reference = console_.references[FIXTURE.chinese];
    const asked = await decide(reference, 'request-info', { message: '请提供身份证背面照片。' });
    expect(asked.statusCode).toBe(303);
    expect(console_.harness.app.queue.findRequest(reference)!.status).toBe('needs_info');
    const page = await alice.get(String(asked.headers.location));
    expect(page.body).toContain('Information requested.');
  });

  it('tells the loser of two decisions at once that someone else was first', async () => {
    const more = await deliverFresh(console_);
    const page = await alice.get(`/requests/${more}`);
    const version = versionOn(page.body);
    const bob = console_.harness.app.review.decide(more, { kind: 'reject', by: 'bob', reason: 'duplicate' }, Number(version));
    expect(bob.ok).toBe(true);
    const late = await alice.post(`/requests/${more}/approve`, { _csrf: alice.csrf!, version });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('role="alert"');
    expect(console_.harness.app.queue.findRequest(more)!.status).toBe('rejected');
  });
});

describe('templates', () => {
  it('refuse to load when a template would print unescaped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cancel-desk-templates-'));
    mkdirSync(join(dir, 'partials'));
    for (const file of readdirSync(TEMPLATES).filter((name) => name.endsWith('.html') || name.endsWith('.json'))) copyFileSync(join(TEMPLATES, file), join(dir, file));
    for (const file of readdirSync(join(TEMPLATES, 'partials'))) copyFileSync(join(TEMPLATES, 'partials', file), join(dir, 'partials', file));
    expect(() => loadViews(dir)).not.toThrow();
    for (const unsafe of ['{{{bodyText}}}', '{{& bodyText}}', '{{=<% %>=}}']) {
      writeFileSync(join(dir, 'partials', 'extra.html'), `<p>${unsafe}</p>`);
      expect(() => loadViews(dir)).toThrow(/not allowed/);
    }
  });
});

async function deliverFresh(console_: ConsoleHarness): Promise<string> {
  const references = await deliverAll(console_.harness, ['hostile-unknown-charset']);
  return references['hostile-unknown-charset'];
}
