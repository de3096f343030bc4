import { startApp, type Harness } from '../support/app-harness';
import { intake, ZH_REQUEST } from '../support/review';

let harness: Harness;
beforeEach(async () => {
  harness = await startApp();
});
afterEach(() => harness.app.close());

const importCsv = (lines: string[]) => harness.app.importAccounts(Buffer.from(lines.join('\r\n')));
const accountFound = async () => {
  const [reference] = await intake(harness, ZH_REQUEST);
  return harness.app.review.review(reference)!.checks.find((check) => check.name === 'account_found');
};

it('imports every good row and reports each bad one by its line', () => {
  const imported = importCsv([
    'username,email,registration_date,status',
    'liuyang_0712,1827364509@qq.com,2019-07-12,active',
    'no_date,nodate@example.com,,active',
    'bad_email,not an address,2020-01-01,active',
    'bad_day,bad@example.com,2023-02-30,active',
    'too,many,fields,2020-01-01,active',
    'LiuYang_0712,again@example.com,2019-07-12,active',
    ',blank@example.com,2020-01-01,active',
    'wei,"wei@example.com" trailing,2020-01-01,active',
    'hokafor_93,hannah.okafor.93@gmail.com,2018-02-14,Closed',
  ]);
  expect(imported).toEqual({
    ok: true,
    added: 2,
    updated: 0,
    rejected: [
      { line: 3, reason: 'registration_date "" is not a date (YYYY-MM-DD)' },
      { line: 4, reason: '"not an address" is not an email address' },
      { line: 5, reason: 'registration_date "2023-02-30" is not a date (YYYY-MM-DD)' },
      { line: 6, reason: '5 fields where the header has 4' },
      { line: 7, reason: 'username LiuYang_0712 is already on line 2' },
      { line: 8, reason: 'username must have 1 to 64 characters' },
      { line: 9, reason: 'text after a closing quote' },
    ],
  });
});

it('reads quoted fields with commas, quotes and line breaks, and counts lines as the file does', () => {
  const imported = importCsv([
    'status,username,email,registration_date',
    '"active","liu,yang","1827364509@qq.com","2019-07-12"',
    '"on ""hold""\nsince May",wei,wei@example.com,2020-01-01',
    'active,zhang,zhang@example.com,not-a-date',
  ]);
  expect(imported).toEqual({ ok: true, added: 2, updated: 0, rejected: [{ line: 5, reason: 'registration_date "not-a-date" is not a date (YYYY-MM-DD)' }] });
});

it('tolerates the byte order mark Excel writes', async () => {
  const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('username,email,registration_date,status\nliuyang_0712,1827364509@qq.com,2019-07-12,active\n')]);
  expect(harness.app.importAccounts(csv)).toMatchObject({ ok: true, added: 1, rejected: [] });
  expect(await accountFound()).toMatchObject({ result: 'pass' });
});

it('replaces an account imported before, matching its username whatever the case', async () => {
  importCsv(['username,email,registration_date,status', 'liuyang_0712,1827364509@qq.com,2019-07-12,active']);
  expect(importCsv(['username,email,registration_date,status', 'LIUYANG_0712,1827364509@qq.com,2019-07-12,closed'])).toMatchObject({ added: 0, updated: 1 });
  expect(await accountFound()).toMatchObject({ name: 'account_found', result: 'warn', detail: 'found, status closed' });
});

it('refuses a file without the header row, importing nothing', async () => {
  expect(importCsv(['liuyang_0712,1827364509@qq.com,2019-07-12,active'])).toEqual({
    ok: false,
    message: 'line 1: the header row must name username, email, registration_date, status; missing username, email, registration_date, status',
  });
  expect(await accountFound()).toMatchObject({ result: 'unknown' });
});

it('refuses a file that is not UTF-8 rather than store mangled names', () => {
  const gbk = Buffer.from([...Buffer.from('username,email,registration_date,status\n'), 0xc1, 0xf5, ...Buffer.from(',liu@example.com,2019-07-12,active\n')]);
  expect(harness.app.importAccounts(gbk)).toEqual({ ok: false, message: 'the file is not UTF-8 text: save it as "CSV UTF-8"' });
});

it('reports a quoted field left open at the end of the file', () => {
  expect(importCsv(['username,email,registration_date,status', 'wei,wei@example.com,2020-01-01,active', '"liu,liu@example.com,2019-07-12,active'])).toMatchObject({
    added: 1,
    rejected: [{ line: 3, reason: 'a quoted field is never closed' }],
  });
});
