import { deliverToTriage, PASSWORD, startConsoleHarness, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

/** A question about cancelling (如何注销？): staff must see it, nobody answered it automatically. */
const QUESTION = 'r6a-21-zh-qq-triage-how-to-cancel-question-in-subject-and-body';
/** A conditional question with a screenshot attached. */
const WITH_SCREENSHOT = 'r6a-24-zh-foxmail-triage-conditional-balance-question-with-screenshot-png-listed';
/** "Please help with my account": unclear. */
const VAGUE = 'r6a-25-en-iphone-triage-vague-please-help-with-my-account-single-part-qp';

const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)![1];

describe('unsorted mail in the console', () => {
  let console_: ConsoleHarness;
  let ids: Record<string, number>;
  let alice: Visitor;

  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [] });
    ids = await deliverToTriage(console_.harness, [QUESTION, WITH_SCREENSHOT, VAGUE]);
    alice = new Visitor(console_.web, '10.9.0.1');
    await alice.signIn('alice', PASSWORD);
  });
  afterAll(() => console_.close());

  it('counts the waiting mail in the header and lists it oldest first with why it is there', async () => {
    const page = await alice.get('/triage');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Unsorted mail<\/span> <span class="tab-count">3<\/span>/);
    const order = [QUESTION, WITH_SCREENSHOT, VAGUE].map((fixture) => page.body.indexOf(`href="/triage/${ids[fixture]}"`));
    expect(order.every((position, index) => position > 0 && (index === 0 || position > order[index - 1]))).toBe(true);
    expect(page.body).toContain('Asks a question');
  });

  it('shows the mail text, the evidence, what intake read and the attachment, and records a look at it', async () => {
    const id = ids[WITH_SCREENSHOT];
    const page = await alice.get(`/triage/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('余额');
    expect(page.body).toContain('Asks a question');
    // Mustache escapes "/" in attribute values.
    expect(page.body.replace(/&#x2F;/g, '/')).toContain(`/triage/${id}/documents/1`);
    const document = await alice.get(`/triage/${id}/documents/1`);
    expect(document.statusCode).toBe(200);
    expect(document.headers['content-type']).toBe('image/png');
    expect(document.headers['cache-control']).toBe('no-store');
    expect(console_.harness.app.triage.find(id)!.events.map((event) => [event.type, event.actor])).toContainEqual(['document_viewed', 'alice']);
  });

  it('refuses an action without the CSRF token and changes nothing', async () => {
    const id = ids[VAGUE];
    const version = versionOf((await alice.get(`/triage/${id}`)).body);
    const response = await alice.post(`/triage/${id}/dismiss`, { version, reason: 'spam' });
    expect(response.statusCode).toBe(403);
    expect(console_.harness.app.triage.find(id)!.status).toBe('open');
  });

  it('asks for a reason before dismissing, then dismisses and logs who did', async () => {
    const id = ids[VAGUE];
    const version = versionOf((await alice.get(`/triage/${id}`)).body);
    const empty = await alice.post(`/triage/${id}/dismiss`, { _csrf: alice.csrf!, version, reason: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Some text is needed.');
    const done = await alice.post(`/triage/${id}/dismiss`, { _csrf: alice.csrf!, version, reason: 'asked about billing, answered by phone' });
    expect(done.statusCode).toBe(303);
    expect(console_.harness.app.triage.find(id)).toMatchObject({ status: 'dismissed', settledBy: 'alice' });
    expect((await alice.get('/triage')).body).not.toContain(`href="/triage/${id}"`);
  });

  it('sends a staff reply to the sender in their thread, and settles the mail', async () => {
    const id = ids[WITH_SCREENSHOT];
    const version = versionOf((await alice.get(`/triage/${id}`)).body);
    const done = await alice.post(`/triage/${id}/reply`, { _csrf: alice.csrf!, version, message: '注销前余额可以申请退回，请回复您的用户名、注册时间和注销原因，并附上身份证照片。' });
    expect(done.statusCode).toBe(303);
    const item = console_.harness.app.triage.find(id)!;
    expect(item.status).toBe('replied');
    const [mail] = console_.harness.app.outbox.due(10).filter((queued) => queued.purpose === 'triage-reply');
    expect(mail).toMatchObject({ recipient: item.from, inReplyTo: item.messageId });
  });

  it('promotes a question to a request acknowledged like any other, and tells a second staff member it is done', async () => {
    const id = ids[QUESTION];
    const version = versionOf((await alice.get(`/triage/${id}`)).body);
    const promoted = await alice.post(`/triage/${id}/promote`, { _csrf: alice.csrf!, version });
    expect(promoted.statusCode).toBe(303);
    const reference = /^\/requests\/(CR-[A-Z0-9]+)\?promoted=/.exec(String(promoted.headers.location))![1];
    const request = console_.harness.app.queue.findRequest(reference)!;
    expect(request).toMatchObject({ status: 'needs_info', email: console_.harness.app.triage.find(id)!.from });
    expect(request.events.map((event) => event.type)).toEqual(expect.arrayContaining(['received', 'mail_queued']));
    expect((await alice.get(String(promoted.headers.location))).body).toContain(`Promoted from unsorted mail ${id}.`);

    const again = await alice.post(`/triage/${id}/promote`, { _csrf: alice.csrf!, version });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Someone already dealt with this mail.');
    expect(console_.harness.app.queue.listRequests()).toHaveLength(1);
  });
});
