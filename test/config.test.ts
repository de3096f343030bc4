import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadIntakeConfig } from '../src/config';

function envExample(): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of readFileSync(join(__dirname, '..', '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) settings[match[1]] = match[2];
  }
  return settings;
}

it('documents every setting it reads in .env.example', () => {
  const source = readFileSync(join(__dirname, '..', 'src', 'config.ts'), 'utf8');
  const read = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm)].map((match) => match[1]);
  expect(read.filter((name) => !(name in envExample()))).toEqual([]);
});

it('names every setting it reads in the README, with its default', () => {
  const source = readFileSync(join(__dirname, '..', 'src', 'config.ts'), 'utf8');
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const read = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm)].map((match) => match[1]);
  expect(read.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
});

it('runs the embedded default from .env.example as it stands', () => {
  const config = loadConfig(envExample());
  expect({ imap: config.imap, smtp: config.smtp, vaultKey: config.vaultKey, accountWebhook: config.accountWebhook }).toEqual({
    imap: null,
    smtp: null,
    vaultKey: null,
    accountWebhook: null,
  });
});

it('names every invalid setting at once', () => {
  expect(() => loadConfig({ MAX_MIME_DEPTH: 'deep', POLL_SCHEDULE: 'often' })).toThrow(ConfigError);
  expect(() => loadConfig({ MAX_MIME_DEPTH: 'deep', POLL_SCHEDULE: 'often' })).toThrow(/MAX_MIME_DEPTH.*POLL_SCHEDULE|POLL_SCHEDULE.*MAX_MIME_DEPTH/);
});

it('reads the settings parse needs, alone, as the whole configuration reads them', () => {
  const settings = { ...envExample(), TIME_ZONE: 'Asia/Shanghai', MAIL_FROM: 'Help <Help@Example.com>', TRUSTED_AUTHSERV_ID: ' MX.Example.com ', MAX_MIME_DEPTH: '12' };
  const whole = loadConfig(settings);
  expect(loadIntakeConfig(settings)).toEqual({ timeZone: whole.timeZone, intake: whole.intake });
  expect(loadIntakeConfig({})).toEqual({ timeZone: loadConfig({}).timeZone, intake: loadConfig({}).intake });
});

it('names every invalid setting parse needs at once', () => {
  expect(() => loadIntakeConfig({ MAX_MIME_DEPTH: 'deep', TIME_ZONE: 'Mars/Olympus', MAIL_FROM: 'nobody' })).toThrow(ConfigError);
  expect(() => loadIntakeConfig({ MAX_MIME_DEPTH: 'deep', TIME_ZONE: 'Mars/Olympus', MAIL_FROM: 'nobody' })).toThrow(/TIME_ZONE: .*MAIL_FROM: .*MAX_MIME_DEPTH: /);
  expect(() => loadIntakeConfig({ MAX_MESSAGE_BYTES: '0' })).toThrow(/MAX_MESSAGE_BYTES/);
  expect(() => loadIntakeConfig({ MAX_MESSAGE_BYTES: '1.5' })).toThrow(/MAX_MESSAGE_BYTES/);
});

it('reads the settings parse needs whatever the ones it does not need say', () => {
  expect(loadIntakeConfig({ POLL_SCHEDULE: 'often', WEB_PORT: 'x', MAX_MIME_DEPTH: '7' }).intake.limits.maxMimeDepth).toBe(7);
});

it('refuses a vault key that is not 32 bytes', () => {
  expect(() => loadConfig({ VAULT_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/VAULT_KEY/);
});

it('refuses the retired WEB_TRUST_PROXY, pointing to WEB_TRUSTED_PROXIES', () => {
  expect(() => loadConfig({ WEB_TRUST_PROXY: 'true' })).toThrow(/WEB_TRUST_PROXY: .*WEB_TRUSTED_PROXIES/);
  expect(() => loadConfig({ WEB_TRUST_PROXY: 'false' })).toThrow(ConfigError);
});

it('reads WEB_TRUSTED_PROXIES as addresses and CIDR ranges, and refuses anything else', () => {
  expect(loadConfig({ WEB_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).web.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
  expect(loadConfig({}).web.trustedProxies).toEqual([]);
  for (const wrong of ['proxy.example', '10.0.0.0/33', 'loopback', '10.0.0.1/8/8']) expect(() => loadConfig({ WEB_TRUSTED_PROXIES: wrong })).toThrow(/WEB_TRUSTED_PROXIES/);
});

it('refuses a console on a non-loopback address over plain HTTP unless told to allow it', () => {
  for (const host of ['0.0.0.0', '::', '192.0.2.10', 'console.example']) {
    expect(() => loadConfig({ WEB_HOST: host })).toThrow(/WEB_HOST: .*WEB_COOKIE_SECURE=true.*WEB_ALLOW_INSECURE_HTTP=true/);
    expect(loadConfig({ WEB_HOST: host, WEB_COOKIE_SECURE: 'true' }).web.host).toBe(host);
    expect(loadConfig({ WEB_HOST: host, WEB_ALLOW_INSECURE_HTTP: 'true' }).web.host).toBe(host);
  }
  for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost']) expect(loadConfig({ WEB_HOST: host }).web.host).toBe(host);
});

it('ends idle console sessions after WEB_SESSION_IDLE_MINUTES, 30 by default', () => {
  expect(loadConfig({}).web.sessionIdleMs).toBe(30 * 60_000);
  expect(loadConfig({ WEB_SESSION_IDLE_MINUTES: '10' }).web.sessionIdleMs).toBe(10 * 60_000);
});

it('takes the console origin from WEB_PUBLIC_URL, and refuses one that is not an http(s) URL', () => {
  expect(loadConfig({ WEB_PUBLIC_URL: 'https://console.example.com/requests' }).web.publicOrigin).toBe('https://console.example.com');
  expect(loadConfig({}).web.publicOrigin).toBeNull();
  expect(() => loadConfig({ WEB_PUBLIC_URL: 'console.example.com' })).toThrow(/WEB_PUBLIC_URL/);
});

describe('mail sign-in (MAIL_AUTH)', () => {
  const imap = { IMAP_HOST: 'outlook.office365.com', IMAP_USER: 'support@contoso.com', VAULT_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('signs in with passwords by default', () => {
    const config = loadConfig({ ...imap, IMAP_PASSWORD: 'secret' });
    expect({ oauth2: config.oauth2, password: config.imap?.password }).toEqual({ oauth2: null, password: 'secret' });
  });

  it('asks Microsoft 365 for a token with the client credentials of the tenant, for Exchange Online', () => {
    const config = loadConfig({ ...imap, MAIL_AUTH: 'oauth2-client-credentials', OAUTH_TENANT_ID: 'contoso.onmicrosoft.com', OAUTH_CLIENT_ID: 'app', OAUTH_CLIENT_SECRET: 's3cret' });
    expect(config.oauth2).toEqual({
      grant: 'client_credentials',
      tokenUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      clientId: 'app',
      clientSecret: 's3cret',
      scope: 'https://outlook.office365.com/.default',
    });
    expect(config.imap?.password).toBeNull();
  });

  it('asks Google for a token with the refresh token, without a scope unless one is set', () => {
    const config = loadConfig({ ...imap, MAIL_AUTH: 'oauth2-refresh-token', OAUTH_CLIENT_ID: 'app', OAUTH_CLIENT_SECRET: 's3cret', OAUTH_REFRESH_TOKEN: '1//r' });
    expect(config.oauth2).toEqual({ grant: 'refresh_token', tokenUrl: 'https://oauth2.googleapis.com/token', clientId: 'app', clientSecret: 's3cret', refreshToken: '1//r', scope: null });
  });

  it('names every missing OAuth2 setting at once', () => {
    expect(() => loadConfig({ ...imap, MAIL_AUTH: 'oauth2-client-credentials' })).toThrow(/MAIL_AUTH: OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET.*OAUTH_TENANT_ID: is required/);
    expect(() => loadConfig({ ...imap, MAIL_AUTH: 'oauth2-refresh-token', OAUTH_CLIENT_ID: 'app' })).toThrow(/OAUTH_REFRESH_TOKEN: is required/);
    expect(() => loadConfig({ MAIL_AUTH: 'kerberos' })).toThrow(/MAIL_AUTH/);
  });

  it('refuses a token URL that would send the secret over plain HTTP to another machine', () => {
    const oauth = { MAIL_AUTH: 'oauth2-client-credentials', OAUTH_CLIENT_ID: 'app', OAUTH_CLIENT_SECRET: 's3cret' };
    expect(() => loadConfig({ ...oauth, OAUTH_TOKEN_URL: 'http://idp.example.com/token' })).toThrow(/OAUTH_TOKEN_URL: must be https/);
    expect(loadConfig({ ...oauth, OAUTH_TOKEN_URL: 'http://127.0.0.1:8443/token' }).oauth2?.tokenUrl).toBe('http://127.0.0.1:8443/token');
  });
});
