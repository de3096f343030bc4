import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplates } from '../src/check-templates';
import { inThreadRenderer } from '../src/documents/receipt-renderer';
import { FakeClock } from './support/fake-clock';

const SHIPPED = join(__dirname, '..', 'templates');

/** A copy of the shipped templates with one change made to it. */
function templatesWith(change: (dir: string) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cancel-desk-templates-')), 'templates');
  cpSync(SHIPPED, dir, { recursive: true });
  change(dir);
  return dir;
}

function edit(file: string, replace: (text: string) => string): void {
  writeFileSync(file, replace(readFileSync(file, 'utf8')));
}

const check = (templatesDir: string) =>
  checkTemplates({ templatesDir, mailFrom: { name: 'Support', address: 'support@example.test' }, timeZone: 'Asia/Shanghai', workingDays: 3, organisation: { name: 'Example Mobile', supportEmail: 'support@example.test', logo: null }, renderReceipt: inThreadRenderer().render }, new FakeClock('2026-12-01T09:00:00Z'));

it('passes the shipped templates', async () => {
  expect(await check(SHIPPED)).toEqual({ ok: true });
});

it('names a mail template with an unknown placeholder, on one line', async () => {
  const dir = templatesWith((dir) => edit(join(dir, 'mail', 'decision-rejected.zh.txt'), (text) => `${text}\n{refrence}\n`));
  const checked = await check(dir);
  expect(checked.ok || checked.problem.startsWith(`${join(dir, 'mail', 'decision-rejected.zh.txt')}: no value for {refrence} in "`)).toBe(true);
  expect(checked.ok || checked.problem).not.toContain('\n');
});

it('names a missing mail template', async () => {
  const dir = templatesWith((dir) => rmSync(join(dir, 'mail', 'triage-reply.en.txt')));
  expect(await check(dir)).toEqual({ ok: false, problem: `${join(dir, 'mail', 'triage-reply.en.txt')}: cannot read (ENOENT)` });
});

it('names a mail template without its Subject line', async () => {
  const dir = templatesWith((dir) => edit(join(dir, 'mail', 'decision-closed.en.txt'), (text) => text.replace(/^Subject:/, 'Subjcet:')));
  expect(await check(dir)).toEqual({ ok: false, problem: expect.stringMatching(/decision-closed\.en\.txt: must start with a "Subject:" line/) });
});

it('names receipt wording that is not JSON', async () => {
  const dir = templatesWith((dir) => appendFileSync(join(dir, 'receipt.zh.json'), ','));
  expect(await check(dir)).toEqual({ ok: false, problem: expect.stringMatching(/^\S*receipt\.zh\.json: .*JSON/) });
});

it('names receipt wording that breaks its schema, on one line', async () => {
  const dir = templatesWith((dir) => edit(join(dir, 'receipt.en.json'), (text) => text.replace('"Sent from"', '"Sent from {sender}"').replace('"Reason"', '""')));
  const checked = await check(dir);
  expect(checked).toEqual({ ok: false, problem: expect.stringMatching(/receipt\.en\.json: .*labels\.sender: takes no \{placeholders\}/) });
  expect(checked.ok || checked.problem).not.toContain('\n');
});

it('names a console page that uses a partial that is not there', async () => {
  const dir = templatesWith((dir) => edit(join(dir, 'web', 'triage.html'), (text) => `{{> sidebar}}\n${text}`));
  expect(await check(dir)).toEqual({ ok: false, problem: `${join(dir, 'web', 'triage.html')}: no partial sidebar (${join(dir, 'web', 'partials', 'sidebar.html')})` });
});

it('names a console page that would print unescaped data', async () => {
  const dir = templatesWith((dir) => edit(join(dir, 'web', 'login.html'), (text) => `${text}{{{error}}}`));
  expect(await check(dir)).toEqual({ ok: false, problem: expect.stringMatching(/web\/login\.html: unescaped output/) });
});
