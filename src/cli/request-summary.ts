/** `queue show` for a person at a terminal: one request as plain text. Pure; `--json` is for programs. */
import type { SenderAuthentication } from '../intake/intake-result';
import type { Translate } from '../console/console-strings';
import { checkDetail, checkLabel, documentProblemLabel, eventDetails, formatSize, formatTime, humanize, problemLabel, resultLabel, statusLabel } from '../console/present';
import type { RequestEvent, RequestMessage } from '../queue/request-queue';
import type { RequestReview } from '../review/review-service';
import { terminalSafe } from './terminal-text';

const AUTHENTICATION_LABELS: Record<SenderAuthentication, string> = {
  pass: 'verified (our mail server authenticated the sender)',
  fail: 'FAILED (the sender may be forged)',
  none: 'not verified (our mail server recorded no result)',
};

const FIELD_LABELS = { username: 'Username', registrationDate: 'Registration date', reason: 'Reason' } as const;

const DOUBT_LABELS: Record<string, string> = {
  from_prose: 'read from prose, not a label',
  from_subject: 'read from the subject',
  bare_line: 'a bare line, no label',
  corrected_in_mail: 'corrected later in the same mail',
  ambiguous_date: 'the date could be read two ways',
};

type TimelineEntry = { at: string; lines: string[] };

/** `t`: the console's English words (templates/web/strings.en.json), so that a label reads the same at the terminal. */
export function requestSummary(review: RequestReview, timeZone: string, t: Translate): string {
  const { request, checks, needsCloserReview, handoff } = review;
  const time = (iso: string) => formatTime(iso, timeZone);
  const sender = request.senderName ? `${request.senderName} <${request.email}>` : request.email;
  const lines = [
    `${request.reference}  ${statusLabel(t, request.status)}${needsCloserReview ? '  (needs a closer look: a pre-check failed)' : ''}`,
    `Times in ${timeZone}`,
    '',
    row('Decided', request.decidedBy ? `${time(request.decidedAt!)} by ${request.decidedBy}` : 'not yet'),
    row('Assigned to', request.assignedTo ?? 'nobody'),
    ...(request.closedAt ? [row('Closed', `${time(request.closedAt)} by ${request.closedBy ?? 'the account system'}`)] : []),
    row('From', sender),
    row('Sender check', AUTHENTICATION_LABELS[request.senderAuthentication] ?? request.senderAuthentication),
    row('Subject', request.subject || '-'),
    row('Received', time(request.receivedAt)),
    row('Language', request.language),
    '',
    'Fields',
    ...(Object.keys(FIELD_LABELS) as (keyof typeof FIELD_LABELS)[]).map((field) => {
      const doubts = request.fieldDoubts.filter((doubt) => doubt.field === field).map((doubt) => DOUBT_LABELS[doubt.why] ?? doubt.why);
      return `  ${row(FIELD_LABELS[field], request.fields[field] ?? '-')}${doubts.length > 0 ? `  [unsure: ${doubts.join('; ')}]` : ''}`;
    }),
    ...(request.problems.length > 0 ? ['', 'Problems', ...request.problems.map((problem) => `  ${problemLabel(t, problem)}`)] : []),
    '',
    'ID documents',
    ...(request.idDocuments.length === 0
      ? ['  none']
      : request.idDocuments.map((document) => {
          const notes = [document.contentType, formatSize(document.size), documentProblemLabel(t, document.problem), document.counted ? null : 'came with an unverified reply, not counted'];
          return `  ${document.position}. ${document.filename} (${notes.filter((note) => note !== null).join(', ')})`;
        })),
    '',
    'Pre-checks',
    ...checks.map((check) => `  ${resultLabel(t, check.result).padEnd(9)}${checkLabel(t, check.name)}: ${checkDetail(t, check)}`),
    ...(handoff
      ? [
          '',
          row(
            'Hand-off',
            handoff.state === 'delivered'
              ? `delivered to the account system ${time(handoff.deliveredAt!)}`
              : `pending, ${handoff.attempts} attempts${handoff.lastError ? `, last error: ${handoff.lastError}` : ''}${handoff.nextAttemptAt ? `, next ${time(handoff.nextAttemptAt)}` : ''}`,
          ),
        ]
      : []),
    '',
    'Conversation and events, oldest first',
    ...timeline(request.messages, request.events, time, t).flatMap((entry) => entry.lines),
  ];
  return terminalSafe(`${lines.join('\n')}\n`);
}

function row(label: string, value: string): string {
  return `${`${label}:`.padEnd(19)}${value}`;
}

/** Messages and events in one time order; at the same instant a message comes before what it caused. */
function timeline(messages: RequestMessage[], events: RequestEvent[], time: (iso: string) => string, t: Translate): TimelineEntry[] {
  const entries = [
    ...messages.map((message) => ({ at: message.at, rank: 0, lines: messageLines(message, time) })),
    ...events.map((event) => ({ at: event.at, rank: 1, lines: [eventLine(event, time, t)] })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank);
}

function messageLines(message: RequestMessage, time: (iso: string) => string): string[] {
  const heading =
    message.direction === 'in'
      ? `mail from ${message.from}, sender check: ${message.authentication ?? 'none'}${message.applied === false ? ' (unverified: changed nothing)' : ''}`
      : message.direction === 'out'
        ? `mail to the customer from ${message.from}`
        : message.subject && message.subject !== 'note'
          ? `${humanize(message.subject)} by ${message.from}`
          : `note by ${message.from}`;
  const documents = message.documents.length > 0 ? `, documents ${message.documents.join(', ')}` : '';
  const attachments = message.attachments.length > 0 ? `, attached ${message.attachments.join(', ')}` : '';
  return [
    `  ${time(message.at)}  ${heading}${documents}${attachments}`,
    ...(message.subject && message.direction !== 'note' ? [`      Subject: ${message.subject}`] : []),
    ...Object.entries(message.changes).map(([field, change]) => `      Corrected ${humanize(field)}: ${change?.from ?? '-'} → ${change?.to ?? '-'}`),
    ...message.text.split(/\r?\n/).map((line) => (line ? `      | ${line}` : '      |')),
  ];
}

function eventLine(event: RequestEvent, time: (iso: string) => string, t: Translate): string {
  const details = eventDetails(t, event.type, event.detail).map(({ key, value }) => `${key}: ${value}`);
  return `  ${time(event.at)}  ${humanize(event.type)} (${event.actor})${details.length > 0 ? ` — ${details.join('; ')}` : ''}`;
}
