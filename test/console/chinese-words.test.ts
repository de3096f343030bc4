/**
 * A staff member who reads the console in Chinese reads every word of it in Chinese: refusals (their
 * title and what they say, with the status, the field, the time filled in), the event log's types and
 * detail keys, and the values that are identifiers. Data (references, names, addresses, what staff and
 * customers wrote) stays as it was written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '../../src/queue/event-log';
import { REFUSAL_SAYINGS, refused, saying, type RefusalSaying } from '../../src/review/refusals';
import { refusalText } from '../../src/console/present';
import { CONSOLE_LANGUAGES } from '../../src/console/console-strings';
import { loadViews } from '../../src/console/views';
import { deliverAll, deliverToTriage, FIXTURE, PASSWORD, startConsoleHarness, TEMPLATES, versionOn, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

const CHINESE_BROWSER = { 'accept-language': 'zh-CN,zh;q=0.9' };
const ENGLISH_BROWSER = { 'accept-language': 'en-GB,en;q=0.9' };
const QUESTION = 'r6a-21-zh-qq-triage-how-to-cancel-question-in-subject-and-body';
const strings = loadViews(TEMPLATES).strings;

/** Latin words left once the data a sentence may name (references, the format of a date) are taken out. */
function englishIn(text: string, data: string[] = []): string[] {
  let rest = text.replace(/CR-[A-Z0-9]{8,32}/g, ' ').replace(/YYYY-MM(-DD)?/g, ' ');
  for (const value of data) rest = rest.split(value).join(' ');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

/** The text of an HTML fragment, as a reader sees it. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The event log of a page: each event's type, and its details as key and value. */
function eventLog(html: string): { type: string; details: { key: string; value: string }[] }[] {
  const section = /<section class="card" aria-labelledby="events-title">([\s\S]*?)<\/section>/.exec(html);
  if (!section) throw new Error('no event log on the page');
  return [...section[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item]) => ({
    type: textOf(/<div class="event-type">([\s\S]*?)<\/div>/.exec(item)![1]),
    details: [...item.matchAll(/<dt>([\s\S]*?)<\/dt><dd>([\s\S]*?)<\/dd>/g)].map(([, key, value]) => ({ key: textOf(key), value: textOf(value) })),
  }));
}

/** Detail keys whose values are identifiers the console words, in Chinese. */
const WORDED_KEYS = ['用途', '途径', '字段', '状态变更', '发件人认证', '问题', '依据', '已验证', '决定之后', '已更改'];

describe('the string files', () => {
  it('name every event type the code can record, in both languages', () => {
    for (const language of CONSOLE_LANGUAGES) {
      const t = strings.translate(language);
      expect(EVENT_TYPES.filter((type) => !t.has(`event.${type}`))).toEqual([]);
    }
    const zh = strings.translate('zh');
    expect(EVENT_TYPES.filter((type) => englishIn(zh(`event.${type}`)).length > 0)).toEqual([]);
  });

  it('can trust EVENT_TYPES to be every type: events are written only by the event log, whose append takes nothing else', () => {
    const src = join(__dirname, '..', '..', 'src');
    const writers = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /INSERT\s+(OR\s+\w+\s+)?INTO\s+(request_events|triage_events|\$\{log\.table\})/i.test(readFileSync(join(src, file), 'utf8')));
    expect(writers).toEqual([join('queue', 'event-log.ts')]);
  });

  it('word every refusal the services can give in Chinese, with its values filled in and no English left', () => {
    const zh = strings.translate('zh');
    const values = { reference: 'CR-ABCD2345', id: '17', name: '李娜', field: 'registrationDate', status: 'rejected', settled: 'dismissed', by: '李娜', at: '2026-11-27T09:01:00.000Z', today: '2026-12-03', max: '100' };
    for (const code of Object.keys(REFUSAL_SAYINGS) as RefusalSaying[]) {
      const text = refusalText(zh, refused('not_found', saying(code, values)), 'Asia/Shanghai');
      expect({ code, english: englishIn(text) }).toEqual({ code, english: [] });
      expect({ code, text }).toEqual({ code, text: expect.not.stringMatching(/\{\w+\}/) });
    }
    const standing = refusalText(zh, refused('illegal_transition', saying('cannot_approve', { reference: 'CR-ABCD2345' }), saying('already_decided_by', values)), 'Asia/Shanghai');
    expect(standing).toBe('CR-ABCD2345 无法批准：该申请已由 李娜 于 2026-11-27 17:01 处理为“已拒绝”。');
    expect(refusalText(zh, refused('invalid_value', saying('value_empty', values)), 'Asia/Shanghai')).toBe('更正后的注册日期不能为空。');
  });
});

describe('pages read in Chinese', () => {
  let console_: ConsoleHarness;
  let alice: Visitor;
  let reference: string;
  let unsorted: number;

  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.image] });
    reference = console_.references[FIXTURE.image];
    unsorted = (await deliverToTriage(console_.harness, [QUESTION]))[QUESTION];
    alice = await signedIn('alice', CHINESE_BROWSER);
  });
  afterAll(() => console_.close());

  async function signedIn(name: string, headers: Record<string, string>): Promise<Visitor> {
    const visitor = new Visitor(console_.web, '127.0.0.1', headers);
    if ((await visitor.signIn(name, PASSWORD)).statusCode !== 303) throw new Error(`${name} could not sign in`);
    return visitor;
  }

  const version = () => String(console_.harness.app.queue.findRequest(reference)!.version);

  it('word how the sender authenticated, the fields intake found labelled, and who recorded an event, in Chinese', async () => {
    const page = (await alice.get(`/requests/${reference}`)).body;
    expect(page).toContain('<span class="badge auth-pass">通过</span>');
    expect(page).toContain('<dt>邮件标识</dt>');
    const labelled = [...page.matchAll(/<li class="evidence-labelled_field"><strong>[^<]*<\/strong> <span class="mono small">([^<]*)<\/span><\/li>/g)].map((match) => match[1]);
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.filter((field) => englishIn(field).length > 0)).toEqual([]);
    expect(page).toMatch(/<span class="actor">收件处理<\/span>/);
    expect(page).not.toMatch(/<span class="actor">(intake|system)<\/span>/);
  });

  it('say why a decision is refused in Chinese: who decided, how and when', async () => {
    const seen = version();
    expect(console_.harness.app.review.decide(reference, { kind: 'request_info', by: 'bob', message: '请补充身份证背面照片。' }, Number(seen)).ok).toBe(true);
    const late = await alice.post(`/requests/${reference}/reject`, { _csrf: alice.csrf!, version: seen, reason: '重复的申请' });
    expect(late.statusCode).toBe(409);
    const alert = textOf(/<div class="notice notice-error" role="alert">([\s\S]*?)<\/div>/.exec(late.body)![1]);
    expect(alert).toMatch(/^有人先修改了这个申请。/);
    expect(alert).toContain(`您查看期间 ${reference} 已被更改：该申请正在等待客户补充材料（bob 于 `);
    expect(englishIn(alert, ['bob'])).toEqual([]);
  });

  it('say why a correction is refused in Chinese, naming the field', async () => {
    const refused = await alice.post(`/requests/${reference}/edit`, { _csrf: alice.csrf!, version: version(), field: 'registrationDate', value: '2999-01-01' });
    expect(refused.statusCode).toBe(400);
    const alert = textOf(/<div class="notice notice-error" role="alert">([\s\S]*?)<\/div>/.exec(refused.body)![1]);
    expect(alert).toMatch(/注册日期不能晚于今天（\d{4}-\d{2}-\d{2}）。$/);
    expect(englishIn(alert)).toEqual([]);
  });

  it('show every event of a request, its type and each detail key, in Chinese', async () => {
    const post = (action: string, form: Record<string, string>) => alice.post(`/requests/${reference}/${action}`, { _csrf: alice.csrf!, ...form });
    expect((await post('assign', { to: 'me' })).statusCode).toBe(303);
    expect((await post('edit', { version: version(), field: 'username', value: 'tobias_keller' })).statusCode).toBe(303);
    expect((await post('note', { text: '已电话核实。' })).statusCode).toBe(303);
    expect((await post('reply', { message: '我们已收到您的材料。' })).statusCode).toBe(303);
    await console_.harness.app.flushOutbox();
    expect((await alice.get(`/requests/${reference}/documents/1`)).statusCode).toBe(200);

    const page = (await alice.get(`/requests/${reference}`)).body;
    // The desk's own note of the correction, in the conversation, names the field in Chinese too.
    expect(page).toContain('<pre class="mail-text">用户名: tobias_k → tobias_keller</pre>');
    const events = eventLog(page);
    const zh = strings.translate('zh');
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['received', 'info_requested', 'assigned', 'field_corrected', 'note_added', 'replied', 'mail_queued', 'mail_sent', 'document_viewed'].map((type) => zh(`event.${type}`))),
    );
    expect(events.filter((event) => englishIn(event.type).length > 0)).toEqual([]);
    const details = events.flatMap((event) => event.details);
    expect(details.filter((detail) => englishIn(detail.key).length > 0)).toEqual([]);
    expect(details.filter((detail) => WORDED_KEYS.includes(detail.key) && englishIn(detail.value).length > 0)).toEqual([]);
    expect(details).toEqual(expect.arrayContaining([{ key: '字段', value: '用户名' }, { key: '用途', value: '受理回执' }, { key: '途径', value: '网页控制台' }, { key: '内容', value: '请补充身份证背面照片。' }]));
  });

  it('show an unsorted mail’s events in Chinese', async () => {
    const page = await alice.get(`/triage/${unsorted}`);
    const replied = await alice.post(`/triage/${unsorted}/reply`, { _csrf: alice.csrf!, version: /name="version" value="(\d+)"/.exec(page.body)![1], message: '请回复您的用户名。' });
    expect(replied.statusCode).toBe(303);
    const events = eventLog((await alice.get(`/triage/${unsorted}`)).body);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['收到', '已回复', '邮件已排队']));
    const details = events.flatMap((event) => event.details);
    expect(details.filter((detail) => englishIn(detail.key).length > 0)).toEqual([]);
    expect(details.filter((detail) => WORDED_KEYS.includes(detail.key) && englishIn(detail.value).length > 0)).toEqual([]);
  });

  it('answer a request the console cannot read in the browser’s language, before any session is looked at', async () => {
    const undecodable = await console_.web.inject({ method: 'GET', url: '/requests/%E0%A4%A', headers: CHINESE_BROWSER });
    expect([undecodable.statusCode, undecodable.body]).toEqual([400, strings.translate('zh')('message.badRequest')]);
    const json = await console_.web.inject({ method: 'POST', url: '/login', headers: { ...CHINESE_BROWSER, origin: 'http://localhost', host: 'localhost', 'content-type': 'application/json' }, payload: '{"name":"alice"}' });
    expect(json.statusCode).toBe(415);
    expect(json.body).toContain(`<h1>${strings.translate('zh')('message.badRequest')}</h1>`);
  });

  it('keep the English pages in English', async () => {
    const bob = await signedIn('bob', ENGLISH_BROWSER);
    const refused = await bob.post(`/requests/${reference}/approve`, { _csrf: bob.csrf!, version: '1', confirmed: '1' });
    // The correction completed the request: it is back for review, and the form bob sent is older than that.
    expect(textOf(/<div class="notice notice-error" role="alert">([\s\S]*?)<\/div>/.exec(refused.body)![1])).toBe(
      `Someone else changed this request first. ${reference} changed while you were looking at it: the customer has sent more information since; look at it again before deciding.`,
    );
    const events = eventLog((await bob.get(`/requests/${reference}`)).body);
    expect(events.flatMap((event) => event.details)).toEqual(expect.arrayContaining([{ key: 'Field', value: 'Username' }, { key: 'Purpose', value: 'Acknowledgement' }]));
  });

  it('show a rejection and, once retention has removed its documents, the removal in Chinese', async () => {
    const { harness } = console_;
    const rejected = (await deliverAll(harness, [FIXTURE.pdf]))[FIXTURE.pdf];
    const page = await alice.get(`/requests/${rejected}`);
    expect((await alice.post(`/requests/${rejected}/reject`, { _csrf: alice.csrf!, version: versionOn(page.body), reason: '证件属于他人。' })).statusCode).toBe(303);
    harness.clock.advance((harness.app.config.retention.days + 1) * 24 * 60 * 60 * 1000);
    expect((await harness.app.purgeExpired(false)).requests).toContain(rejected);

    // A month on, the session has long ended: alice signs in again.
    alice = await signedIn('alice', CHINESE_BROWSER);
    const events = eventLog((await alice.get(`/requests/${rejected}`)).body);
    expect(events.find((event) => event.type === '已拒绝')?.details).toEqual([{ key: '原因', value: '证件属于他人。' }]);
    expect(events.find((event) => event.type === '证件已删除（保留期满）')?.details.map((detail) => detail.key)).toEqual(['证件数', '保留天数']);
    expect(events.filter((event) => englishIn(event.type).length > 0 || event.details.some((detail) => englishIn(detail.key).length > 0))).toEqual([]);
  });
});
