import { FIXTURE, PASSWORD, startConsoleHarness, Visitor, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(30_000);

const CUSTOMER = 'hannah.okafor.93@gmail.com';

describe('the conversation on the request page', () => {
  let console_: ConsoleHarness;
  let alice: Visitor;
  let reference: string;

  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [FIXTURE.pdf] });
    reference = console_.references[FIXTURE.pdf];
    await console_.harness.app.flushOutbox();
    alice = new Visitor(console_.web, '10.9.0.2');
    await alice.signIn('alice', PASSWORD);
  });
  afterAll(() => console_.close());

  /** The customer's follow-up on our acknowledgement, through the real intake. */
  let sent = 0;
  async function followUp(body: string, authentication: string[] = []) {
    sent++;
    const ours = console_.harness.app.queue.findRequest(reference)!.messages.find((message) => message.direction === 'out')!;
    console_.harness.clock.advance(60_000);
    console_.harness.deliverRaw(
      `follow-up-${sent}.eml`,
      [...authentication, `From: ${CUSTOMER}`, 'To: support@example.test', `Subject: Re: ${ours.subject}`, `Message-ID: <follow-up-${sent}@gmail.com>`, `In-Reply-To: ${ours.messageId}`, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'),
    );
    await console_.harness.app.drainInbox();
    await console_.harness.app.flushOutbox();
  }

  it('marks a request with an unread customer reply in the queue, and filters by it', async () => {
    await followUp('Please also refund my balance of 23.50.');
    const queue = await alice.get('/requests?status=all');
    expect(queue.body).toContain('Unread reply');
    const unread = await alice.get('/requests?status=all&unread=1');
    expect(unread.body).toContain(reference);
    expect(unread.body).toMatch(/name="unread" value="1" checked/);
  });

  it('shows every message in time order, the new one marked, and then no longer counts it unread', async () => {
    const page = await alice.get(`/requests/${reference}`);
    const body = page.body;
    const order = ['message-in', 'message-out', 'message-in message-unverified message-new'].map((cls) => body.indexOf(`class="message ${cls}"`));
    expect(order.every((position, index) => position > 0 && (index === 0 || position > order[index - 1]))).toBe(true);
    expect(body).toContain('refund my balance of 23.50');
    expect(body).toContain(`acknowledgement-${reference}.pdf`);
    expect(body).toMatch(/id="latest"/);
    expect(console_.harness.app.queue.findRequest(reference)!.unreadSince).toBeNull();
    expect((await alice.get('/requests?status=all&unread=1')).body).not.toContain(`href="/requests/${reference}"`);
  });

  it('sends a free reply in the thread and shows it, refusing an empty one', async () => {
    const empty = await alice.post(`/requests/${reference}/reply`, { _csrf: alice.csrf!, message: '  ' });
    expect(empty.statusCode).toBe(400);
    const sent = await alice.post(`/requests/${reference}/reply`, { _csrf: alice.csrf!, message: 'We will refund the balance within 7 days.' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/requests/${reference}?done=reply#latest`);
    await console_.harness.app.flushOutbox();
    const page = await alice.get(`/requests/${reference}?done=reply`);
    expect(page.body).toContain('Your reply to the customer is queued');
    expect(page.body).toContain('We will refund the balance within 7 days.');
    expect(console_.harness.app.queue.findRequest(reference)!.messages.at(-1)).toMatchObject({ direction: 'out', subject: `[${reference}] About your account cancellation request` });
  });

  it('adds a note for colleagues, and refuses one without the CSRF token', async () => {
    expect((await alice.post(`/requests/${reference}/note`, { text: 'forged' })).statusCode).toBe(403);
    const added = await alice.post(`/requests/${reference}/note`, { _csrf: alice.csrf!, text: 'Called her back; she confirms.' });
    expect(added.statusCode).toBe(303);
    const page = await alice.get(`/requests/${reference}`);
    expect(page.body).toMatch(/class="message message-note"[\s\S]*Called her back; she confirms\./);
    expect(page.body).not.toContain('forged');
  });

  it('lets staff correct a field on the page, and refuses a date that is none', async () => {
    const page = await alice.get(`/requests/${reference}`);
    const version = /name="version" value="(\d+)"/.exec(page.body)![1];
    const bad = await alice.post(`/requests/${reference}/edit`, { _csrf: alice.csrf!, version, field: 'registrationDate', value: 'spring' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('That value cannot be used.');
    const saved = await alice.post(`/requests/${reference}/edit`, { _csrf: alice.csrf!, version, field: 'reason', value: 'Moving to Lagos.' });
    expect(saved.statusCode).toBe(303);
    const after = await alice.get(`/requests/${reference}?done=edit`);
    expect(after.body).toContain('Corrected.');
    expect(after.body).toContain('Moving to Lagos.');
    expect(console_.harness.app.queue.findRequest(reference)!.events.at(-1)).toMatchObject({ actor: 'alice', type: 'field_corrected', detail: { field: 'reason', to: 'Moving to Lagos.' } });
  });

  it('shows a corrected field old → new', async () => {
    await followUp('Sorry, a typo. Username: hokafor_1993', ['Authentication-Results: mx.example.test; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com']);
    const page = await alice.get(`/requests/${reference}`);
    expect(page.body).toMatch(/Corrected Username: <del>hokafor_93<\/del> → <ins>hokafor_1993<\/ins>/);
  });
});

describe('fields intake was unsure of', () => {
  /** "rafa_souza is my username … registed in 2019 march": both read from sentences, not labels. */
  const PROSE = '01-en-gmail-nonnative-misspelled-acount-value-before-is-my-username-registed-in-2019-march-the-reason-is-jpeg';
  let console_: ConsoleHarness;

  beforeAll(async () => {
    console_ = await startConsoleHarness({ fixtures: [PROSE] });
  });
  afterAll(() => console_.close());

  it('are marked on the request page with why, so staff look at them first', async () => {
    const alice = new Visitor(console_.web, '10.9.0.3');
    await alice.signIn('alice', PASSWORD);
    const page = await alice.get(`/requests/${console_.references[PROSE]}`);
    expect(page.body).toMatch(/<dt>Username<\/dt><dd>[^<]+ <span class="badge result-warn doubt"[^>]*>Check: read from a sentence, not a label<\/span>/);
    expect(page.body).toMatch(/<dt>Registration date<\/dt><dd>[^<]+ <span class="badge result-warn doubt"/);
    expect(page.body).not.toMatch(/<dt>Reason<\/dt><dd class="reason">[^<]*<span class="badge result-warn doubt"/);
  });
});
