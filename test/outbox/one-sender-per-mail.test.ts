import { startApp, type Harness } from '../support/app-harness';
import { startAccountSystem } from '../support/account-system';
import { smallPng } from '../support/document-samples';
import { requestMail } from '../support/request-mail';
import { addStaff } from '../support/review';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const MAILS = 20;
let smtp: SmtpSink;
const harnesses: Harness[] = [];

beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.stop());
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.app.close();
  smtp.received.length = 0;
});

/** Two apps on one DATA_DIR, as two processes (the daemon and `poll`, say) would open it. */
async function twoAppsOnOneDataDir(env: Record<string, string> = {}): Promise<[Harness, Harness]> {
  const settings = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', ...env };
  const first = await startApp(settings);
  const second = await startApp(settings, {}, first.dataDir);
  harnesses.push(first, second);
  return [first, second];
}

/** Complete requests (an ID photo each), each acknowledged. */
async function requestsFromDifferentSenders(harness: Harness, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    harness.deliverRaw(`${index}.eml`, requestMail({ from: `customer${index}@example.net`, messageId: `request-${index}@example.net`, idPhoto: smallPng() }));
  }
  await harness.app.drainInbox();
}

const messageIds = () => smtp.received.map((mail) => /^Message-ID: (.*)$/im.exec(mail.raw.toString('latin1'))![1].trim());

it('delivers every mail once when two apps on one DATA_DIR flush the outbox at the same moment', async () => {
  const [first, second] = await twoAppsOnOneDataDir();
  await requestsFromDifferentSenders(first, MAILS);

  const [a, b] = await Promise.all([first.app.flushOutbox(), second.app.flushOutbox()]);

  expect(a.sent + b.sent).toBe(MAILS);
  expect(new Set(messageIds()).size).toBe(MAILS);
  expect(smtp.received).toHaveLength(MAILS);
});

it('leaves a mail another sender has leased alone until the lease runs out, then sends it', async () => {
  const [first, second] = await twoAppsOnOneDataDir();
  await requestsFromDifferentSenders(first, 1);
  // The first app takes the mail and, as far as anyone can tell, is still sending it.
  expect(first.app.outbox.claimDue(1)).toHaveLength(1);

  expect(await second.app.flushOutbox()).toEqual({ sent: 0, sendFailed: 0 });
  second.clock.advance(10 * 60_000);
  expect(await second.app.flushOutbox()).toEqual({ sent: 1, sendFailed: 0 });
  expect(smtp.received).toHaveLength(1);
});

it('gives back the mails it claimed ahead when it stops, so that another sender takes them at once', async () => {
  const [first, second] = await twoAppsOnOneDataDir();
  await requestsFromDifferentSenders(first, 5);

  expect(await first.app.flushOutbox(() => smtp.received.length >= 1)).toEqual({ sent: 1, sendFailed: 0 });

  expect(await second.app.flushOutbox()).toEqual({ sent: 4, sendFailed: 0 });
  expect(new Set(messageIds()).size).toBe(5);
});

it('posts every approval to the account system once when two apps on one DATA_DIR deliver hand-offs at the same moment', async () => {
  const accountSystem = await startAccountSystem([204]);
  try {
    const [first, second] = await twoAppsOnOneDataDir({ ACCOUNT_WEBHOOK_URL: accountSystem.url, ACCOUNT_WEBHOOK_SECRET: 'a shared secret of some length' });
    await requestsFromDifferentSenders(first, 5);
    await addStaff(first, 'alice');
    for (const request of first.app.queue.listRequests()) expect(first.app.review.decide(request.reference, { kind: 'approve', by: 'alice', note: null })).toMatchObject({ ok: true });

    const [a, b] = await Promise.all([first.app.deliverHandoffs(), second.app.deliverHandoffs()]);

    expect(a.delivered + b.delivered).toBe(5);
    expect(new Set(accountSystem.received.map((post) => (JSON.parse(post.body) as { reference: string }).reference)).size).toBe(5);
    expect(accountSystem.received).toHaveLength(5);
  } finally {
    await accountSystem.stop();
  }
});
