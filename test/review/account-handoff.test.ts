import { createHmac } from 'node:crypto';
import { requestJson } from '../../src/queue/request-json';
import { startAccountSystem, type AccountSystem } from '../support/account-system';
import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, intake } from '../support/review';

const SECRET = 'a shared secret of some length';

let accountSystem: AccountSystem;
let harness: Harness;
let reference: string;

beforeEach(async () => {
  accountSystem = await startAccountSystem([500, 200]);
  harness = await startApp({ ACCOUNT_WEBHOOK_URL: accountSystem.url, ACCOUNT_WEBHOOK_SECRET: SECRET });
  await addStaff(harness, 'alice');
  [reference] = await intake(harness, EN_REQUEST);
});
afterEach(async () => {
  harness.app.close();
  await accountSystem.stop();
});

const approve = () => harness.app.review.decide(reference, { kind: 'approve', by: 'alice', note: null });
const handoff = () => harness.app.review.review(reference)!.handoff;

it('posts an approval once the account system answers 2xx, retrying after a failure with backoff', async () => {
  approve();
  const decidedAt = harness.clock.now().toISOString();
  expect(await harness.app.deliverHandoffs()).toEqual({ delivered: 0, deliveryFailed: 1 });
  expect(await harness.app.deliverHandoffs()).toEqual({ delivered: 0, deliveryFailed: 0 });
  harness.clock.advance(60_000);
  expect(await harness.app.deliverHandoffs()).toEqual({ delivered: 1, deliveryFailed: 0 });
  harness.clock.advance(3_600_000);
  expect(await harness.app.deliverHandoffs()).toEqual({ delivered: 0, deliveryFailed: 0 });

  expect(accountSystem.received).toHaveLength(2);
  const [, delivered] = accountSystem.received;
  expect(JSON.parse(delivered.body)).toEqual({ reference, username: 'hokafor_93', email: 'hannah.okafor.93@gmail.com', decidedBy: 'alice', decidedAt });
  expect(delivered.headers['content-type']).toBe('application/json');
});

it('signs the exact body with HMAC-SHA256 of the shared secret', async () => {
  approve();
  await harness.app.deliverHandoffs();
  const [{ body, headers }] = accountSystem.received;
  expect(headers['x-cancel-desk-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
});

it('shows the delivery state on the request: pending with the last error, then delivered', async () => {
  approve();
  expect(handoff()).toEqual({ state: 'pending', attempts: 0, lastError: null, nextAttemptAt: harness.clock.now().toISOString(), deliveredAt: null });
  await harness.app.deliverHandoffs();
  expect(handoff()).toEqual({ state: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: new Date(harness.clock.now().getTime() + 60_000).toISOString(), deliveredAt: null });
  harness.clock.advance(60_000);
  await harness.app.deliverHandoffs();
  expect(handoff()).toEqual({ state: 'delivered', attempts: 2, lastError: null, nextAttemptAt: null, deliveredAt: harness.clock.now().toISOString() });
  const request = harness.app.queue.findRequest(reference)!;
  expect(requestJson(request, handoff()).handoff).toMatchObject({ state: 'delivered' });
  expect(request.events).toContainEqual(expect.objectContaining({ actor: 'system', type: 'account_handoff_delivered', detail: { attempts: 2 } }));
});

it('closes the request when the account system answers 2xx, and only then queues the closure confirmation', async () => {
  approve();
  await harness.app.deliverHandoffs();
  expect(harness.app.queue.findRequest(reference)!.status).toBe('approved');
  expect(harness.app.queue.findRequest(reference)!.events.map((event) => event.detail?.purpose)).not.toContain('decision-closed');
  harness.clock.advance(60_000);
  await harness.app.deliverHandoffs();
  const request = harness.app.queue.findRequest(reference)!;
  expect(request).toMatchObject({ status: 'closed', closedBy: 'account-system', closedAt: harness.clock.now().toISOString() });
  expect(request.events.map((event) => event.detail?.purpose)).toContain('decision-closed');
});

it('records why an unreachable account system failed', async () => {
  await accountSystem.stop();
  approve();
  expect(await harness.app.deliverHandoffs()).toEqual({ delivered: 0, deliveryFailed: 1 });
  expect(handoff()).toMatchObject({ state: 'pending', attempts: 1, lastError: 'ECONNREFUSED' });
});

it('hands off only approvals', async () => {
  harness.app.review.decide(reference, { kind: 'reject', by: 'alice', reason: 'Not the account holder.' });
  expect(handoff()).toBeNull();
  expect(await harness.app.deliverHandoffs()).toEqual({ delivered: 0, deliveryFailed: 0 });
  expect(accountSystem.received).toEqual([]);
});

it('without a webhook, an approval is not handed off: it waits for the export', async () => {
  const plain = await startApp();
  try {
    await addStaff(plain, 'alice');
    const [other] = await intake(plain, EN_REQUEST);
    plain.app.review.decide(other, { kind: 'approve', by: 'alice', note: null });
    expect(plain.app.review.review(other)!.handoff).toBeNull();
    expect(plain.app.approvedRequests(null).map((approved) => approved.reference)).toEqual([other]);
  } finally {
    plain.app.close();
  }
});
