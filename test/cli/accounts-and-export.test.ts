import { userInfo } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarDay } from '../../src/clock';
import { runCli } from '../support/cli';
import { EN_REQUEST, polledDataDir, referenceOf, STAFF_PASSWORD, ZH_REQUEST } from '../support/review';

jest.setTimeout(90_000);

/** Username "+8613800138000": a cell a spreadsheet would read as a formula. */
const PHONE_USERNAME = 'zh-iphone-heic-phone-username-month-only';

let dataDir: string;
let env: Record<string, string>;
const ref: Record<string, string> = {};

beforeAll(async () => {
  ({ dataDir, env } = await polledDataDir([ZH_REQUEST, PHONE_USERNAME, EN_REQUEST]));
  await runCli(['staff', 'add', 'alice', '--password-stdin'], { env, stdin: STAFF_PASSWORD });
  for (const fixture of [ZH_REQUEST, PHONE_USERNAME, EN_REQUEST]) ref[fixture] = await referenceOf(env, fixture);
  for (const fixture of [ZH_REQUEST, PHONE_USERNAME]) await runCli(['queue', 'approve', ref[fixture], '--by', 'alice'], { env });
});

const cli = (...args: string[]) => runCli(args, { env });

describe('accounts import', () => {
  it('imports the good rows, reports the bad ones by file and line, and exits 1', async () => {
    const file = join(dataDir, 'accounts.csv');
    writeFileSync(file, '\uFEFFusername,email,registration_date,status\r\nliuyang_0712,1827364509@qq.com,2019-07-12,active\r\n"wei, zhang",wei@example.com,2019-13-01,active\r\n');
    const run = await cli('accounts', 'import', file);
    expect(run).toMatchObject({ code: 1, stdout: 'imported 1 accounts (1 new, 0 updated); 1 lines rejected\n' });
    expect(run.stderr).toBe(`${file}:3: registration_date "2019-13-01" is not a date (YYYY-MM-DD)\n`);
    const checks = JSON.parse((await cli('queue', 'show', ref[ZH_REQUEST], '--json')).stdout).checks;
    expect(checks).toContainEqual({ name: 'registration_date', result: 'pass', detail: 'exact' });
  });

  it('exits 0 when every row is good', async () => {
    const file = join(dataDir, 'good.csv');
    writeFileSync(file, 'username,email,registration_date,status\nhokafor_93,hannah.okafor.93@gmail.com,2018-02-14,active\n');
    expect(await cli('accounts', 'import', file)).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses a file without a header row', async () => {
    const file = join(dataDir, 'headless.csv');
    writeFileSync(file, 'liuyang_0712,1827364509@qq.com,2019-07-12,active\n');
    expect(await cli('accounts', 'import', file)).toMatchObject({ code: 1, stderr: expect.stringContaining('the header row must name') });
  });

  it('names a file it cannot read as a usage error', async () => {
    expect(await cli('accounts', 'import', join(dataDir, 'missing.csv'))).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
  });
});

describe('export --status approved', () => {
  it('writes CSV with a header, one quoted-as-needed line per approval, and formulas neutralised', async () => {
    const run = await cli('export', '--status', 'approved', '--format', 'csv');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('reference,username,email,decided_by,decided_at');
    expect(lines[1]).toMatch(new RegExp(`^${ref[ZH_REQUEST]},liuyang_0712,1827364509@qq.com,alice,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`));
    expect(lines[2]).toMatch(new RegExp(`^${ref[PHONE_USERNAME]},'\\+8613800138000,huangmin.1993@icloud.com,alice,`));
    expect(lines.slice(3)).toEqual(['']);
  });

  it('writes JSON with the fields the webhook sends', async () => {
    const run = await cli('export', '--status', 'approved', '--format', 'json');
    expect(JSON.parse(run.stdout)).toEqual([
      { reference: ref[ZH_REQUEST], username: 'liuyang_0712', email: '1827364509@qq.com', decidedBy: 'alice', decidedAt: expect.any(String) },
      { reference: ref[PHONE_USERNAME], username: '+8613800138000', email: 'huangmin.1993@icloud.com', decidedBy: 'alice', decidedAt: expect.any(String) },
    ]);
  });

  it('--since keeps the approvals of that day and later', async () => {
    const today = calendarDay(new Date(), 'UTC');
    const tomorrow = calendarDay(new Date(Date.now() + 86_400_000), 'UTC');
    expect(JSON.parse((await cli('export', '--status', 'approved', '--since', today, '--format', 'json')).stdout)).toHaveLength(2);
    expect(JSON.parse((await cli('export', '--status', 'approved', '--since', tomorrow, '--format', 'json')).stdout)).toEqual([]);
    expect((await cli('export', '--status', 'approved', '--since', tomorrow, '--format', 'csv')).stdout).toBe('reference,username,email,decided_by,decided_at\r\n');
  });

  it('wants --status approved, a known --format and a real --since day', async () => {
    expect((await cli('export', '--status', 'pending_review', '--format', 'csv')).code).toBe(2);
    expect((await cli('export', '--status', 'approved')).code).toBe(2);
    expect((await cli('export', '--status', 'approved', '--format', 'xlsx')).code).toBe(2);
    expect((await cli('export', '--status', 'approved', '--format', 'csv', '--since', '2026-02-30')).code).toBe(2);
    expect((await cli('export', '--status', 'approved', '--format', 'csv', '--mark-handed-off')).code).toBe(2);
  });
});

it('queue show --json carries the hand-off state and the pre-checks', async () => {
  const shown = JSON.parse((await cli('queue', 'show', ref[ZH_REQUEST], '--json')).stdout);
  expect(shown.handoff).toBeNull();
  expect(shown.checks.map((check: { name: string }) => check.name)).toEqual(['account_found', 'sender_matches_account', 'registration_date', 'sender_authentication', 'id_document', 'document_reused', 'other_requests']);
  expect(shown.needsCloserReview).toBe(false);
});

describe('export --mark-handed-off', () => {
  it('records every exported request as closed by the named staff member, so the next export is empty', async () => {
    const run = await cli('export', '--status', 'approved', '--format', 'json', '--mark-handed-off', '--by', 'alice');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(2);
    expect(run.stderr).toContain('2 exported requests are now closed');
    const shown = JSON.parse((await cli('queue', 'show', ref[ZH_REQUEST], '--json')).stdout);
    expect(shown).toMatchObject({ status: 'closed', closedBy: 'alice' });
    expect(shown.events).toContainEqual(expect.objectContaining({ actor: 'alice', type: 'closed', detail: { via: 'export', note: 'handed off by export', osUser: userInfo().username } }));
    expect(JSON.parse((await cli('export', '--status', 'approved', '--format', 'json')).stdout)).toEqual([]);
  });
});

