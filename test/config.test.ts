import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

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

it('refuses a vault key that is not 32 bytes', () => {
  expect(() => loadConfig({ VAULT_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/VAULT_KEY/);
});
