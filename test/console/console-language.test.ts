import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { languageFromHeader } from '../../src/console/console-strings';
import { loadViews } from '../../src/console/views';
import { FIXTURE, PASSWORD, startConsoleHarness, TEMPLATES, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

const CHINESE_BROWSER = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const ENGLISH_BROWSER = { 'accept-language': 'en-GB,en;q=0.9' };

let console_: ConsoleHarness;
beforeAll(async () => {
  console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
});
afterAll(() => console_.close());

async function signedIn(name: string, headers: Record<string, string>): Promise<Visitor> {
  const visitor = new Visitor(console_.web, '127.0.0.1', headers);
  const response = await visitor.signIn(name, PASSWORD);
  if (response.statusCode !== 303) throw new Error(`${name} could not sign in: ${response.statusCode}`);
  return visitor;
}

const reference = () => console_.references[FIXTURE.image];

/** Every key of a strings file, as `a.b.c`. */
function keysOf(file: string): string[] {
  const walk = (node: Record<string, unknown>, prefix: string): string[] =>
    Object.entries(node).flatMap(([name, child]) => (typeof child === 'string' ? [`${prefix}${name}`] : walk(child as Record<string, unknown>, `${prefix}${name}.`)));
  return walk(JSON.parse(readFileSync(join(TEMPLATES, file), 'utf8')) as Record<string, unknown>, '').sort();
}

/** A copy of the console's templates to break one thing in. */
function templatesCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cancel-desk-strings-'));
  mkdirSync(join(dir, 'partials'));
  for (const file of readdirSync(TEMPLATES).filter((name) => /\.(html|json)$/.test(name))) copyFileSync(join(TEMPLATES, file), join(dir, file));
  for (const file of readdirSync(join(TEMPLATES, 'partials'))) copyFileSync(join(TEMPLATES, 'partials', file), join(dir, 'partials', file));
  return dir;
}

function withoutKey(dir: string, file: string, path: string[]): void {
  const strings = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  let node = strings;
  for (const name of path.slice(0, -1)) node = node[name] as Record<string, unknown>;
  delete node[path[path.length - 1]];
  writeFileSync(join(dir, file), JSON.stringify(strings));
}

describe('choosing the language', () => {
  it.each([
    ['zh', 'zh'],
    ['zh-CN', 'zh'],
    ['zh-Hans-CN', 'zh'],
    ['zh-TW', 'zh'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['fr-FR,zh;q=0.5,en;q=0.4', 'zh'],
    ['de,fr', 'en'],
    ['zh;q=0,en', 'en'],
    ['', 'en'],
  ])('reads Accept-Language %j as %s', (header, language) => {
    expect(languageFromHeader(header)).toBe(language);
  });

  it('shows the sign-in page in Chinese to a browser that asks for Chinese, and in English otherwise', async () => {
    const chinese = await new Visitor(console_.web, '127.0.0.1', CHINESE_BROWSER).get('/login');
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(chinese.body).toContain('<h1>员工登录</h1>');
    const english = await new Visitor(console_.web, '127.0.0.1', ENGLISH_BROWSER).get('/login');
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('<h1>Staff sign-in</h1>');
  });

  it('shows the queue and a request in Chinese to a member whose browser asks for Chinese, until they choose', async () => {
    const alice = await signedIn('alice', CHINESE_BROWSER);
    const queue = await alice.get('/requests');
    expect(queue.body).toContain('<html lang="zh-CN">');
    expect(queue.body).toContain('<span class="tab-label">待审核</span>');
    expect(queue.body).toContain('<th scope="col">编号</th>');
    const request = await alice.get(`/requests/${reference()}`);
    expect(request.body).toContain('<h2 id="checks-title">预检查</h2>');
    expect(request.body).toContain('<h2 id="decision-title">决定</h2>');
    expect(request.body).not.toContain('Pre-checks');
    // What each check found, too: "no account directory imported" in the staff member's words.
    expect(request.body).toContain('尚未导入账号名录');
    expect(request.body).not.toContain('no account directory imported');
  });

  it('keeps the switched language over the browser’s, across sign-ins, on the page the member was on', async () => {
    const bob = await signedIn('bob', CHINESE_BROWSER);
    const switched = await bob.post('/language', { _csrf: bob.csrf!, language: 'en', next: `/requests/${reference()}` });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe(`/requests/${reference()}`);
    expect(console_.harness.app.staff.member('bob')?.language).toBe('en');
    expect((await bob.get(`/requests/${reference()}`)).body).toContain('<h2 id="checks-title">Pre-checks</h2>');

    const again = await signedIn('bob', CHINESE_BROWSER);
    const queue = await again.get('/requests');
    expect(queue.body).toContain('<html lang="en">');
    expect(queue.body).toContain('<span class="tab-label">Pending review</span>');

    await again.post('/language', { _csrf: again.csrf!, language: 'zh', next: '/requests' });
    const fromEnglishBrowser = await signedIn('bob', ENGLISH_BROWSER);
    expect((await fromEnglishBrowser.get('/requests')).body).toContain('<span class="tab-label">待审核</span>');
  });

  it('marks the current language in the switch', async () => {
    const alice = await signedIn('alice', ENGLISH_BROWSER);
    const page = (await alice.get('/requests')).body;
    expect(page).toMatch(/value="en" class="link-button" lang="en" aria-pressed="true">English</);
    expect(page).toMatch(/value="zh" class="link-button" lang="zh-CN">中文</);
  });

  it('refuses a switch without the form’s CSRF token, a language it does not have, and a return to another site', async () => {
    const alice = await signedIn('alice', ENGLISH_BROWSER);
    const before = console_.harness.app.staff.member('alice')?.language ?? null;
    expect((await alice.post('/language', { language: 'zh' })).statusCode).toBe(403);
    expect((await alice.post('/language', { _csrf: alice.csrf!, language: 'fr' })).statusCode).toBe(400);
    expect(console_.harness.app.staff.member('alice')?.language ?? null).toBe(before);
    const away = await alice.post('/language', { _csrf: alice.csrf!, language: 'en', next: 'https://evil.example/requests' });
    expect(away.headers.location).toBe('/requests');
    const slashes = await alice.post('/language', { _csrf: alice.csrf!, language: 'en', next: '//evil.example/requests' });
    expect(slashes.headers.location).toBe('/requests');
  });

  it('lets a member who must change a one-time password switch too', async () => {
    await console_.harness.app.staff.add('carol', PASSWORD, { oneTime: true });
    const carol = await signedIn('carol', ENGLISH_BROWSER);
    const switched = await carol.post('/language', { _csrf: carol.csrf!, language: 'zh', next: '/password' });
    expect(switched.headers.location).toBe('/password');
    expect((await carol.get('/password')).body).toContain('<h1>修改密码</h1>');
  });
});

describe('the string files', () => {
  it('have exactly the same keys in English and Chinese', () => {
    expect(keysOf('strings.zh.json')).toEqual(keysOf('strings.en.json'));
  });

  it('have every key the console’s code names', () => {
    const known = new Set(keysOf('strings.en.json'));
    const families = new Set([...known].map((key) => key.split('.')[0]));
    const dir = join(__dirname, '..', '..', 'src', 'console');
    const named = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z_-]+)+)'/g)].map((match) => ({ file, key: match[1] })))
      .filter(({ key }) => families.has(key.split('.')[0]));
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter(({ key }) => !known.has(key))).toEqual([]);
  });

  it('stop the console from starting when one lacks a key the other has, naming the file and the key', () => {
    const dir = templatesCopy();
    expect(() => loadViews(dir)).not.toThrow();
    withoutKey(dir, 'strings.zh.json', ['queue', 'apply']);
    expect(() => loadViews(dir)).toThrow(`${join(dir, 'strings.zh.json')}: no key queue.apply`);
  });

  it('stop the console from starting when a key the code uses is missing from both', () => {
    const dir = templatesCopy();
    for (const file of ['strings.en.json', 'strings.zh.json']) withoutKey(dir, file, ['status', 'approved']);
    expect(() => loadViews(dir)).toThrow(`${join(dir, 'strings.en.json')}: no key status.approved (used by src/console)`);
  });

  it('stop the console from starting when a template names a key neither has', () => {
    const dir = templatesCopy();
    writeFileSync(join(dir, 'partials', 'extra.html'), '<p>{{t.queue.nothingLikeThis}}</p>');
    expect(() => loadViews(dir)).toThrow(`${join(dir, 'strings.en.json')}: no key queue.nothingLikeThis (used by ${join(dir, 'partials', 'extra.html')})`);
  });

  it('stop the console from starting when a translation drops a placeholder', () => {
    const dir = templatesCopy();
    const zh = JSON.parse(readFileSync(join(dir, 'strings.zh.json'), 'utf8')) as { queue: Record<string, string> };
    zh.queue.pageOf = '第 {page} 页';
    writeFileSync(join(dir, 'strings.zh.json'), JSON.stringify(zh));
    expect(() => loadViews(dir)).toThrow(/strings\.(en|zh)\.json: key queue\.pageOf has placeholders/);
  });
});
