import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, type Harness } from '../support/app-harness';
import { requestMail } from '../support/request-mail';
import { addStaff } from '../support/review';

let harness: Harness;
afterEach(() => harness.app.close());

const DAY_MS = 24 * 60 * 60 * 1000;
const sentFiles = () => harness.files('outgoing').filter((name) => name.endsWith('.eml'));
const withheld = () =>
  harness.app.queue
    .listRequests()
    .filter((request) => request.events.some((event) => event.type === 'acknowledgement_withheld' && event.detail.reason === 'sender_limit'));

async function flood(count: number, from: string, prefix = 'flood'): Promise<void> {
  for (let index = 0; index < count; index++) harness.deliverRaw(`${prefix}-${index}.eml`, requestMail({ from, messageId: `${prefix}-${index}@example.net` }));
  await harness.app.drainInbox();
  await harness.app.flushOutbox();
}

it('acknowledges a flood of requests from one sender only ACK_LIMIT_PER_SENDER times a day, and records why on the others', async () => {
  harness = await startApp();
  await flood(30, 'flood@example.net');

  expect(harness.app.queue.listRequests()).toHaveLength(30);
  expect(sentFiles()).toHaveLength(5);
  expect(withheld()).toHaveLength(25);
  expect(harness.logs.filter((line) => line.event === 'acknowledgement_withheld' && line.reason === 'sender_limit')).toHaveLength(25);
});

it('acknowledges the same sender again once the day has passed', async () => {
  harness = await startApp({ ACK_LIMIT_PER_SENDER: '2' });
  await flood(3, 'flood@example.net', 'first');
  harness.clock.advance(DAY_MS);
  await flood(1, 'flood@example.net', 'next-day');

  expect(sentFiles()).toHaveLength(3);
});

it('ends the loop with an auto-responder that answers every mail of ours with a new one', async () => {
  harness = await startApp();
  harness.deliverRaw('start.eml', requestMail({ from: 'robot@loop.example', messageId: 'start@loop.example' }));
  let answered = 0;
  for (let round = 0; round < 20; round++) {
    await harness.app.drainInbox();
    await harness.app.flushOutbox();
    const unanswered = sentFiles().slice(answered);
    answered += unanswered.length;
    // The robot answers each mail of ours, in its thread, without any Auto-Submitted header.
    for (const name of unanswered) {
      const ours = /^Message-ID: (.*)$/im.exec(readFileSync(join(harness.dataDir, 'outgoing', name), 'latin1'))![1].trim();
      harness.deliverRaw(`answer-${name}`, requestMail({ from: 'robot@loop.example', messageId: `answer-${answered}-${round}@loop.example`, inReplyTo: ours, subject: 'Re: close my account' }));
    }
    harness.clock.advance(60_000);
  }

  expect(sentFiles()).toHaveLength(5);
  expect(harness.logs.filter((line) => line.event === 'acknowledgement_withheld')).toHaveLength(1);
});

it('never holds back a staff-written mail to a sender past the limit', async () => {
  harness = await startApp({ ACK_LIMIT_PER_SENDER: '1' });
  await addStaff(harness, 'alice');
  await flood(2, 'flood@example.net');
  const [, unanswered] = harness.app.queue.listRequests();

  expect(harness.app.review.write(unanswered.reference, { kind: 'reply', by: 'alice', text: 'Please send a photo of your ID.' })).toMatchObject({ ok: true });
  await harness.app.flushOutbox();

  expect(sentFiles()).toHaveLength(2);
});

it('pauses automatic mail once ACK_LIMIT_PER_HOUR went out within the hour, logs it once, and resumes when the hour has room', async () => {
  harness = await startApp({ ACK_LIMIT_PER_HOUR: '3' });
  for (let index = 0; index < 5; index++) harness.deliverRaw(`${index}.eml`, requestMail({ from: `customer${index}@example.net`, messageId: `request-${index}@example.net` }));
  await harness.app.drainInbox();

  expect(await harness.app.flushOutbox()).toEqual({ sent: 3, sendFailed: 0 });
  expect(harness.app.sendingPaused()).toBe(true);
  expect(await harness.app.flushOutbox()).toEqual({ sent: 0, sendFailed: 0 });
  expect(harness.logs.filter((line) => line.event === 'automatic_mail_paused')).toHaveLength(1);

  harness.clock.advance(60 * 60_000);
  expect(await harness.app.flushOutbox()).toEqual({ sent: 2, sendFailed: 0 });
  expect(harness.logs.filter((line) => line.event === 'automatic_mail_resumed')).toHaveLength(1);
});

it('still sends staff-written mail while automatic mail is paused', async () => {
  harness = await startApp({ ACK_LIMIT_PER_HOUR: '1' });
  await addStaff(harness, 'alice');
  for (let index = 0; index < 2; index++) harness.deliverRaw(`${index}.eml`, requestMail({ from: `customer${index}@example.net`, messageId: `request-${index}@example.net` }));
  await harness.app.drainInbox();
  await harness.app.flushOutbox();
  const waiting = harness.app.queue.listRequests().find((request) => !request.messages.some((message) => message.direction === 'out'))!;

  expect(harness.app.review.write(waiting.reference, { kind: 'reply', by: 'alice', text: 'We are on it.' })).toMatchObject({ ok: true });

  expect(await harness.app.flushOutbox()).toEqual({ sent: 1, sendFailed: 0 });
  expect(harness.app.sendingPaused()).toBe(true);
});
