import { startApp, type Harness } from '../support/app-harness';
import { addStaff, EN_REQUEST, INCOMPLETE_REQUEST, intake } from '../support/review';

let harness: Harness;
let reference: string;

beforeEach(async () => {
  harness = await startApp();
  await addStaff(harness, 'alice', 'bob');
  [reference] = await intake(harness, EN_REQUEST);
});
afterEach(() => harness.app.close());

const approve = (by = 'alice', note: string | null = null) => ({ kind: 'approve' as const, by, note });
const reject = (by = 'alice', reason = 'The ID document shows a different name.') => ({ kind: 'reject' as const, by, reason });
const requestInfo = (by = 'alice', message = 'A clearer photo of your ID card.') => ({ kind: 'request_info' as const, by, message });

function lastEvents(count: number) {
  return harness.app.queue.findRequest(reference)!.events.slice(-count);
}

function queuedMail() {
  return harness.app.outbox.due(100).filter((mail) => 'request' in mail.payload && mail.payload.request.reference === reference && mail.purpose !== 'acknowledgement');
}

describe('a decision on a pending request', () => {
  it('approves it, recording who decided, when, and the note', () => {
    const outcome = harness.app.review.decide(reference, approve('alice', 'Checked by phone.'));
    expect(outcome).toMatchObject({ ok: true, request: { status: 'approved', version: 2 } });
    expect(lastEvents(2)).toEqual([
      { at: harness.clock.now().toISOString(), actor: 'alice', type: 'approved', detail: { note: 'Checked by phone.' } },
      expect.objectContaining({ type: 'mail_queued', detail: expect.objectContaining({ purpose: 'decision-approved' }) }),
    ]);
  });

  it('keeps the approval note out of the customer mail', () => {
    harness.app.review.decide(reference, approve('alice', 'Internal: caller sounded unsure.'));
    expect(queuedMail().map((mail) => mail.payload.note)).toEqual([null]);
  });

  it('rejects it with the reason in the event log and in the queued mail', () => {
    const outcome = harness.app.review.decide(reference, reject('bob', 'The ID document has expired.'));
    expect(outcome).toMatchObject({ ok: true, request: { status: 'rejected' } });
    expect(lastEvents(2)[0]).toMatchObject({ actor: 'bob', type: 'rejected', detail: { reason: 'The ID document has expired.' } });
    expect(queuedMail().map((mail) => [mail.purpose, mail.payload.note])).toEqual([['decision-rejected', 'The ID document has expired.']]);
  });

  it('asks the customer for information and waits for them in needs_info', () => {
    const outcome = harness.app.review.decide(reference, requestInfo('alice', 'A photo of the back of your ID card.'));
    expect(outcome).toMatchObject({ ok: true, request: { status: 'needs_info' } });
    expect(lastEvents(2)[0]).toMatchObject({ actor: 'alice', type: 'info_requested', detail: { message: 'A photo of the back of your ID card.' } });
    expect(queuedMail().map((mail) => mail.purpose)).toEqual(['decision-info-requested']);
  });

  it('threads the decision mail into the customer’s conversation', () => {
    harness.app.review.decide(reference, approve());
    const request = harness.app.queue.findRequest(reference)!;
    const [mail] = queuedMail();
    expect(mail.inReplyTo).toBe(request.messageId);
    expect(mail.references).toEqual([request.messageId, `<acknowledgement.${reference}.1@example.test>`]);
    expect(mail.messageId).toBe(`<decision-approved.${reference}.2@example.test>`);
  });

  it('records the staff member under the name they were added with, whatever the case typed', () => {
    harness.app.review.decide(reference, approve('ALICE'));
    expect(lastEvents(2)[0]).toMatchObject({ actor: 'alice', type: 'approved' });
  });
});

describe('a decision that is refused changes nothing', () => {
  const unchanged = () => {
    expect(harness.app.queue.findRequest(reference)).toMatchObject({ status: 'pending_review', version: 1 });
    expect(queuedMail()).toEqual([]);
  };

  it('a rejection without a reason', () => {
    expect(harness.app.review.decide(reference, reject('alice', '  \n'))).toMatchObject({ ok: false, reason: 'missing_text', message: expect.stringContaining('reason') });
    unchanged();
  });

  it('a request for information without a message', () => {
    expect(harness.app.review.decide(reference, requestInfo('alice', ''))).toMatchObject({ ok: false, reason: 'missing_text' });
    unchanged();
  });

  it('a decider who is no staff member', () => {
    expect(harness.app.review.decide(reference, approve('mallory'))).toMatchObject({ ok: false, reason: 'unknown_staff', message: 'mallory is not an enabled staff member' });
    unchanged();
  });

  it('a staff member who has been disabled', () => {
    harness.app.staff.disable('bob');
    expect(harness.app.review.decide(reference, approve('bob'))).toMatchObject({ ok: false, reason: 'unknown_staff' });
    unchanged();
  });

  it('a reference that does not exist', () => {
    expect(harness.app.review.decide('CR-NOSUCHREF2', approve())).toMatchObject({ ok: false, reason: 'not_found', message: 'no request CR-NOSUCHREF2' });
  });
});

describe('illegal transitions are refused, naming who decided and when', () => {
  it('approving a rejected request', () => {
    harness.app.review.decide(reference, reject('bob'));
    const decidedAt = harness.clock.now().toISOString();
    harness.clock.advance(60_000);
    expect(harness.app.review.decide(reference, approve('alice'))).toMatchObject({
      ok: false,
      reason: 'illegal_transition',
      message: `${reference} cannot be approved: it was already rejected by bob at ${decidedAt}`,
      // The same for a face that words it in the reader's language.
      said: [
        { code: 'cannot_approve', values: { reference } },
        { code: 'already_decided_by', values: { status: 'rejected', by: 'bob', at: decidedAt } },
      ],
    });
    expect(harness.app.queue.findRequest(reference)!.status).toBe('rejected');
  });

  it('deciding an approved request a second time', () => {
    harness.app.review.decide(reference, approve('alice'));
    for (const decision of [approve('bob'), reject('bob'), requestInfo('bob')]) {
      expect(harness.app.review.decide(reference, decision)).toMatchObject({ ok: false, reason: 'illegal_transition', message: expect.stringContaining('already approved by alice') });
    }
    expect(queuedMail()).toHaveLength(1);
  });

  it('deciding a request that is still waiting for the customer’s missing information', async () => {
    const [incomplete] = await intake(harness, INCOMPLETE_REQUEST);
    for (const decision of [approve(), reject(), requestInfo()]) {
      expect(harness.app.review.decide(incomplete, decision)).toMatchObject({
        ok: false,
        reason: 'illegal_transition',
        message: expect.stringContaining('waiting for information from the customer'),
      });
    }
  });

  it('deciding after asking for information, until the customer has replied', () => {
    harness.app.review.decide(reference, requestInfo('bob'));
    expect(harness.app.review.decide(reference, approve('alice'))).toMatchObject({
      ok: false,
      reason: 'illegal_transition',
      message: expect.stringMatching(/waiting for information from the customer \(asked by bob at .+\), and can be decided once they reply/),
    });
  });
});

it('a customer’s reply to a request for information brings it back for review, where it can be approved', async () => {
  harness.app.review.decide(reference, requestInfo('bob'));
  const { email } = harness.app.queue.findRequest(reference)!;
  harness.deliverRaw(
    'reply.eml',
    [`From: ${email}`, 'To: support@example.test', `Subject: Re: [${reference}] more information needed`, 'Message-ID: <reply-2@gmail.com>', '', 'The back of my ID card is attached.', ''].join('\r\n'),
  );
  await harness.app.drainInbox();
  expect(harness.app.queue.findRequest(reference)!.status).toBe('pending_review');
  expect(harness.app.review.decide(reference, approve('alice'))).toMatchObject({ ok: true, request: { status: 'approved' } });
});

describe('two staff members deciding at once', () => {
  let other: Harness;
  beforeEach(async () => {
    other = await startApp({}, {}, harness.dataDir);
  });
  afterEach(() => other.app.close());

  it('the one who decides second against the version both saw is told who won', () => {
    const seen = harness.app.review.review(reference)!.request.version;
    const decidedAt = harness.clock.now().toISOString();
    expect(harness.app.review.decide(reference, approve('alice'), seen)).toMatchObject({ ok: true });
    expect(other.app.review.decide(reference, reject('bob'), seen)).toMatchObject({
      ok: false,
      reason: 'decided_concurrently',
      message: `${reference} changed while you were looking at it: it was already approved by alice at ${decidedAt}, and waits for the account system to close the account`,
    });
    expect(harness.app.queue.findRequest(reference)).toMatchObject({ status: 'approved', version: seen + 1 });
    expect(queuedMail()).toHaveLength(1);
  });

  it('without a version, the second decision is an illegal transition naming the first decider', () => {
    expect(harness.app.review.decide(reference, reject('alice'))).toMatchObject({ ok: true });
    expect(other.app.review.decide(reference, approve('bob'))).toMatchObject({ ok: false, reason: 'illegal_transition', message: expect.stringContaining('already rejected by alice') });
  });

  it('a version made stale by a customer’s reply loses too, though nobody decided', async () => {
    harness.app.review.decide(reference, requestInfo('alice'));
    const { email, version } = harness.app.queue.findRequest(reference)!;
    harness.deliverRaw('reply.eml', [`From: ${email}`, `Subject: Re: [${reference}]`, 'Message-ID: <reply-3@gmail.com>', '', 'Attached.', ''].join('\r\n'));
    await harness.app.drainInbox();
    expect(other.app.review.decide(reference, approve('bob'), version)).toMatchObject({
      ok: false,
      reason: 'decided_concurrently',
      message: expect.stringContaining('the customer has sent more information since'),
    });
  });
});
