import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { EN_REQUEST, INCOMPLETE_REQUEST, polledDataDir, referenceOf, STAFF_PASSWORD, ZH_REQUEST } from '../support/review';

jest.setTimeout(90_000);

const RACED = 'en-iphone-heic-prose';
const ASKED = 'en-outlook-windows-table';

let dataDir: string;
let env: Record<string, string>;
const ref: Record<string, string> = {};

beforeAll(async () => {
  ({ dataDir, env } = await polledDataDir([ZH_REQUEST, EN_REQUEST, INCOMPLETE_REQUEST, RACED, ASKED]));
  for (const name of ['alice', 'bob', 'dave']) await runCli(['staff', 'add', name, '--password-stdin'], { env, stdin: STAFF_PASSWORD });
  await runCli(['staff', 'disable', 'dave'], { env });
  for (const fixture of [ZH_REQUEST, EN_REQUEST, INCOMPLETE_REQUEST, RACED, ASKED]) ref[fixture] = await referenceOf(env, fixture);
});

const cli = (...args: string[]) => runCli(args, { env });
async function shown(reference: string) {
  return JSON.parse((await cli('queue', 'show', reference, '--json')).stdout);
}

describe('queue approve, reject and request-info', () => {
  it('approve decides the request and records who decided, with the note and the operating-system user', async () => {
    const run = await cli('queue', 'approve', ref[ZH_REQUEST], '--by', 'alice', '--note', 'Called the customer back.');
    expect(run).toMatchObject({ code: 0, stdout: `${ref[ZH_REQUEST]} is now approved; the mail to the customer is queued\n` });
    const request = await shown(ref[ZH_REQUEST]);
    expect(request.status).toBe('approved');
    expect(request.events).toContainEqual(expect.objectContaining({ actor: 'alice', type: 'approved', detail: { note: 'Called the customer back.', osUser: userInfo().username } }));
  });

  it('approving twice is refused, naming who decided', async () => {
    await cli('queue', 'approve', ref[ZH_REQUEST], '--by', 'alice');
    const run = await cli('queue', 'approve', ref[ZH_REQUEST], '--by', 'bob');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^cancel-desk: ${ref[ZH_REQUEST]} cannot be approved: it was already approved by alice at \\S+, and waits for the account system to close the account\\n$`));
  });

  it('close is refused before approval', async () => {
    expect(await cli('queue', 'close', ref[ASKED], '--by', 'alice')).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot be') });
  });

  it('close records that the account system closed an approved account, and queues the confirmation', async () => {
    const run = await cli('queue', 'close', ref[ZH_REQUEST], '--by', 'bob', '--note', 'Closed in billing, ticket 4411.');
    expect(run).toMatchObject({ code: 0, stdout: `${ref[ZH_REQUEST]} is now closed; the mail to the customer is queued\n` });
    const request = await shown(ref[ZH_REQUEST]);
    expect(request).toMatchObject({ status: 'closed', closedBy: 'bob', closedAt: expect.any(String) });
    expect(request.events).toContainEqual(expect.objectContaining({ actor: 'bob', type: 'closed', detail: { via: 'staff', note: 'Closed in billing, ticket 4411.', osUser: userInfo().username } }));
  });

  it('reject needs --reason, and sends it', async () => {
    expect((await cli('queue', 'reject', ref[EN_REQUEST], '--by', 'alice')).code).toBe(2);
    expect((await cli('queue', 'reject', ref[EN_REQUEST], '--by', 'alice', '--reason', 'The ID card has expired.')).code).toBe(0);
    expect((await shown(ref[EN_REQUEST])).events).toContainEqual(expect.objectContaining({ actor: 'alice', type: 'rejected', detail: { reason: 'The ID card has expired.', osUser: userInfo().username } }));
  });

  it('request-info sends the request back to the customer with the message, the reference typed in any letter case', async () => {
    const run = await cli('queue', 'request-info', ref[ASKED].toLowerCase(), '--by', 'bob', '--message', 'The back of your ID card.');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('is now needs_info') });
    expect((await shown(ref[ASKED])).events).toContainEqual(expect.objectContaining({ actor: 'bob', type: 'info_requested', detail: { message: 'The back of your ID card.', osUser: userInfo().username } }));
  });

  it('a request waiting for the customer cannot be decided', async () => {
    const run = await cli('queue', 'request-info', ref[INCOMPLETE_REQUEST], '--by', 'bob', '--message', 'Your ID.');
    expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining('waiting for information from the customer') });
  });

  it('a disabled or unknown staff member cannot decide', async () => {
    expect(await cli('queue', 'approve', ref[RACED], '--by', 'dave')).toMatchObject({ code: 1, stderr: 'cancel-desk: dave is not an enabled staff member\n' });
    expect(await cli('queue', 'approve', ref[RACED], '--by', 'mallory')).toMatchObject({ code: 1 });
  });

  it('a missing --by, reference or an unknown option is a usage error', async () => {
    expect((await cli('queue', 'approve', ref[RACED])).code).toBe(2);
    expect((await cli('queue', 'approve', '--by', 'alice')).code).toBe(2);
    expect((await cli('queue', 'approve', ref[RACED], '--by', 'alice', '--reason', 'x')).code).toBe(2);
  });

  it('two staff members deciding at once from two processes: one wins, the other is told who', async () => {
    const runs = await Promise.all([
      cli('queue', 'approve', ref[RACED], '--by', 'alice'),
      cli('queue', 'reject', ref[RACED], '--by', 'bob', '--reason', 'Not the account holder.'),
    ]);
    expect(runs.map((run) => run.code).sort()).toEqual([0, 1]);
    const winner = runs[0].code === 0 ? 'alice' : 'bob';
    const loser = runs.find((run) => run.code === 1)!;
    expect(loser.stderr).toContain(`by ${winner} at`);
    expect((await shown(ref[RACED])).status).toBe(winner === 'alice' ? 'approved' : 'rejected');
  });

  it('poll sends the decision mails', async () => {
    expect((await cli('poll')).code).toBe(0);
    const decisions = readdirSync(join(dataDir, 'outgoing')).filter((name) => name.startsWith('decision-'));
    expect(decisions).toEqual(
      expect.arrayContaining([`decision-approved.${ref[ZH_REQUEST]}.2@example.test.eml`, `decision-closed.${ref[ZH_REQUEST]}.3@example.test.eml`, `decision-rejected.${ref[EN_REQUEST]}.2@example.test.eml`]),
    );
  });
});

describe('queue reply, note and list --unread', () => {
  it('reply queues the staff member\'s words to the customer and keeps the request as it was', async () => {
    const before = (await shown(ref[ASKED])).status;
    expect(await cli('queue', 'reply', ref[ASKED], '--by', 'alice', '--message', 'We are looking at it.')).toMatchObject({ code: 0, stdout: `${ref[ASKED]}: the reply to the customer is queued\n` });
    const request = await shown(ref[ASKED]);
    expect(request.status).toBe(before);
    expect(request.events).toContainEqual(expect.objectContaining({ actor: 'alice', type: 'replied', detail: { message: 'We are looking at it.' } }));
  });

  it('note adds words for colleagues to the conversation', async () => {
    expect((await cli('queue', 'note', ref[ASKED], '--by', 'bob', '--text', 'Customer called too.')).code).toBe(0);
    expect((await shown(ref[ASKED])).messages.at(-1)).toMatchObject({ direction: 'note', from: 'bob', text: 'Customer called too.' });
  });

  it('reply and note want --by and their text', async () => {
    expect((await cli('queue', 'reply', ref[ASKED], '--by', 'alice')).code).toBe(2);
    expect((await cli('queue', 'note', ref[ASKED], '--text', 'x')).code).toBe(2);
    expect(await cli('queue', 'reply', ref[ASKED], '--by', 'alice', '--message', ' ')).toMatchObject({ code: 1, stderr: expect.stringContaining('needs a message') });
  });

  it('list --unread shows the requests with a customer mail nobody has read yet', async () => {
    const sender = (await shown(ref[INCOMPLETE_REQUEST])).email;
    writeFileSync(
      join(dataDir, 'inbox', 'follow-up.eml'),
      [`From: ${sender}`, 'To: support@example.test', `Subject: Re: [${ref[INCOMPLETE_REQUEST]}] my request`, 'Message-ID: <follow-up-cli@example.com>', 'Content-Type: text/plain; charset=utf-8', '', 'Is there any news?', ''].join('\r\n'),
    );
    expect((await cli('poll')).code).toBe(0);
    const unread = JSON.parse((await cli('queue', 'list', '--unread', '--json')).stdout) as { reference: string; messages: { direction: string; text: string }[] }[];
    expect(unread.map((request) => request.reference)).toEqual([ref[INCOMPLETE_REQUEST]]);
    expect(unread[0].messages.filter((message) => message.direction === 'in').at(-1)!.text).toContain('Is there any news?');
  });
});

describe('queue edit', () => {
  it('corrects the named fields, each logged old → new under the staff member', async () => {
    const run = await cli('queue', 'edit', ref[RACED].toLowerCase(), '--by', 'alice', '--username', 'river.song.42', '--reason', 'Moving abroad.');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(`${ref[RACED]} corrected`) });
    const request = await shown(ref[RACED]);
    expect(request.fields).toMatchObject({ username: 'river.song.42', reason: 'Moving abroad.' });
    expect(request.events.filter((event: { type: string }) => event.type === 'field_corrected').map((event: { detail: { field: string } }) => event.detail.field)).toEqual(['username', 'reason']);
  });

  it('refuses a value that cannot be one, and a call without a field', async () => {
    expect(await cli('queue', 'edit', ref[RACED], '--by', 'alice', '--registration-date', 'last spring')).toMatchObject({ code: 1, stderr: expect.stringContaining('YYYY-MM-DD') });
    expect((await cli('queue', 'edit', ref[RACED], '--by', 'alice')).code).toBe(2);
  });
});

describe('queue assign', () => {
  it('assigns a request to a staff member and back to nobody, each an event by whoever did it', async () => {
    expect(await cli('queue', 'assign', ref[ASKED].toLowerCase(), '--to', 'bob', '--by', 'alice')).toMatchObject({ code: 0, stdout: `${ref[ASKED]} is assigned to bob\n` });
    expect((await shown(ref[ASKED])).assignedTo).toBe('bob');
    expect(await cli('queue', 'assign', ref[ASKED], '--nobody', '--by', 'bob')).toMatchObject({ code: 0, stdout: `${ref[ASKED]} is assigned to nobody\n` });
    const request = await shown(ref[ASKED]);
    expect(request.assignedTo).toBeNull();
    expect(request.events.slice(-2)).toEqual([
      expect.objectContaining({ actor: 'alice', type: 'assigned', detail: { to: 'bob', from: null } }),
      expect.objectContaining({ actor: 'bob', type: 'unassigned', detail: { to: null, from: 'bob' } }),
    ]);
  });

  it('refuses a disabled assignee, and wants one of --to and --nobody', async () => {
    expect(await cli('queue', 'assign', ref[ASKED], '--to', 'dave', '--by', 'alice')).toMatchObject({ code: 1, stderr: 'cancel-desk: dave is not an enabled staff member\n' });
    expect((await cli('queue', 'assign', ref[ASKED], '--by', 'alice')).code).toBe(2);
    expect((await cli('queue', 'assign', ref[ASKED], '--to', 'bob', '--nobody', '--by', 'alice')).code).toBe(2);
  });
});

describe('queue document', () => {
  it('writes the decrypted document to a new private file and records the view by the OS user', async () => {
    const out = join(dataDir, 'id-1.jpg');
    const run = await cli('queue', 'document', ref[ZH_REQUEST], '1', '--out', out);
    expect(run.code).toBe(0);
    const request = await shown(ref[ZH_REQUEST]);
    const [document] = request.idDocuments;
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(document.sha256);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(request.events.at(-1)).toMatchObject({ actor: `os:${userInfo().username}`, type: 'document_viewed', detail: { via: 'cli', position: 1, filename: document.filename } });
  });

  it('records the view under the staff member named with --by, the reference typed in any letter case', async () => {
    expect((await cli('queue', 'document', ref[ZH_REQUEST].toLowerCase(), '1', '--out', join(dataDir, 'id-by-bob.jpg'), '--by', 'bob')).code).toBe(0);
    expect((await shown(ref[ZH_REQUEST])).events.at(-1)).toMatchObject({ actor: 'bob', type: 'document_viewed' });
  });

  it('never overwrites a file, and records no view then', async () => {
    const out = join(dataDir, 'existing.jpg');
    writeFileSync(out, 'keep me');
    const before = (await shown(ref[ZH_REQUEST])).events.length;
    expect(await cli('queue', 'document', ref[ZH_REQUEST], '1', '--out', out)).toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') });
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect((await shown(ref[ZH_REQUEST])).events).toHaveLength(before);
  });

  it('names a document that is not there, and leaves no file behind', async () => {
    const out = join(dataDir, 'none.jpg');
    expect(await cli('queue', 'document', ref[ZH_REQUEST], '7', '--out', out)).toMatchObject({ code: 1, stderr: expect.stringContaining('has no ID document 7') });
    expect(readdirSync(dataDir)).not.toContain('none.jpg');
  });

  it('wants a document number and --out', async () => {
    expect((await cli('queue', 'document', ref[ZH_REQUEST], 'first', '--out', join(dataDir, 'x'))).code).toBe(2);
    expect((await cli('queue', 'document', ref[ZH_REQUEST], '1')).code).toBe(2);
  });
});
