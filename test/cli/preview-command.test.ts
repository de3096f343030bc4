import { simpleParser } from 'mailparser';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/cli';
import { pdfText } from '../support/pdf-text';

const scratch = mkdtempSync(join(tmpdir(), 'cancel-desk-preview-'));
const env = { MAIL_FROM: 'Help Desk <help@example.test>', DATA_DIR: join(scratch, 'data') };

async function preview(kind: string, language: string) {
  const out = join(scratch, `${kind}.${language}.eml`);
  const run = await runCli(['preview', kind, '--lang', language, '--out', out], { env });
  return { run, mail: existsSync(out) ? await simpleParser(readFileSync(out)) : null };
}

it('renders the Chinese acknowledgement with its receipt PDF', async () => {
  const { run, mail } = await preview('ack', 'zh');
  expect(run.code).toBe(0);
  expect(mail!.from!.value).toEqual([{ name: 'Help Desk', address: 'help@example.test' }]);
  expect(mail!.subject).toBe('[CR-SAMPLE0001] 我们已收到您的账号注销申请');
  expect(mail!.attachments.map((attachment) => attachment.filename)).toEqual(['acknowledgement-CR-SAMPLE0001.pdf']);
  const receipt = pdfText(mail!.attachments[0].content);
  expect(receipt).toContain('账号注销申请回执');
  expect(receipt).toContain('CR-SAMPLE0001');
});

it('renders the closure confirmation with its PDF', async () => {
  const { mail } = await preview('closed', 'en');
  expect(pdfText(mail!.attachments[0].content)).toContain('Account closure confirmation');
});

it('renders a decision without a PDF, with the staff words in it', async () => {
  const { mail } = await preview('rejected', 'en');
  expect(mail!.attachments).toEqual([]);
  expect(mail!.text).toContain('The name on the ID document does not match the account holder.');
});

it('touches no data', async () => {
  await preview('approved', 'zh');
  expect(existsSync(env.DATA_DIR)).toBe(false);
});

it('refuses an unknown mail or language as a usage error', async () => {
  expect((await preview('welcome', 'en')).run.code).toBe(2);
  expect((await preview('ack', 'fr')).run.code).toBe(2);
});

it('refuses a file it cannot write', async () => {
  const run = await runCli(['preview', 'ack', '--lang', 'en', '--out', scratch], { env });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`cancel-desk: cannot write ${scratch}: EISDIR\n`);
});

it('stops poll before it touches the inbox when a template is broken, naming the file on one line', async () => {
  const templates = join(scratch, 'templates');
  cpSync(join(ROOT, 'templates'), templates, { recursive: true });
  rmSync(join(templates, 'mail', 'decision-info-requested.zh.txt'));
  const run = await runCli(['poll'], { env: { ...env, TEMPLATES_DIR: templates } });
  expect(run.code).toBe(78);
  expect(run.stderr).toBe(`cancel-desk: broken template: ${join(templates, 'mail', 'decision-info-requested.zh.txt')}: cannot read (ENOENT)\n`);
  expect(existsSync(env.DATA_DIR)).toBe(false);
});
