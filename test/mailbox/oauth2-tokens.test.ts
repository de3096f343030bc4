import { createLogger } from '../../src/log';
import { createAccessTokens, MailTokenError, readTokenAnswer, type AccessTokens, type OAuth2Grant } from '../../src/mailbox/oauth2-tokens';
import { FakeClock } from '../support/fake-clock';
import { CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, startTokenEndpoint, type TokenEndpoint } from '../support/token-endpoint';

const MINUTE = 60_000;
let endpoint: TokenEndpoint;

beforeAll(async () => {
  endpoint = await startTokenEndpoint('support@example.test');
});
afterAll(() => endpoint.stop());
beforeEach(() => {
  endpoint.requests.length = 0;
  endpoint.lifetimeSeconds = 3600;
  endpoint.failWith = null;
});

function clientCredentials(): OAuth2Grant {
  return { grant: 'client_credentials', tokenUrl: endpoint.tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scope: 'https://outlook.office365.com/.default' };
}

function tokensFor(grant: OAuth2Grant = clientCredentials()): { tokens: AccessTokens; clock: FakeClock; logs: Record<string, unknown>[] } {
  const clock = new FakeClock();
  const logs: Record<string, unknown>[] = [];
  const log = createLogger((line) => logs.push(JSON.parse(line) as Record<string, unknown>), clock, 'debug');
  return { tokens: createAccessTokens({ grant, clock, log }), clock, logs };
}

const eventsOf = (logs: Record<string, unknown>[], event: string) => logs.filter((line) => line.event === event);

it('asks for a token with the client-credentials grant, the client id, secret and scope', async () => {
  const { tokens } = tokensFor();
  expect(await tokens.current()).toBe(endpoint.issued.at(-1));
  expect(endpoint.requests).toEqual([
    { grant: 'client_credentials', form: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://outlook.office365.com/.default' } },
  ]);
});

it('asks with the refresh token, and no scope unless one is set', async () => {
  const { tokens } = tokensFor({ grant: 'refresh_token', tokenUrl: endpoint.tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, scope: null });
  expect(await tokens.current()).toBe(endpoint.issued.at(-1));
  expect(endpoint.requests[0].form).toEqual({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN });
});

it('keeps the token in memory: later sign-ins and simultaneous ones do not ask again', async () => {
  const { tokens, clock } = tokensFor();
  const [first, second] = await Promise.all([tokens.current(), tokens.current()]);
  clock.advance(30 * MINUTE);
  expect(await tokens.current()).toBe(first);
  expect(second).toBe(first);
  expect(endpoint.requests).toHaveLength(1);
});

it('renews a token five minutes before it expires', async () => {
  const { tokens, clock } = tokensFor();
  const first = await tokens.current();
  clock.advance(55 * MINUTE - 1000);
  expect(await tokens.current()).toBe(first);
  clock.advance(2000);
  const renewed = await tokens.current();
  expect(renewed).not.toBe(first);
  expect(endpoint.requests).toHaveLength(2);
});

it('logs a failing endpoint once and asks it again only after a wait that doubles, however often a token is wanted', async () => {
  endpoint.failWith = 503;
  const { tokens, clock, logs } = tokensFor();
  const askedAfter = async (advanceMs: number) => {
    clock.advance(advanceMs);
    for (let attempt = 0; attempt < 20; attempt++) await expect(tokens.current()).rejects.toBeInstanceOf(MailTokenError);
    return endpoint.requests.length;
  };
  expect(await askedAfter(0)).toBe(1);
  expect(await askedAfter(4_999)).toBe(1);
  expect(await askedAfter(1)).toBe(2);
  expect(await askedAfter(9_999)).toBe(2);
  expect(await askedAfter(1)).toBe(3);
  expect(await askedAfter(20_000)).toBe(4);
  expect(eventsOf(logs, 'mail_token_failed')).toEqual([
    expect.objectContaining({ level: 'error', reason: 'token_refused', detail: 'HTTP 503 temporarily_unavailable: the directory is down', tokenUrl: endpoint.tokenUrl, retryInMs: 5_000 }),
  ]);
  expect(eventsOf(logs, 'mail_token_failed_again').map((line) => line.retryInMs)).toEqual([10_000, 20_000, 40_000]);
});

it('waits at most a quarter of an hour between attempts', async () => {
  endpoint.failWith = 500;
  const { tokens, clock } = tokensFor();
  for (let attempt = 0; attempt < 12; attempt++) {
    await expect(tokens.current()).rejects.toThrow(MailTokenError);
    clock.advance(15 * MINUTE);
  }
  expect(endpoint.requests).toHaveLength(12);
});

it('says it is failing until a token comes again, and logs the recovery', async () => {
  endpoint.failWith = 401;
  const { tokens, clock, logs } = tokensFor();
  await expect(tokens.current()).rejects.toThrow(/token_refused: HTTP 401/);
  expect(tokens.failing()).toBe(true);
  endpoint.failWith = null;
  clock.advance(5_000);
  await tokens.current();
  expect(tokens.failing()).toBe(false);
  expect(eventsOf(logs, 'mail_token_recovered')).toEqual([expect.objectContaining({ level: 'info', failedAttempts: 1 })]);
});

it('signs in with the old token while renewing it fails, until it expires', async () => {
  const { tokens, clock } = tokensFor();
  const first = await tokens.current();
  endpoint.failWith = 503;
  clock.advance(56 * MINUTE);
  expect(await tokens.current()).toBe(first);
  expect(tokens.failing()).toBe(true);
  clock.advance(4 * MINUTE);
  await expect(tokens.current()).rejects.toThrow(MailTokenError);
});

it('names an endpoint that cannot be reached', async () => {
  const closed = await startTokenEndpoint('support@example.test');
  await closed.stop();
  const { tokens } = tokensFor({ ...clientCredentials(), tokenUrl: closed.tokenUrl });
  await expect(tokens.current()).rejects.toMatchObject({ reason: 'token_endpoint_unreachable', message: expect.stringContaining('ECONNREFUSED') });
});

it('replaces a token the mail server refused at its next use', async () => {
  const { tokens } = tokensFor();
  const refused = await tokens.current();
  tokens.discard(refused);
  expect(await tokens.current()).not.toBe(refused);
});

it('writes neither the secret, the refresh token nor an access token to the log', async () => {
  const { tokens, clock, logs } = tokensFor({ grant: 'refresh_token', tokenUrl: endpoint.tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, scope: null });
  const token = await tokens.current();
  endpoint.failWith = 400;
  clock.advance(60 * MINUTE);
  await expect(tokens.current()).rejects.toThrow(MailTokenError);
  endpoint.failWith = null;
  clock.advance(MINUTE);
  await tokens.current();
  const written = JSON.stringify(logs);
  expect(logs.length).toBeGreaterThanOrEqual(3);
  for (const secret of [CLIENT_SECRET, REFRESH_TOKEN, token, ...endpoint.issued]) expect(written).not.toContain(secret);
});

describe('reading the endpoint\'s answer', () => {
  it('takes the token and its lifetime', () => {
    expect(readTokenAnswer(200, '{"access_token":"abc","expires_in":3599}')).toEqual({ ok: true, accessToken: 'abc', expiresInMs: 3_599_000 });
  });

  it('treats a success without a token as invalid', () => {
    expect(readTokenAnswer(200, '<html>proxy login</html>')).toMatchObject({ ok: false, reason: 'token_response_invalid' });
  });

  it('quotes the OAuth2 error of a refusal, with addresses masked', () => {
    expect(readTokenAnswer(400, '{"error":"invalid_grant","error_description":"token of support@example.com expired"}')).toEqual({
      ok: false,
      reason: 'token_refused',
      detail: 'HTTP 400 invalid_grant: token of su***@example.com expired',
    });
  });
});
