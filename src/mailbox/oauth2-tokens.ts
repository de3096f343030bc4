import type { Clock } from '../clock';
import { scrubText, type Logger } from '../log';

/**
 * How the desk gets an OAuth2 access token for its mailbox (MAIL_AUTH): the client-credentials grant
 * (Microsoft 365, an app registration with a secret) or a refresh token (Google, consent given once).
 */
export type OAuth2Grant =
  | { grant: 'client_credentials'; tokenUrl: string; clientId: string; clientSecret: string; scope: string }
  | { grant: 'refresh_token'; tokenUrl: string; clientId: string; clientSecret: string | null; refreshToken: string; scope: string | null };

/** Access tokens for XOAUTH2 sign-ins over IMAP and SMTP, fetched when needed and kept in memory only. */
export interface AccessTokens {
  /** A token valid for at least the refresh margin (or, while the endpoint fails, the old one until it expires). */
  current(): Promise<string>;
  /** The server refused this token (revoked early): the next current() fetches a new one. */
  discard(token: string): void;
  /** Whether the last attempt to get a token failed, for the health check. */
  failing(): boolean;
}

export type TokenFailureReason = 'token_endpoint_unreachable' | 'token_refused' | 'token_response_invalid';

/** No access token to sign in with: the mailbox cannot be opened until the endpoint answers again. */
export class MailTokenError extends Error {
  override readonly name = 'MailTokenError';
  readonly code = 'MailTokenFailed';
  constructor(
    readonly reason: TokenFailureReason,
    detail: string,
    readonly retryAt: Date,
  ) {
    super(`no OAuth2 access token for the mailbox (${reason}: ${detail}); next attempt at ${retryAt.toISOString()}`);
  }
}

export type TokenAnswer = { ok: true; accessToken: string; expiresInMs: number } | { ok: false; reason: TokenFailureReason; detail: string };

/** Refreshing this long before expiry leaves a slow sign-in or a long cycle time to finish on the same token. */
const REFRESH_EARLY_MS = 5 * 60 * 1000;
/** Waits before asking the token endpoint again after a failure: the first, doubling up to the cap. */
const BACKOFF = { firstDelayMs: 5_000, maxDelayMs: 15 * 60 * 1000 };
/** Both providers always say; a token without `expires_in` is taken to live an hour, their usual lifetime. */
const ASSUMED_LIFETIME_MS = 60 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 15_000;

/** The form posted to the token endpoint (RFC 6749 §4.4 and §6). */
export function tokenRequestBody(grant: OAuth2Grant): URLSearchParams {
  const form = new URLSearchParams({ grant_type: grant.grant, client_id: grant.clientId });
  if (grant.clientSecret !== null) form.set('client_secret', grant.clientSecret);
  if (grant.grant === 'refresh_token') form.set('refresh_token', grant.refreshToken);
  if (grant.scope !== null) form.set('scope', grant.scope);
  return form;
}

/** Reads a token endpoint's answer. The detail quotes the OAuth2 error code and description, which carry no secret. */
export function readTokenAnswer(status: number, body: string): TokenAnswer {
  let json: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    // an HTML error page from a proxy, most often
  }
  if (status < 200 || status > 299) {
    const error = typeof json?.error === 'string' ? json.error : null;
    const description = typeof json?.error_description === 'string' ? json.error_description : null;
    const said = [error, description].filter((part) => part !== null).join(': ');
    return { ok: false, reason: 'token_refused', detail: `HTTP ${status}${said ? ` ${scrubText(said).slice(0, 300)}` : ''}` };
  }
  if (json === null || typeof json.access_token !== 'string' || json.access_token === '') {
    return { ok: false, reason: 'token_response_invalid', detail: `HTTP ${status} without an access_token` };
  }
  const expiresIn = Number(json.expires_in);
  return { ok: true, accessToken: json.access_token, expiresInMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : ASSUMED_LIFETIME_MS };
}

export interface AccessTokenDeps {
  grant: OAuth2Grant;
  clock: Clock;
  log: Logger;
}

/**
 * One token cached in memory and renewed REFRESH_EARLY_MS before it expires. A failed renewal is
 * logged once (repeats at debug, the recovery at info) and not tried again before the backoff has
 * passed, however often a poll, the IDLE watch or the outbox asks: they get the old token while it
 * is still valid, a MailTokenError after that.
 */
export function createAccessTokens(deps: AccessTokenDeps): AccessTokens {
  const { grant, clock, log } = deps;
  // Only the origin and path: a token URL could carry a query, and logs are no place for guesses.
  const endpoint = (() => {
    const url = new URL(grant.tokenUrl);
    return `${url.origin}${url.pathname}`;
  })();
  let cached: { token: string; expiresAt: number } | null = null;
  let failures = 0;
  let lastError: MailTokenError | null = null;
  let inFlight: Promise<string> | null = null;

  const ask = async (): Promise<TokenAnswer> => {
    let response: Response;
    try {
      response = await fetch(grant.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: tokenRequestBody(grant),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, reason: 'token_endpoint_unreachable', detail: cause?.code ?? cause?.message ?? (error as Error).message };
    }
    try {
      return readTokenAnswer(response.status, await response.text());
    } catch (error) {
      return { ok: false, reason: 'token_endpoint_unreachable', detail: (error as Error).message };
    }
  };

  const renew = async (): Promise<string> => {
    const answer = await ask();
    const now = clock.now().getTime();
    if (answer.ok) {
      cached = { token: answer.accessToken, expiresAt: now + answer.expiresInMs };
      if (failures > 0) log.info('mail_token_recovered', { tokenUrl: endpoint, failedAttempts: failures });
      else log.debug('mail_token_fetched', { tokenUrl: endpoint, expiresInS: Math.round(answer.expiresInMs / 1000) });
      failures = 0;
      lastError = null;
      return answer.accessToken;
    }
    const retryInMs = Math.min(BACKOFF.maxDelayMs, BACKOFF.firstDelayMs * 2 ** failures);
    failures++;
    lastError = new MailTokenError(answer.reason, answer.detail, new Date(now + retryInMs));
    const fields = { tokenUrl: endpoint, grant: grant.grant, reason: answer.reason, detail: answer.detail, failedAttempts: failures, retryInMs };
    if (failures === 1) {
      log.error('mail_token_failed', { ...fields, advice: 'check OAUTH_* (client id, secret, tenant or refresh token) and that the app may use the mailbox; retried with backoff' });
    } else {
      log.debug('mail_token_failed_again', fields);
    }
    if (cached && now < cached.expiresAt) return cached.token;
    throw lastError;
  };

  return {
    current() {
      const now = clock.now().getTime();
      if (cached && now < cached.expiresAt - REFRESH_EARLY_MS) return Promise.resolve(cached.token);
      if (lastError && now < lastError.retryAt.getTime()) {
        return cached && now < cached.expiresAt ? Promise.resolve(cached.token) : Promise.reject(lastError);
      }
      inFlight ??= renew().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    discard(token) {
      if (cached?.token === token) cached = null;
    },
    failing: () => lastError !== null,
  };
}
