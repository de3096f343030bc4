import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CLIENT_ID = 'desk-client';
export const CLIENT_SECRET = 'client-secret-not-for-logs';
export const REFRESH_TOKEN = 'refresh-token-not-for-logs';

export interface TokenRequest {
  grant: string;
  form: Record<string, string>;
}

export interface TokenEndpoint {
  /** POST here for a token (OAUTH_TOKEN_URL). */
  tokenUrl: string;
  /** Dovecot's oauth2 passdb asks here whether a token is good (RFC 7662, POST). */
  introspectionUrl: string;
  /** Every token request, in order. */
  requests: TokenRequest[];
  /** Every token handed out, in order. */
  issued: string[];
  /** `expires_in` of the tokens handed out from now on. */
  lifetimeSeconds: number;
  /** While set, token requests are answered with this status and an OAuth2 error. */
  failWith: number | null;
  /** Whether a token was issued here and not revoked: what introspection answers. */
  accepts(token: string): boolean;
  /** A token introspection no longer accepts (revoked). */
  revoke(token: string): void;
  stop(): Promise<void>;
}

/**
 * A real OAuth2 token endpoint on 127.0.0.1 for the client-credentials and refresh-token grants,
 * issuing tokens for `user` that its introspection endpoint then vouches for.
 */
export async function startTokenEndpoint(user: string): Promise<TokenEndpoint> {
  const valid = new Set<string>();
  const endpoint: Omit<TokenEndpoint, 'tokenUrl' | 'introspectionUrl' | 'stop'> = {
    requests: [],
    issued: [],
    lifetimeSeconds: 3600,
    failWith: null,
    accepts: (token) => valid.has(token),
    revoke: (token) => valid.delete(token),
  };
  const server = createServer((request, response) => {
    void readForm(request).then((form) => {
      const answer = (status: number, body: object) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/introspect') {
        answer(200, endpoint.accepts(form.token) ? { active: true, username: user } : { active: false });
        return;
      }
      endpoint.requests.push({ grant: form.grant_type, form });
      if (endpoint.failWith !== null) {
        answer(endpoint.failWith, { error: 'temporarily_unavailable', error_description: 'the directory is down' });
        return;
      }
      const clientOk = form.client_id === CLIENT_ID && form.client_secret === CLIENT_SECRET;
      const grantOk = form.grant_type === 'client_credentials' || (form.grant_type === 'refresh_token' && form.refresh_token === REFRESH_TOKEN);
      if (!clientOk || !grantOk) {
        answer(400, { error: clientOk ? 'invalid_grant' : 'invalid_client', error_description: 'not a client or grant this endpoint knows' });
        return;
      }
      const token = `access-${endpoint.issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      endpoint.issued.push(token);
      valid.add(token);
      answer(200, { access_token: token, token_type: 'Bearer', expires_in: endpoint.lifetimeSeconds });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    tokenUrl: `http://127.0.0.1:${port}/token`,
    introspectionUrl: `http://127.0.0.1:${port}/introspect`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}
