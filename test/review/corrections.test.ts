import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, intake } from '../support/review';

jest.setTimeout(30_000);

/** Complete but for the registration date. */
const NO_DATE = 'zh-qq-date-only-in-qq-signature-block';

let harness: Harness;
let complete: string;

beforeEach(async () => {
  harness = await startApp();
  await addStaff(harness, 'alice');
  [complete] = await intake(harness, EN_REQUEST);
});
afterEach(() => harness.app.close());

it('replaces the value, logs old → new and who corrected it, and keeps it in the conversation', () => {
  const before = harness.app.queue.findRequest(complete)!.fields.username;
  expect(harness.app.review.correct(complete, { by: 'alice', field: 'username', value: ' hokafor_1993 ' })).toMatchObject({ ok: true });
  const request = harness.app.queue.findRequest(complete)!;
  expect(request.fields.username).toBe('hokafor_1993');
  expect(request.events.at(-1)).toMatchObject({ actor: 'alice', type: 'field_corrected', detail: { field: 'username', from: before, to: 'hokafor_1993' } });
  expect(request.messages.at(-1)).toMatchObject({ direction: 'note', from: 'alice', text: `username: ${before} → hokafor_1993` });
});

it('runs the pre-checks again on the corrected value', () => {
  harness.app.importAccounts(Buffer.from('username,email,registration_date,status\nhokafor_1993,hannah.okafor.93@gmail.com,2018-02-14,active\n'));
  expect(harness.app.review.review(complete)!.checks.find((check) => check.name === 'account_found')).toMatchObject({ result: 'fail' });
  harness.app.review.correct(complete, { by: 'alice', field: 'username', value: 'hokafor_1993' });
  expect(harness.app.review.review(complete)!.checks.find((check) => check.name === 'account_found')).toMatchObject({ result: 'pass' });
  expect(harness.app.review.list({ page: 1, pageSize: 10, check: 'needs_closer_review' }).items.map((item) => item.reference)).not.toContain(complete);
});

it('completes a request that waited only for the corrected field, and starts its working days then', async () => {
  const [dateless] = await intake(harness, NO_DATE);
  expect(harness.app.queue.findRequest(dateless)).toMatchObject({ status: 'needs_info', problems: ['missing_registration_date'] });
  harness.clock.advance(3 * 86_400_000);
  harness.app.review.correct(dateless, { by: 'alice', field: 'registrationDate', value: '2019-03' });
  const corrected = harness.app.queue.findRequest(dateless)!;
  expect(corrected).toMatchObject({ status: 'pending_review', problems: [], fields: { registrationDate: '2019-03' } });
  expect(corrected.dueDate).toBe(harness.app.queue.dueDayFor(harness.clock.now()));
  expect(corrected.events.at(-1)!.detail).toMatchObject({ statusChanged: { from: 'needs_info', to: 'pending_review' } });
});

it('clears intake\'s doubt about the field staff corrected', () => {
  const request = harness.app.queue.findRequest(complete)!;
  harness.app.review.correct(complete, { by: 'alice', field: 'reason', value: 'Moving abroad.' });
  expect(harness.app.queue.findRequest(complete)!.fieldDoubts.filter((doubt) => doubt.field === 'reason')).toEqual([]);
  expect(harness.app.queue.findRequest(complete)!.fieldDoubts).toEqual(request.fieldDoubts.filter((doubt) => doubt.field !== 'reason'));
});

it.each([
  ['an empty value', 'username', '   ', /cannot be empty/],
  ['a date that is no day', 'registrationDate', '2019-02-30', /YYYY-MM-DD/],
  ['a date in the future', 'registrationDate', '2027-01', /after today/],
  ['control characters', 'username', 'bad\u0007name', /control characters/],
] as const)('refuses %s', (_, field, value, message) => {
  expect(harness.app.review.correct(complete, { by: 'alice', field, value })).toMatchObject({ ok: false, reason: 'invalid_value', message: expect.stringMatching(message) });
});

it('refuses an unknown staff member and a stale page', () => {
  expect(harness.app.review.correct(complete, { by: 'mallory', field: 'reason', value: 'x' })).toMatchObject({ ok: false, reason: 'unknown_staff' });
  const version = harness.app.queue.findRequest(complete)!.version;
  harness.app.review.correct(complete, { by: 'alice', field: 'reason', value: 'first' });
  expect(harness.app.review.correct(complete, { by: 'alice', field: 'reason', value: 'second' }, version)).toMatchObject({ ok: false, reason: 'decided_concurrently' });
});
