import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

const IMAP_PASSWORD = 'imap-pa55word-that-must-stay-secret';
const VAULT_KEY = Buffer.alloc(32, 7).toString('base64');
const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';

function envFile(lines: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cancel-desk-config-')), 'cancel-desk.env');
  writeFileSync(file, lines);
  return file;
}

/** The settings `config check` printed, by name: `{ value, origin }`. */
function printed(stdout: string): Record<string, { value: string; origin: string }> {
  return Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]+)=(.*?)\s+# (.+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match![1], { value: match![2], origin: match![3] }]),
  );
}

it('takes settings from the .env file', async () => {
  const file = envFile('MAIL_FROM=Help Desk <help@example.com>\nWEB_PORT=9090\n');
  const run = await runCli(['config', 'check'], { env: { ENV_FILE: file } });
  expect(run.code).toBe(0);
  expect(printed(run.stdout)).toMatchObject({
    MAIL_FROM: { value: 'Help Desk <help@example.com>', origin: file },
    WEB_PORT: { value: '9090', origin: file },
    IMAP_PORT: { value: '993', origin: 'default' },
  });
});

it('lets the environment win over the .env file', async () => {
  const file = envFile('WEB_PORT=9090\n');
  const run = await runCli(['config', 'check'], { env: { ENV_FILE: file, WEB_PORT: '7070' } });
  expect(printed(run.stdout).WEB_PORT).toEqual({ value: '7070', origin: 'environment' });
});

it('runs a real command on the settings of the .env file', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cancel-desk-config-')), 'data-from-env-file');
  const run = await runCli(['poll'], { env: { ENV_FILE: envFile(`DATA_DIR=${dataDir}\n`) } });
  expect(run.code).toBe(0);
  expect(existsSync(join(dataDir, 'cancel-desk.db'))).toBe(true);
});

it('exits 78 naming every invalid setting, from the file and the environment alike', async () => {
  const file = envFile('MAX_MIME_DEPTH=deep\nMAIL_FROM=not an address\nACCOUNT_WEBHOOK_URL=https://accounts.example.com/hook\n');
  const run = await runCli(['config', 'check'], { env: { ENV_FILE: file, POLL_SCHEDULE: 'often' } });
  expect(run.code).toBe(78);
  const invalid = run.stderr.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim().split(':')[0]);
  expect(invalid.sort()).toEqual(['ACCOUNT_WEBHOOK_SECRET', 'MAIL_FROM', 'MAX_MIME_DEPTH', 'POLL_SCHEDULE']);
});

it('never prints a secret, set or invalid', async () => {
  const file = envFile(
    [
      'IMAP_HOST=imap.example.com',
      'IMAP_USER=support@example.com',
      `IMAP_PASSWORD=${IMAP_PASSWORD}`,
      `VAULT_KEY=${VAULT_KEY}`,
      `ACCOUNT_WEBHOOK_URL=https://hook-user:url-pa55word@accounts.example.com/hook`,
      `ACCOUNT_WEBHOOK_SECRET=${WEBHOOK_SECRET}`,
    ].join('\n'),
  );
  const good = await runCli(['config', 'check'], { env: { ENV_FILE: file, SMTP_HOST: 'smtp.example.com', SMTP_PASSWORD: 'smtp-pa55word' } });
  const bad = await runCli(['config', 'check'], { env: { ENV_FILE: file, VAULT_KEY: 'too-short-vault-key-value', WEB_PORT: 'x' } });
  expect(good.code).toBe(0);
  expect(bad.code).toBe(78);
  const everything = [good.stdout, good.stderr, bad.stdout, bad.stderr].join('\n');
  for (const secret of [IMAP_PASSWORD, VAULT_KEY, WEBHOOK_SECRET, 'url-pa55word', 'smtp-pa55word', 'too-short-vault-key-value']) expect(everything).not.toContain(secret);
  expect(printed(good.stdout)).toMatchObject({
    IMAP_PASSWORD: { value: '********' },
    SMTP_PASSWORD: { value: '********' },
    ACCOUNT_WEBHOOK_URL: { value: 'https://********@accounts.example.com/hook' },
    IMAP_USER: { value: 'support@example.com' },
  });
});

it('shows the OAuth2 token endpoint, which is an address and no secret', async () => {
  const run = await runCli(['config', 'check'], {
    env: { MAIL_AUTH: 'oauth2-client-credentials', OAUTH_TOKEN_URL: 'https://login.example.com/tenant/oauth2/v2.0/token', OAUTH_CLIENT_ID: 'desk', OAUTH_CLIENT_SECRET: 'client-s3cret-value' },
  });
  expect(run.stdout).not.toContain('client-s3cret-value');
  expect(printed(run.stdout)).toMatchObject({ OAUTH_TOKEN_URL: { value: 'https://login.example.com/tenant/oauth2/v2.0/token' }, OAUTH_CLIENT_SECRET: { value: '********' } });
});

it('refuses to start any command when the file ENV_FILE names is missing', async () => {
  const run = await runCli(['queue', 'list'], { env: { ENV_FILE: '/nonexistent/cancel-desk.env' } });
  expect(run.code).toBe(78);
  expect(run.stderr).toMatch(/ENV_FILE: cannot read \/nonexistent\/cancel-desk\.env/);
});
