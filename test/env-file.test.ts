import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from '../src/env-file';

function folderWith(envFile: string | null): string {
  const folder = mkdtempSync(join(tmpdir(), 'cancel-desk-env-'));
  if (envFile !== null) writeFileSync(join(folder, '.env'), envFile);
  return folder;
}

it('reads .env in the working directory', () => {
  const read = readSettings({}, folderWith('DATA_DIR=/srv/desk\n# a comment\nMAIL_FROM="Support <help@example.com>"\n'));
  expect(read.ok && read.source.values).toEqual({ DATA_DIR: '/srv/desk', MAIL_FROM: 'Support <help@example.com>' });
});

it('lets the process environment win over the file, even with an empty value', () => {
  const read = readSettings({ DATA_DIR: '/from/env', IMAP_HOST: '' }, folderWith('DATA_DIR=/from/file\nIMAP_HOST=imap.example.com\nWEB_PORT=9000\n'));
  expect(read.ok && read.source.values).toEqual({ DATA_DIR: '/from/env', IMAP_HOST: '', WEB_PORT: '9000' });
  expect(read.ok && [...read.source.fromFile]).toEqual(['WEB_PORT']);
});

it('runs on the environment alone when there is no .env file', () => {
  const read = readSettings({ DATA_DIR: '/from/env' }, folderWith(null));
  expect(read).toEqual({ ok: true, source: { values: { DATA_DIR: '/from/env' }, file: null, fromFile: new Set() } });
});

it('reads the file ENV_FILE names instead, relative to the working directory', () => {
  const folder = folderWith('DATA_DIR=/from/dot-env\n');
  writeFileSync(join(folder, 'production.env'), 'DATA_DIR=/from/production\n');
  const read = readSettings({ ENV_FILE: 'production.env' }, folder);
  expect(read.ok && read.source.values.DATA_DIR).toBe('/from/production');
  expect(read.ok && read.source.file).toBe(join(folder, 'production.env'));
});

it('refuses a missing file that ENV_FILE names', () => {
  expect(readSettings({ ENV_FILE: 'missing.env' }, folderWith(null))).toEqual({ ok: false, problem: expect.stringMatching(/^ENV_FILE: cannot read .*missing\.env: ENOENT$/) });
});
