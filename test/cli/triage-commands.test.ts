import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { loadFixture } from '../support/fixtures';
import { polledDataDir, STAFF_PASSWORD } from '../support/review';

jest.setTimeout(60_000);

/** 注销需要哪些材料: a question, with a username in prose. */
const QUESTION = 'r6a-22-zh-126-triage-what-materials-needed-prose-username-relative-age';
/** "If I cancel later, …": a conditional question. */
const CONDITIONAL = 'r6a-23-en-gmail-triage-if-i-cancel-later-balance-question-prose-username';
/** "Please help with my account": unclear. */
const VAGUE = 'r6a-25-en-iphone-triage-vague-please-help-with-my-account-single-part-qp';

let env: Record<string, string>;
let dataDir: string;

beforeAll(async () => {
  ({ env, dataDir } = await polledDataDir([QUESTION, CONDITIONAL, VAGUE]));
  const added = await runCli(['staff', 'add', 'lina', '--password-stdin'], { env, stdin: `${STAFF_PASSWORD}\n` });
  expect(added.code).toBe(0);
});

async function listed(args: string[] = []) {
  const run = await runCli(['triage', 'list', '--json', ...args], { env });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { id: number; from: string; subject: string; receivedAt: string; language: string; evidence: { signal: string }[]; text: string }[];
}

const idOf = async (fixture: string) => (await listed(['--status', 'all'])).find((item) => item.from === loadFixture(fixture).expected.from)!.id;

it('stores questions and unclear mail for staff and sends nobody an automatic reply', async () => {
  const items = await listed();
  expect(items.map((item) => item.from).sort()).toEqual([QUESTION, CONDITIONAL, VAGUE].map((fixture) => loadFixture(fixture).expected.from).sort());
  const outgoing = join(dataDir, 'outgoing');
  expect(existsSync(outgoing) ? readdirSync(outgoing) : []).toEqual([]);
});

it('triage list --json gives id, sender, subject, time, language, evidence and text', async () => {
  const [item] = await listed();
  expect(Object.keys(item)).toEqual(expect.arrayContaining(['id', 'from', 'subject', 'receivedAt', 'language', 'evidence', 'text']));
  const question = (await listed()).find((entry) => entry.from === loadFixture(QUESTION).expected.from)!;
  expect(question).toMatchObject({ language: 'zh' });
  expect(question.evidence.map((entry) => entry.signal)).toContain('question');
  expect(question.text).toContain('材料');
});

it('triage list without --json prints a header row and one line per mail', async () => {
  const run = await runCli(['triage', 'list'], { env });
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('ID\tSTATUS\tRECEIVED\tFROM\tSUBJECT\tEVIDENCE');
  expect(lines.length).toBeGreaterThanOrEqual(2);
});

it('triage show prints the mail with its evidence, as text or JSON, and refuses an unknown id', async () => {
  const id = await idOf(QUESTION);
  const text = await runCli(['triage', 'show', String(id)], { env });
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`Mail ${id} (open)`);
  expect(text.stdout).toMatch(/Evidence: .*question/);
  const json = JSON.parse((await runCli(['triage', 'show', String(id), '--json'], { env })).stdout) as { fields: { username: string }; events: { type: string }[] };
  expect(json.fields.username).toBe('qianfeng_77');
  expect(json.events.map((event) => event.type)).toEqual(['received']);
  const missing = await runCli(['triage', 'show', '999'], { env });
  expect([missing.code, missing.stderr]).toEqual([1, 'cancel-desk: no unsorted mail 999\n']);
});

it('triage reply queues the staff answer to the sender and logs it', async () => {
  const id = await idOf(CONDITIONAL);
  const run = await runCli(['triage', 'reply', String(id), '--by', 'lina', '--message', 'Your balance is refunded when the account closes.'], { env });
  expect([run.code, run.stdout]).toEqual([0, `mail ${id} is replied; the reply is queued\n`]);
  expect(JSON.parse((await runCli(['triage', 'show', String(id), '--json'], { env })).stdout).events.map((event: { type: string }) => event.type)).toEqual([
    'received',
    'mail_queued',
    'replied',
  ]);
});

it('triage dismiss needs a reason and a staff member', async () => {
  const id = await idOf(VAGUE);
  expect((await runCli(['triage', 'dismiss', String(id), '--by', 'lina'], { env })).code).toBe(2);
  const stranger = await runCli(['triage', 'dismiss', String(id), '--by', 'mallory', '--reason', 'spam'], { env });
  expect([stranger.code, stranger.stderr]).toEqual([1, 'cancel-desk: mallory is not an enabled staff member\n']);
  const run = await runCli(['triage', 'dismiss', String(id), '--by', 'lina', '--reason', 'spam'], { env });
  expect([run.code, run.stdout]).toEqual([0, `mail ${id} is dismissed\n`]);
});

it('triage promote makes a request through the same extraction, acknowledged like any other, once', async () => {
  const id = await idOf(QUESTION);
  const run = await runCli(['triage', 'promote', String(id), '--by', 'lina'], { env });
  expect(run.code).toBe(0);
  const reference = /request (CR-[A-Z0-9]+) \(needs_info\); the acknowledgement is queued/.exec(run.stdout)![1];
  const request = JSON.parse((await runCli(['queue', 'show', reference, '--json'], { env })).stdout) as { email: string; fields: { username: string } };
  expect(request).toMatchObject({ email: loadFixture(QUESTION).expected.from, fields: { username: 'qianfeng_77' } });
  const again = await runCli(['triage', 'promote', String(id), '--by', 'lina'], { env });
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/cannot be promoted: it was already promoted by lina/);
  expect(await listed()).toEqual([]);
});
