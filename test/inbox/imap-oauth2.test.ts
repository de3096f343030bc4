import { randomBytes } from 'node:crypto';
import { MailTokenError } from '../../src/mailbox/oauth2-tokens';
import { startApp, type Harness } from '../support/app-harness';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { requestMail } from '../support/request-mail';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, startTokenEndpoint, type TokenEndpoint } from '../support/token-endpoint';

jest.setTimeout(60_000);

const MINUTE = 60_000;
let endpoint: TokenEndpoint;
let dovecot: DovecotServer;
let smtp: SmtpSink;
let harness: Harness | null = null;
const vaultKey = randomBytes(32).toString('base64');
let mails = 0;

beforeAll(async () => {
  endpoint = await startTokenEndpoint('support@example.test');
  [dovecot, smtp] = await Promise.all([
    // Dovecot's oauth2 passdb asks the endpoint's introspection URL about every token it is given.
    startDovecot({ oauth2IntrospectionUrl: endpoint.introspectionUrl }),
    startSmtpSink({ acceptToken: (user, token) => user === 'support@example.test' && endpoint.accepts(token) }),
  ]);
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), smtp?.stop(), endpoint?.stop()]);
});
beforeEach(async () => {
  await dovecot.doveadm('expunge', '-u', dovecot.user, 'mailbox', 'INBOX', 'all').catch(() => '');
  endpoint.requests.length = 0;
  endpoint.failWith = null;
  smtp.received.length = 0;
  smtp.signIns.length = 0;
});
afterEach(() => {
  harness?.app.close();
  harness = null;
});

function env(auth: Record<string, string> = {}): Record<string, string> {
  return {
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: dovecot.user,
    VAULT_KEY: vaultKey,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_USER: dovecot.user,
    MAIL_AUTH: 'oauth2-client-credentials',
    OAUTH_TOKEN_URL: endpoint.tokenUrl,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    ...auth,
  };
}

async function deliverRequest(): Promise<void> {
  mails++;
  await dovecot.append(requestMail({ from: `customer${mails}@example.com`, messageId: `oauth-${mails}@example.com` }));
}

async function start(auth: Record<string, string> = {}): Promise<Harness> {
  harness = await startApp(env(auth));
  return harness;
}

it('reads a request over IMAP and acknowledges it over SMTP, both signed in with an access token (client credentials)', async () => {
  const { app } = await start();
  await deliverRequest();
  expect(await app.drainInbox()).toMatchObject({ queued: 1 });
  expect(await app.flushOutbox()).toMatchObject({ sent: 1 });
  expect(await dovecot.list('INBOX')).toBe(0);
  expect(smtp.received).toHaveLength(1);
  expect(smtp.signIns).toEqual([{ user: 'support@example.test', accessToken: endpoint.issued.at(-1), accepted: true }]);
  // One token for both: the intake and the outbox share the cache.
  expect(endpoint.requests.map((request) => request.grant)).toEqual(['client_credentials']);
  expect(app.health()).toEqual({ status: 'ok' });
});

it('signs in with a token from a refresh token (Google)', async () => {
  const { app } = await start({ MAIL_AUTH: 'oauth2-refresh-token', OAUTH_REFRESH_TOKEN: REFRESH_TOKEN });
  await deliverRequest();
  expect(await app.drainInbox()).toMatchObject({ queued: 1 });
  expect(endpoint.requests.map((request) => request.grant)).toEqual(['refresh_token']);
});

it('renews the token before it expires, on the desk\'s clock, and signs in with the new one', async () => {
  const { app, clock } = await start();
  await app.drainInbox();
  const first = endpoint.issued.at(-1);
  clock.advance(56 * MINUTE);
  await deliverRequest();
  expect(await app.drainInbox()).toMatchObject({ queued: 1 });
  await app.flushOutbox();
  expect(endpoint.requests).toHaveLength(2);
  expect(smtp.signIns.map((signIn) => signIn.accessToken)).toEqual([endpoint.issued.at(-1)]);
  expect(endpoint.issued.at(-1)).not.toBe(first);
});

it('logs a failing token endpoint once, reports it in health and asks again only after the backoff, however often the desk polls', async () => {
  endpoint.failWith = 503;
  const { app, clock, logs } = await start();
  for (let poll = 0; poll < 5; poll++) await expect(app.drainInbox()).rejects.toBeInstanceOf(MailTokenError);
  expect(endpoint.requests).toHaveLength(1);
  expect(logs.filter((line) => line.event === 'mail_token_failed')).toHaveLength(1);
  expect(app.health()).toEqual({ status: 'unhealthy', reasons: ['last_intake_cycle_failed', 'mail_token_failed'] });

  endpoint.failWith = null;
  clock.advance(5_000);
  await deliverRequest();
  expect(await app.drainInbox()).toMatchObject({ queued: 1 });
  expect(endpoint.requests).toHaveLength(2);
  expect(app.health()).toEqual({ status: 'ok' });
  expect(JSON.stringify(logs)).not.toContain(CLIENT_SECRET);
});

it('fetches a new token when the server no longer accepts the cached one', async () => {
  const { app } = await start();
  await app.drainInbox();
  endpoint.revoke(endpoint.issued.at(-1)!);
  await expect(app.drainInbox()).rejects.toThrow(/AUTHENTICATE|authentication/i);
  await deliverRequest();
  expect(await app.drainInbox()).toMatchObject({ queued: 1 });
  expect(endpoint.requests).toHaveLength(2);
});

it('sends with a new token when the SMTP server no longer accepts the cached one', async () => {
  const { app } = await start();
  await deliverRequest();
  await app.drainInbox();
  const revoked = endpoint.issued.at(-1)!;
  endpoint.revoke(revoked);
  expect(await app.flushOutbox()).toMatchObject({ sent: 1 });
  expect(smtp.signIns).toEqual([
    { user: 'support@example.test', accessToken: revoked, accepted: false },
    { user: 'support@example.test', accessToken: endpoint.issued.at(-1), accepted: true },
  ]);
});

it('watches the inbox with IDLE on a connection signed in with the token', async () => {
  const { app } = await start();
  let announced!: () => void;
  const newMail = new Promise<void>((resolve) => (announced = resolve));
  const watch = await app.watchInbox(() => announced());
  try {
    await waitFor(() => harness!.logs.some((line) => line.event === 'imap.watching'));
    await deliverRequest();
    await newMail;
  } finally {
    await watch?.stop();
  }
});

it('keeps the IDLE watch waiting quietly while no token comes, and watches once one does', async () => {
  endpoint.failWith = 503;
  const { app, clock, logs } = await start();
  const watch = await app.watchInbox(() => undefined);
  try {
    await waitFor(() => endpoint.requests.length === 1);
    endpoint.failWith = null;
    clock.advance(5_000);
    await waitFor(() => logs.some((line) => line.event === 'imap.watching'));
  } finally {
    await watch?.stop();
  }
  expect(endpoint.requests).toHaveLength(2);
  expect(logs.filter((line) => line.event === 'mail_token_failed')).toHaveLength(1);
  expect(logs.filter((line) => line.event === 'imap.watch_interrupted')).toEqual([]);
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
