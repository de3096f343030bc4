import { simpleParser, type ParsedMail } from 'mailparser';
import { verifyReceipt } from '../../src/documents/verify-receipt';
import type { Decision } from '../../src/review/review-service';
import { startApp, type Harness } from '../support/app-harness';
import { pdfText } from '../support/pdf-text';
import { addStaff, EN_REQUEST, intake, ZH_REQUEST } from '../support/review';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

jest.setTimeout(30_000);

let smtp: SmtpSink;
let harness: Harness;
let zh: string;
let en: string;

beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.stop());

beforeEach(async () => {
  harness = await startApp({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false' });
  await addStaff(harness, 'alice');
  [zh, en] = await intake(harness, ZH_REQUEST, EN_REQUEST);
  await harness.app.flushOutbox();
  smtp.received.length = 0;
});
afterEach(() => harness.app.close());

/** Decides, sends through the real outbox, and returns the one mail the SMTP server received. */
async function decisionMail(reference: string, decision: Decision): Promise<ParsedMail> {
  expect(harness.app.review.decide(reference, decision)).toMatchObject({ ok: true });
  expect(await harness.app.flushOutbox()).toEqual({ sent: 1, sendFailed: 0 });
  expect(smtp.received).toHaveLength(1);
  return simpleParser(smtp.received[0].raw);
}

describe('approval mail', () => {
  it('in Chinese says the closure is under way and promises the confirmation, with no PDF yet', async () => {
    const mail = await decisionMail(zh, { kind: 'approve', by: 'alice', note: null });
    expect(mail.subject).toBe(`[${zh}] 您的账号注销申请已审核通过`);
    expect(mail.text).toContain('您的账号正在办理注销');
    expect(mail.text).not.toContain('账号现已注销');
    expect(mail.attachments).toEqual([]);
  });

  it('in English says the closure is under way, never that the account is closed', async () => {
    const mail = await decisionMail(en, { kind: 'approve', by: 'alice', note: null });
    expect(mail.subject).toBe(`[${en}] Your account cancellation request has been approved`);
    expect(mail.to).toMatchObject({ value: [{ address: 'hannah.okafor.93@gmail.com' }] });
    expect(mail.text).toContain('Your account is now being closed.');
    expect(mail.text).not.toMatch(/has been closed|is closed/);
    expect(mail.attachments).toEqual([]);
  });
});

describe('closure confirmation mail', () => {
  async function closedMail(reference: string) {
    await decisionMail(reference, { kind: 'approve', by: 'alice', note: null });
    smtp.received.length = 0;
    harness.clock.advance(60 * 60 * 1000);
    return decisionMail(reference, { kind: 'close', by: 'alice', note: 'closed in the billing system' });
  }

  it('in Chinese carries a confirmation PDF naming the reference and the time of closing, genuine', async () => {
    const mail = await closedMail(zh);
    expect(mail.subject).toBe(`[${zh}] 您的账号已注销`);
    expect(mail.attachments.map((attachment) => attachment.filename)).toEqual([`confirmation-${zh}.pdf`]);
    const pdf = mail.attachments[0].content;
    expect(pdfText(pdf)).toContain(zh);
    expect(pdfText(pdf)).toContain('注销时间');
    const verdict = await verifyReceipt(pdf, harness.app.receiptKey);
    expect(verdict).toMatchObject({ genuine: true, facts: { kind: 'confirmation', status: 'closed', closedAt: harness.clock.now().toISOString(), reference: zh, language: 'zh', sender: '1827364509@qq.com' } });
  });

  it('in English says the account is closed, with the confirmation in English', async () => {
    const mail = await closedMail(en);
    expect(mail.subject).toBe(`[${en}] Your account is closed`);
    expect(pdfText(mail.attachments[0].content)).toContain('Account closure confirmation');
  });

  it('is not possible before approval', () => {
    expect(harness.app.review.decide(en, { kind: 'close', by: 'alice', note: null })).toMatchObject({ ok: false, reason: 'illegal_transition' });
  });
});

describe('rejection mail', () => {
  it('in English states the reason, and carries no PDF', async () => {
    const mail = await decisionMail(en, { kind: 'reject', by: 'alice', reason: 'The name on the ID card does not match the account holder.' });
    expect(mail.subject).toBe(`[${en}] Your account cancellation request could not be approved`);
    expect(mail.text).toContain('for the following reason:\n\nThe name on the ID card does not match the account holder.\n');
    expect(mail.attachments).toEqual([]);
  });

  it('in Chinese states the reason', async () => {
    const mail = await decisionMail(zh, { kind: 'reject', by: 'alice', reason: '身份证上的姓名与账号持有人不符。' });
    expect(mail.subject).toBe(`[${zh}] 您的账号注销申请未能通过审核`);
    expect(mail.text).toContain('原因如下：\n\n身份证上的姓名与账号持有人不符。\n');
  });
});

describe('request-for-information mail', () => {
  it('in English lists what is needed and asks for a reply keeping the reference in the subject', async () => {
    const mail = await decisionMail(en, { kind: 'request_info', by: 'alice', message: 'A photo of the back of your ID card\n- The phone number on the account' });
    expect(mail.subject).toBe(`[${en}] Your account cancellation request: more information needed`);
    expect(mail.text).toContain('- A photo of the back of your ID card\n- The phone number on the account\n');
    expect(mail.text).toContain(`keep [${en}] in the subject`);
  });

  it('in Chinese lists what is needed and asks for a reply keeping the reference in the subject', async () => {
    const mail = await decisionMail(zh, { kind: 'request_info', by: 'alice', message: '身份证背面照片' });
    expect(mail.subject).toBe(`[${zh}] 您的账号注销申请：请补充资料`);
    expect(mail.text).toContain('- 身份证背面照片\n');
    expect(mail.text).toContain(`保留主题中的 [${zh}]`);
  });
});

it('is threaded to the customer’s mail and marked as automatic, like the acknowledgement', async () => {
  const mail = await decisionMail(en, { kind: 'approve', by: 'alice', note: null });
  const request = harness.app.queue.findRequest(en)!;
  expect(mail.inReplyTo).toBe(request.messageId);
  expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
  expect(request.events.at(-1)).toMatchObject({ type: 'mail_sent', detail: { purpose: 'decision-approved' } });
});
