import { join } from 'node:path';
import { requestSummary } from '../../src/cli/request-summary';
import { loadStrings } from '../../src/console/console-strings';
import type { CancellationRequest } from '../../src/queue/request-queue';
import type { RequestReview } from '../../src/review/review-service';

/** The console's English words, as `queue show` reads them. */
const ENGLISH = loadStrings(join(__dirname, '..', '..', 'templates', 'web'), new Map()).translate('en');

function review(request: Partial<CancellationRequest> = {}, rest: Partial<Omit<RequestReview, 'request'>> = {}): RequestReview {
  return {
    request: {
      reference: 'CR-7KQ2M9XW4T',
      status: 'pending_review',
      email: 'liu@example.cn',
      senderName: '刘洋',
      language: 'zh',
      fields: { username: 'liuyang_0712', registrationDate: '2019-07-12', reason: '工作调动' },
      problems: [],
      senderAuthentication: 'pass',
      subject: '申请注销账号',
      messageId: '<a@example.cn>',
      receivedAt: '2026-11-25T02:00:00.000Z',
      updatedAt: '2026-11-25T02:00:00.000Z',
      version: 1,
      decidedBy: null,
      decidedAt: null,
      closedAt: null,
      closedBy: null,
      unreadSince: null,
      dueDate: null,
      assignedTo: null,
      evidence: [],
      fieldDoubts: [],
      idDocuments: [
        {
          position: 1,
          filename: '身份证正面.jpg',
          contentType: 'image/jpeg',
          declaredType: 'image/jpeg',
          size: 2122,
          sha256: 'ab'.repeat(32),
          valid: true,
          problem: null,
          receivedAt: '2026-11-25T02:00:00.000Z',
          counted: true,
          purgedAt: null,
          vaultId: 'vault-secret-id',
        },
      ],
      messages: [
        {
          direction: 'in',
          at: '2026-11-25T02:00:00.000Z',
          from: 'liu@example.cn',
          subject: '申请注销账号',
          text: '您好！\n我想注销账号。',
          authentication: 'pass',
          applied: true,
          attachments: [],
          changes: {},
          messageId: '<a@example.cn>',
          documents: [1],
        },
      ],
      events: [
        { at: '2026-11-25T02:00:00.000Z', actor: 'intake', type: 'received', detail: { messageId: '<a@example.cn>', problems: [] } },
        { at: '2026-11-25T02:00:01.000Z', actor: 'system', type: 'mail_queued', detail: { purpose: 'acknowledgement' } },
      ],
      ...request,
    },
    checks: [
      { name: 'account_found', result: 'pass', detail: 'found, active', said: { code: 'found_active', values: {} } },
      { name: 'registration_date', result: 'warn', detail: 'within a month (directory: 2019-04-02)', said: { code: 'date_within_month', values: { date: '2019-04-02' } } },
    ],
    needsCloserReview: false,
    bodyText: '您好！\n我想注销账号。',
    handoff: null,
    otherRequests: [],
    ...rest,
  };
}

const linesOf = (text: string) => text.split('\n');

it('opens with the reference and the status, and says who decided and when, in the desk time zone', () => {
  const text = requestSummary(review({ status: 'approved', decidedBy: 'alice', decidedAt: '2026-11-26T01:30:00.000Z' }), 'Asia/Shanghai', ENGLISH);
  expect(linesOf(text)[0]).toBe('CR-7KQ2M9XW4T  Approved');
  expect(text).toContain('Times in Asia/Shanghai');
  expect(text).toMatch(/^Decided: +2026-11-26 09:30 by alice$/m);
});

it('says an undecided request is not decided yet', () => {
  expect(requestSummary(review(), 'UTC', ENGLISH)).toMatch(/^Decided: +not yet$/m);
});

it('names who recorded the closure and when', () => {
  const text = requestSummary(review({ status: 'closed', decidedBy: 'alice', decidedAt: '2026-11-26T01:30:00.000Z', closedBy: 'bob', closedAt: '2026-11-27T03:00:00.000Z' }), 'UTC', ENGLISH);
  expect(text).toMatch(/^Closed: +2026-11-27 03:00 by bob$/m);
});

it('shows the sender with their name and what our mail server said of them', () => {
  const text = requestSummary(review({ senderAuthentication: 'fail' }), 'UTC', ENGLISH);
  expect(text).toMatch(/^From: +刘洋 <liu@example\.cn>$/m);
  expect(text).toMatch(/^Sender check: +FAILED/m);
});

it('lists the fields, marking those intake was unsure of and why', () => {
  const text = requestSummary(review({ fields: { username: 'liuyang_0712', registrationDate: null, reason: '工作调动' }, fieldDoubts: [{ field: 'username', why: 'from_prose' }] }), 'UTC', ENGLISH);
  expect(text).toMatch(/^ {2}Username: +liuyang_0712 +\[unsure: read from prose, not a label\]$/m);
  expect(text).toMatch(/^ {2}Registration date: +-$/m);
  expect(text).toMatch(/^ {2}Reason: +工作调动$/m);
});

it('names the problems of an incomplete request', () => {
  expect(requestSummary(review({ problems: ['missing_id_document'] }), 'UTC', ENGLISH)).toContain('Problems\n  No ID document attached');
});

it('lists the ID documents as metadata, never their vault ids', () => {
  const text = requestSummary(review(), 'UTC', ENGLISH);
  expect(text).toContain('  1. 身份证正面.jpg (image/jpeg, 2.1 KB)');
  expect(text).not.toContain('vault-secret-id');
});

it('lists every pre-check with its result and detail', () => {
  const text = requestSummary(review(), 'UTC', ENGLISH);
  expect(text).toMatch(/^ {2}Pass +Account found: found, active$/m);
  expect(text).toMatch(/^ {2}Warn +Registration date: within a month \(directory: 2019-04-02\)$/m);
});

it('flags a request that needs a closer look in its first line', () => {
  expect(linesOf(requestSummary(review({}, { needsCloserReview: true }), 'UTC', ENGLISH))[0]).toContain('needs a closer look');
});

it('shows the hand-off to the account system once there is one', () => {
  const handoff = { state: 'pending' as const, attempts: 2, lastError: 'HTTP 503', nextAttemptAt: '2026-11-26T02:05:00.000Z', deliveredAt: null };
  expect(requestSummary(review({}, { handoff }), 'UTC', ENGLISH)).toMatch(/^Hand-off: +pending, 2 attempts, last error: HTTP 503, next 2026-11-26 02:05$/m);
});

it('puts the messages, with their words, and the events in one time order', () => {
  const request = review().request;
  const text = requestSummary(
    review({
      messages: [
        ...request.messages,
        { direction: 'in', at: '2026-11-27T08:00:00.000Z', from: 'liu@example.cn', subject: 'Re: CR-7KQ2M9XW4T', text: '请退余额', authentication: 'none', applied: false, messageId: null, documents: [], attachments: [], changes: {} },
      ],
      events: [...request.events, { at: '2026-11-26T01:30:00.000Z', actor: 'alice', type: 'info_requested', detail: { message: '请补充身份证背面' } }],
    }),
    'UTC',
    ENGLISH,
  );
  const order = ['我想注销账号', 'Received (intake)', 'Mail queued (system)', 'Info requested (alice) — Message: 请补充身份证背面', '请退余额'].map((words) => text.indexOf(words));
  expect(order.every((position) => position >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(text).toContain('2026-11-27 08:00  mail from liu@example.cn, sender check: none (unverified: changed nothing)');
  expect(text).toContain('2026-11-25 02:00  mail from liu@example.cn, sender check: pass, documents 1');
});

it('shows our mails and staff notes in the conversation by who wrote them', () => {
  const text = requestSummary(
    review({
      messages: [
        { direction: 'out', at: '2026-11-26T00:00:00.000Z', from: 'support@example.test', subject: 'Re: 申请注销账号', text: '已收到', authentication: null, applied: null, messageId: null, documents: [], attachments: [], changes: {} },
        { direction: 'note', at: '2026-11-26T00:01:00.000Z', from: 'alice', subject: '', text: 'Called back.', authentication: null, applied: null, messageId: null, documents: [], attachments: [], changes: {} },
      ],
    }),
    'UTC',
    ENGLISH,
  );
  expect(text).toContain('2026-11-26 00:00  mail to the customer from support@example.test');
  expect(text).toContain('2026-11-26 00:01  note by alice\n      | Called back.');
});

it('shows escape sequences and carriage returns from a mail as text, never sends them to the terminal', () => {
  const text = requestSummary(review({ subject: 'hi\u001b]0;pwned\u0007', fields: { username: 'eve\rliuyang_0712', registrationDate: null, reason: null } }), 'UTC', ENGLISH);
  expect(text).not.toMatch(/[\u001b\u0007\r]/);
  expect(text).toContain('hi\\u001b]0;pwned\\u0007');
  expect(text).toContain('eve\\u000dliuyang_0712');
});
