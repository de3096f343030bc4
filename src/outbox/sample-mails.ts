import type { Language } from '../intake/intake-result';
import type { MailPurpose, OutboxMessage, RequestMailPayload } from '../queue/outbox-store';
import type { RequestStatus } from '../queue/request-status';

/** Every mail cancel-desk sends, by the name an operator asks `cancel-desk preview` for. */
export const SAMPLE_MAILS = ['ack', 'ack-needs-info', 'reply-received', 'staff-reply', 'approved', 'closed', 'rejected', 'info', 'triage-reply'] as const;
export type SampleMail = (typeof SAMPLE_MAILS)[number];

export const LANGUAGES: readonly Language[] = ['zh', 'en'];

const SITUATIONS: Record<Exclude<SampleMail, 'triage-reply'>, { purpose: MailPurpose; status: RequestStatus }> = {
  ack: { purpose: 'acknowledgement', status: 'pending_review' },
  'ack-needs-info': { purpose: 'acknowledgement', status: 'needs_info' },
  'reply-received': { purpose: 'reply-received', status: 'pending_review' },
  'staff-reply': { purpose: 'staff-reply', status: 'pending_review' },
  approved: { purpose: 'decision-approved', status: 'approved' },
  closed: { purpose: 'decision-closed', status: 'closed' },
  rejected: { purpose: 'decision-rejected', status: 'rejected' },
  info: { purpose: 'decision-info-requested', status: 'needs_info' },
};

const WORDS: Record<Language, { reason: string; note: Partial<Record<SampleMail, string>>; subject: string }> = {
  zh: {
    reason: '出国，不再使用',
    note: { 'staff-reply': '您的余额将在 7 个工作日内退回。', rejected: '证件上的姓名与账号登记的姓名不一致。', info: '身份证正面照片\n注册时的手机号码', 'triage-reply': '请回复本邮件并提供用户名、注册日期和注销原因。' },
    subject: '如何注销账号？',
  },
  en: {
    reason: 'Moving abroad',
    note: { 'staff-reply': 'Your balance will be refunded within 7 working days.', rejected: 'The name on the ID document does not match the account holder.', info: 'A photo of the front of your ID card\nThe phone number you registered with', 'triage-reply': 'Please reply with your username, registration date and reason.' },
    subject: 'How do I close my account?',
  },
};

const REFERENCE = 'CR-SAMPLE0001';

/**
 * An outbox row for `sample` as the queue would hold it, with made-up customer data: what the
 * start-up template check renders, and what `cancel-desk preview` shows an operator.
 */
export function sampleMessage(sample: SampleMail, language: Language, now: Date, domain: string): OutboxMessage {
  const at = now.toISOString();
  const words = WORDS[language];
  const message = { id: 0, recipient: 'customer@example.com', inReplyTo: '<sample-request@example.com>', references: ['<sample-request@example.com>'], attempts: 0 };
  if (sample === 'triage-reply') {
    return {
      ...message,
      purpose: 'triage-reply',
      messageId: `<triage-reply.T1.1@${domain}>`,
      payload: { triage: { id: 1, language, subject: `Re: ${words.subject}` }, note: words.note['triage-reply']!, queuedAt: at },
    };
  }
  const { purpose, status } = SITUATIONS[sample];
  const complete = sample !== 'ack-needs-info';
  const payload: RequestMailPayload = {
    request: {
      reference: REFERENCE,
      status,
      email: 'customer@example.com',
      senderName: 'Sample Customer',
      language,
      fields: { username: 'sample_user', registrationDate: complete ? '2021-03-15' : null, reason: words.reason },
      problems: complete ? [] : ['missing_registration_date', 'missing_id_document'],
      senderAuthentication: 'pass',
      subject: words.subject,
      messageId: '<sample-request@example.com>',
      receivedAt: at,
      updatedAt: at,
      decidedBy: status === 'pending_review' || status === 'needs_info' ? null : 'sample-staff',
      decidedAt: status === 'pending_review' || status === 'needs_info' ? null : at,
      closedAt: status === 'closed' ? at : null,
      closedBy: status === 'closed' ? 'sample-staff' : null,
      unreadSince: null,
      assignedTo: null,
      // Three working days on from the sample's day is near enough for a look at the wording.
      dueDate: status === 'pending_review' ? new Date(now.getTime() + 3 * 86_400_000).toISOString().slice(0, 10) : null,
      evidence: [],
      fieldDoubts: [],
      idDocuments: complete ? [sampleDocument(at)] : [],
      messages: [],
    },
    note: words.note[sample] ?? null,
    queuedAt: at,
  };
  return { ...message, purpose, messageId: `<${purpose}.${REFERENCE}.1@${domain}>`, payload };
}

function sampleDocument(at: string): RequestMailPayload['request']['idDocuments'][number] {
  return {
    position: 1,
    filename: 'id-card.jpg',
    contentType: 'image/jpeg',
    declaredType: 'image/jpeg',
    size: 182_044,
    sha256: '9f2c4e1ab07d53e8c6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
    valid: true,
    problem: null,
    vaultId: 'sample',
    receivedAt: at,
    counted: true,
    purgedAt: null,
  };
}
