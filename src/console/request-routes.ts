import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { calendarDay } from '../clock';
import { isUndecided, type RequestStatus } from '../queue/request-status';
import type { FieldDoubt, FieldName } from '../intake/intake-result';
import type { CancellationRequest, RequestMessage } from '../queue/request-queue';
import type { CheckCounts } from '../review/pre-checks';
import type { Decision, DecisionRefusal, RequestReview, ReviewFilter } from '../review/review-service';
import type { ConsoleContext } from './console-context';
import {
  checkLabel,
  documentProblemLabel,
  eventDetails,
  evidenceLabel,
  formatSize,
  formatTime,
  humanize,
  LONG_WAIT_MS,
  problemLabel,
  resultLabel,
  STATUSES,
  statusLabel,
  waited,
} from './present';
import { refuseCsrf } from './sign-in-routes';
import { contentDisposition, csrfTokenFor, isInlineType, sameSecret } from './web-security';

type Form = Record<string, unknown>;

const REFERENCE = /^CR-[A-Z0-9]{8,32}$/;

type Action = 'approve' | 'reject' | 'request-info' | 'close';
/** What a staff member just did, for the notice on the page they land on. */
type Done = Action | 'reply' | 'note' | 'edit' | 'assign' | 'unassign';

const REFUSALS: Record<DecisionRefusal, { status: number; title: string }> = {
  not_found: { status: 404, title: 'No such request.' },
  illegal_transition: { status: 409, title: 'This decision is not possible.' },
  decided_concurrently: { status: 409, title: 'Someone else changed this request first.' },
  missing_text: { status: 400, title: 'Some text is needed.' },
  unknown_staff: { status: 403, title: 'Your account may not decide.' },
  invalid_value: { status: 400, title: 'That value cannot be used.' },
};

const DONE: Record<Done, string> = {
  approve: 'Approved. The customer is told the closure is under way; record the closure once the account system confirms it.',
  reject: 'Rejected. The mail with your reason to the customer is queued.',
  'request-info': 'Information requested. The mail to the customer is queued; the request waits for their reply.',
  close: 'Recorded as closed. The closure confirmation to the customer is queued.',
  reply: 'Your reply to the customer is queued; it goes out in the thread of the request.',
  note: 'Your note is added to the conversation.',
  edit: 'Corrected. The correction is in the log and the pre-checks were run again.',
  assign: 'The request is assigned to you; it is listed under Mine.',
  unassign: 'The request is assigned to nobody now.',
};

const EDITABLE: Record<string, FieldName> = { username: 'username', registrationDate: 'registrationDate', reason: 'reason' };

/** Why intake was unsure of a field, for staff to look at it first. */
const DOUBT_LABELS: Record<FieldDoubt['why'], string> = {
  from_prose: 'read from a sentence, not a label',
  from_subject: 'read from the subject',
  bare_line: 'a line without a label',
  corrected_in_mail: 'the customer corrected it in the same mail',
  ambiguous_date: 'the date could be read more than one way',
};

function openChecks(counts: CheckCounts): string {
  return [counts.warn > 0 ? `${counts.warn} warn` : null, counts.unknown > 0 ? `${counts.unknown} unknown` : null].filter(Boolean).join(' · ');
}

const SPEAKER: Record<RequestMessage['direction'], string> = { in: 'Customer', out: 'Sent to the customer', note: 'Staff' };

/**
 * Every message of the request in time order: the customer's mails, ours, staff notes and decisions.
 * Those that came after staff last looked are marked new.
 */
function conversation(request: CancellationRequest, timeZone: string) {
  const messages = request.messages.map((message, index) => ({
    direction: message.direction,
    speaker: message.direction === 'note' && message.subject !== 'note' ? `${SPEAKER.note}: ${humanize(message.subject)}` : SPEAKER[message.direction],
    at: formatTime(message.at, timeZone),
    atIso: message.at,
    from: message.from,
    subject: message.direction === 'note' ? '' : message.subject,
    text: message.text,
    authentication: message.authentication,
    unverified: message.applied === false,
    isNew: message.direction === 'in' && request.unreadSince !== null && message.at >= request.unreadSince,
    documents: message.documents.join(', '),
    attachments: message.attachments.join(', '),
    changes: Object.entries(message.changes).map(([field, change]) => ({ field: humanize(field), from: change?.from ?? '—', to: change?.to ?? '—' })),
    latest: index === request.messages.length - 1,
  }));
  return { messages, count: messages.length, hasUnread: messages.some((message) => message.isNew) };
}

/** The queue, one request, decisions and ID documents. Every route here is for signed-in staff only (see the auth hook). */
export function requestRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { review, clock, timeZone } = context;
  const pageSize = context.pageSize ?? 50;

  app.get('/', async (_request, reply) => reply.redirect('/requests', 303));

  app.get('/requests', async (request, reply) => {
    const query = request.query as Form;
    const statusParam = typeof query.status === 'string' ? query.status : null;
    const mine = query.mine === '1';
    // "Mine" is every request assigned to the signed-in member, whatever its status, unless a status is asked for.
    const status = (STATUSES as string[]).includes(statusParam ?? '') ? (statusParam as RequestStatus) : statusParam === 'all' || mine ? undefined : 'pending_review';
    const check = query.check === 'needs_closer_review' || query.check === 'clear' ? query.check : undefined;
    const unread = query.unread === '1';
    const search = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
    const requestedPage = typeof query.page === 'string' && /^[1-9]\d{0,5}$/.test(query.page) ? Number(query.page) : 1;
    const filter: ReviewFilter = { status, check, search: search || undefined, unread, assignedTo: mine ? request.staffName! : undefined, page: requestedPage, pageSize };
    const listing = review.list(filter);
    const pages = Math.max(1, Math.ceil(listing.total / pageSize));
    const now = clock.now();

    const link = (page: number) => {
      const params = new URLSearchParams({ status: status ?? 'all' });
      if (check) params.set('check', check);
      if (unread) params.set('unread', '1');
      if (mine) params.set('mine', '1');
      if (search) params.set('q', search);
      if (page > 1) params.set('page', String(page));
      return `/requests?${params.toString()}`;
    };
    const heading = search ? `Search` : mine ? 'Mine' : status ? statusLabel(status) : 'All requests';
    return context.sendPage(request, reply, 200, 'queue', search ? `Search: ${search}` : heading, {
      currentStatus: search ? null : mine ? 'mine' : (status ?? 'all'),
      heading,
      search,
      mine,
      totalText: `${listing.total} ${listing.total === 1 ? 'request' : 'requests'}${search ? ` matching “${search}”` : ''}, soonest due first`,
      filtered: Boolean(search || check || unread || statusParam || mine),
      unread,
      statusOptions: [
        { value: 'all', label: 'Any status', selected: status === undefined },
        ...STATUSES.map((value) => ({ value, label: statusLabel(value), selected: value === status })),
      ],
      checkOptions: [
        { value: '', label: 'Any', selected: check === undefined },
        { value: 'needs_closer_review', label: 'Needs closer review', selected: check === 'needs_closer_review' },
        { value: 'clear', label: 'All checks clear', selected: check === 'clear' },
      ],
      hasItems: listing.items.length > 0,
      items: listing.items.map((item) => {
        const open = isUndecided(item.status);
        return {
          reference: item.reference,
          status: item.status,
          statusLabel: statusLabel(item.status),
          needsCloserReview: item.needsCloserReview,
          checksClear: item.checkState === 'clear',
          // Not clear and nothing failed: say how much is still open, never "Clear".
          checksOpen: item.checkState === 'open' ? openChecks(item.checkCounts) : null,
          unread: item.unreadSince !== null,
          // A reply after the decision reopens nothing: it is only shown, so that someone reads it.
          replyAfterDecision: item.unreadSince !== null && !isUndecided(item.status),
          email: item.email,
          username: item.username ?? '',
          assignedTo: item.assignedTo,
          assignedToMe: item.assignedTo === request.staffName,
          receivedAt: item.receivedAt,
          received: formatTime(item.receivedAt, timeZone),
          waited: open ? waited(item.receivedAt, now) : '—',
          due: item.dueDate ?? '—',
          // Past its last promised day and still undecided: the promise to the customer is broken.
          overdue: item.status === 'pending_review' && item.dueDate !== null && item.dueDate < calendarDay(now, timeZone),
          longWait: open && now.getTime() - new Date(item.receivedAt).getTime() > LONG_WAIT_MS,
        };
      }),
      page: requestedPage,
      pages,
      previous: requestedPage > 1 ? link(Math.min(requestedPage - 1, pages)) : null,
      following: requestedPage < pages ? link(requestedPage + 1) : null,
    });
  });

  app.get('/requests/:reference', async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const query = request.query as Form;
    const found = REFERENCE.test(reference) ? review.review(reference) : null;
    if (!found) return notFound(request, reply);
    const done = typeof query.done === 'string' && query.done in DONE ? (query.done as Done) : null;
    const viewing = typeof query.document === 'string' && /^[1-9]\d{0,3}$/.test(query.document) ? Number(query.document) : null;
    const promoted = typeof query.promoted === 'string' && /^[1-9]\d{0,9}$/.test(query.promoted) ? query.promoted : null;
    // The page shows what was new before this visit; from now on the queue no longer marks it.
    if (found.request.unreadSince !== null) review.markRead(reference);
    return showRequest(request, reply, 200, found, { done, viewing, promoted });
  });

  for (const action of ['approve', 'reject', 'request-info', 'close'] as const) {
    app.post(`/requests/:reference/${action}`, async (request, reply) => {
      const { reference } = request.params as { reference: string };
      const form = (request.body ?? {}) as Form;
      if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
      if (!REFERENCE.test(reference)) return notFound(request, reply);
      const text = (field: string) => (typeof form[field] === 'string' ? (form[field] as string).trim().slice(0, 2000) : '');
      const version = typeof form.version === 'string' && /^\d{1,9}$/.test(form.version) ? Number(form.version) : null;
      const by = request.staffName!;
      const decision: Decision =
        action === 'approve'
          ? { kind: 'approve', by, note: text('note') || null }
          : action === 'close'
            ? { kind: 'close', by, note: text('note') || null }
            : action === 'reject'
              ? { kind: 'reject', by, reason: text('reason') }
              : { kind: 'request_info', by, message: text('message') };
      if (action === 'approve' && form.confirmed !== '1' && version !== null) {
        const unconfirmed = riskyApproval(reference, version);
        if (unconfirmed) {
          context.log.info('console_approval_needs_confirmation', { reference, staff: by, checks: unconfirmed.checks.filter((check) => check.result !== 'pass').map((check) => check.name) });
          return showRequest(request, reply, 409, unconfirmed, { confirmApproval: true, form: { note: text('note'), reason: '', message: '', openReject: false, openInfo: false } });
        }
      }
      const outcome =
        version === null
          ? ({ ok: false, reason: 'decided_concurrently', message: 'The form did not say which version of the request it was for. Reload the page and decide again.' } as const)
          : review.decide(reference, decision, version);
      if (outcome.ok) {
        context.log.info('console_decided', { reference, decision: decision.kind, staff: by });
        return reply.redirect(`/requests/${reference}?done=${action}`, 303);
      }
      const current = review.review(reference);
      if (!current) return notFound(request, reply);
      const refusal = REFUSALS[outcome.reason] ?? { status: 409, title: 'Not decided.' };
      return showRequest(request, reply, refusal.status, current, {
        refusal: { title: refusal.title, message: outcome.message },
        form: {
          note: text('note'),
          reason: text('reason'),
          message: text('message'),
          openReject: action === 'reject',
          openInfo: action === 'request-info',
        },
      });
    });
  }

  app.post('/requests/:reference/edit', async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const form = (request.body ?? {}) as Form;
    if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
    if (!REFERENCE.test(reference)) return notFound(request, reply);
    const field = typeof form.field === 'string' && Object.hasOwn(EDITABLE, form.field) ? EDITABLE[form.field] : null;
    const value = typeof form.value === 'string' ? form.value.slice(0, 2000) : '';
    const version = typeof form.version === 'string' && /^\d{1,9}$/.test(form.version) ? Number(form.version) : null;
    const outcome =
      field === null || version === null
        ? ({ ok: false, reason: 'invalid_value', message: 'Choose the field to correct, and reload the page if it is old.' } as const)
        : review.correct(reference, { by: request.staffName!, field, value }, version);
    if (outcome.ok) {
      context.log.info('console_corrected', { reference, field, staff: request.staffName });
      return reply.redirect(`/requests/${reference}?done=edit`, 303);
    }
    const current = review.review(reference);
    if (!current) return notFound(request, reply);
    const refusal = REFUSALS[outcome.reason];
    return showRequest(request, reply, refusal.status, current, { refusal: { title: refusal.title, message: outcome.message }, correction: { field: field ?? '', value } });
  });

  for (const kind of ['reply', 'note'] as const) {
    app.post(`/requests/:reference/${kind}`, async (request, reply) => {
      const { reference } = request.params as { reference: string };
      const form = (request.body ?? {}) as Form;
      if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
      if (!REFERENCE.test(reference)) return notFound(request, reply);
      const field = kind === 'reply' ? 'message' : 'text';
      const text = typeof form[field] === 'string' ? (form[field] as string).slice(0, 5000) : '';
      const outcome = review.write(reference, { kind, by: request.staffName!, text });
      if (outcome.ok) {
        context.log.info('console_wrote', { reference, kind, staff: request.staffName });
        return reply.redirect(`/requests/${reference}?done=${kind}#latest`, 303);
      }
      const current = review.review(reference);
      if (!current) return notFound(request, reply);
      const refusal = REFUSALS[outcome.reason] ?? { status: 409, title: 'Not sent.' };
      return showRequest(request, reply, refusal.status, current, {
        refusal: { title: refusal.title, message: outcome.message },
        words: { reply: kind === 'reply' ? text : '', note: kind === 'note' ? text : '' },
      });
    });
  }

  app.post('/requests/:reference/assign', async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const form = (request.body ?? {}) as Form;
    if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
    if (!REFERENCE.test(reference)) return notFound(request, reply);
    const by = request.staffName!;
    // Staff take requests on themselves, or give them back; handing work to a colleague is theirs to do.
    const to = form.to === 'me' ? by : form.to === 'nobody' ? null : undefined;
    if (to === undefined) return notFound(request, reply);
    const outcome = review.assign(reference, by, to);
    if (!outcome.ok) {
      const current = review.review(reference);
      if (!current) return notFound(request, reply);
      const refusal = REFUSALS[outcome.reason];
      return showRequest(request, reply, refusal.status, current, { refusal: { title: refusal.title, message: outcome.message } });
    }
    context.log.info('console_assigned', { reference, staff: by, to });
    return reply.redirect(`/requests/${reference}?done=${to === null ? 'unassign' : 'assign'}`, 303);
  });

  /**
   * The request, when approving it as the staff member saw it would go ahead although a pre-check did
   * not pass; null when it is safe to decide (or the decision would be refused anyway, which says why).
   */
  function riskyApproval(reference: string, version: number): RequestReview | null {
    const current = review.review(reference);
    if (!current || current.request.status !== 'pending_review' || current.request.version !== version) return null;
    return current.checks.some((check) => check.result !== 'pass') ? current : null;
  }

  app.get('/requests/:reference/documents/:position', async (request, reply) => {
    const { reference, position } = request.params as { reference: string; position: string };
    if (!REFERENCE.test(reference) || !/^[1-9]\d{0,3}$/.test(position)) return notFound(request, reply);
    const opened = await review.openDocument(reference, Number(position), request.staffName!, 'web');
    if (!opened) return notFound(request, reply);
    const { document, content } = opened;
    const inline = isInlineType(document.contentType);
    return reply
      .code(200)
      .header('content-type', inline ? document.contentType : 'application/octet-stream')
      .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', document.filename))
      .header('cache-control', 'no-store')
      .send(content);
  });

  function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return context.sendMessage(request, reply, 404, 'Not found', 'There is no such request or document.', { href: '/requests', label: 'Back to the queue' });
  }

  function showRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    found: RequestReview,
    options: {
      done?: Done | null;
      viewing?: number | null;
      promoted?: string | null;
      refusal?: { title: string; message: string };
      form?: { note: string; reason: string; message: string; openReject: boolean; openInfo: boolean };
      words?: { reply: string; note: string };
      correction?: { field: string; value: string };
      /** Approve was pressed on a request whose checks did not all pass: ask first. */
      confirmApproval?: boolean;
    },
  ): FastifyReply {
    const { request: cancellation, checks, needsCloserReview, bodyText, handoff, otherRequests } = found;
    const { reference } = cancellation;
    const now = clock.now();
    const open = isUndecided(cancellation.status);
    const base = `/requests/${reference}`;
    const documents = cancellation.idDocuments.map((document) => ({
      position: document.position,
      filename: document.filename,
      contentType: document.contentType,
      declaredType: document.declaredType,
      declaredDiffers: document.declaredType !== document.contentType,
      size: formatSize(document.size),
      valid: document.valid,
      counted: document.counted,
      purged: document.purgedAt !== null,
      problem: documentProblemLabel(document.problem),
      inline: isInlineType(document.contentType),
      href: `${base}/documents/${document.position}`,
      viewHref: `${base}?document=${document.position}#viewer`,
      viewing: options.viewing === document.position,
    }));
    const shown = documents.find((document) => document.viewing && document.inline);
    let next: { reference: string } | undefined;
    if (options.done && !['reply', 'note', 'edit', 'assign', 'unassign'].includes(options.done)) next = review.list({ status: 'pending_review', page: 1, pageSize: 2 }).items.find((item) => item.reference !== reference);

    return context.sendPage(request, reply, status, 'request', reference, {
      reference,
      status: cancellation.status,
      statusLabel: statusLabel(cancellation.status),
      currentStatus: null,
      needsCloserReview,
      open,
      hasOtherRequests: otherRequests.length > 0,
      otherRequests: otherRequests.map((other) => ({
        reference: other.reference,
        statusLabel: statusLabel(other.status),
        status: other.status,
        email: other.email,
        username: other.username ?? '',
        received: formatTime(other.receivedAt, timeZone),
      })),
      receivedAt: cancellation.receivedAt,
      received: formatTime(cancellation.receivedAt, timeZone),
      waited: waited(cancellation.receivedAt, now),
      due: cancellation.dueDate,
      overdue: cancellation.status === 'pending_review' && cancellation.dueDate !== null && cancellation.dueDate < calendarDay(now, timeZone),
      updatedAt: cancellation.updatedAt,
      updated: formatTime(cancellation.updatedAt, timeZone),
      notice: options.done
        ? { text: DONE[options.done], nextHref: next ? `/requests/${next.reference}` : null, nextReference: next?.reference ?? null }
        : options.promoted
          ? { text: `Promoted from unsorted mail ${options.promoted}.`, nextHref: null, nextReference: null }
          : null,
      refusal: options.refusal ?? null,
      email: cancellation.email,
      username: cancellation.fields.username ?? '',
      registrationDate: cancellation.fields.registrationDate ?? '',
      reason: cancellation.fields.reason ?? '',
      languageLabel: cancellation.language === 'zh' ? 'Chinese (zh)' : 'English (en)',
      subject: cancellation.subject,
      senderAuthentication: cancellation.senderAuthentication,
      messageId: cancellation.messageId ?? '',
      hasProblems: cancellation.problems.length > 0,
      problems: cancellation.problems.map(problemLabel),
      hasChecks: checks.length > 0,
      checks: checks.map((check) => ({ label: checkLabel(check.name), result: check.result, resultLabel: resultLabel(check.result), detail: check.detail })),
      hasDocuments: documents.length > 0,
      documents,
      viewer: shown
        ? {
            image: shown.contentType.startsWith('image/') ? { src: shown.href } : null,
            pdf: shown.contentType === 'application/pdf' ? { src: shown.href } : null,
            position: shown.position,
            filename: shown.filename,
            closeHref: `${base}#documents`,
          }
        : null,
      bodyText,
      hasEvidence: cancellation.evidence.length > 0,
      evidence: cancellation.evidence.map((entry) => ({ signal: entry.signal, label: evidenceLabel(entry.signal), detail: entry.detail })),
      conversation: conversation(cancellation, timeZone),
      doubts: Object.fromEntries(
        (['username', 'registrationDate', 'reason'] as const).map((field) => [
          field,
          cancellation.fieldDoubts.filter((doubt) => doubt.field === field).map((doubt) => DOUBT_LABELS[doubt.why]).join('; ') || null,
        ]),
      ),
      correction: options.correction ?? { field: '', value: '' },
      editableFields: (['username', 'registrationDate', 'reason'] as const).map((field) => ({
        value: field,
        label: humanize(field === 'registrationDate' ? 'registration_date' : field),
        selected: options.correction?.field === field,
      })),
      words: options.words ?? { reply: '', note: '' },
      assignedTo: cancellation.assignedTo,
      assignedToMe: cancellation.assignedTo !== null && cancellation.assignedTo === request.staffName,
      confirmApproval: options.confirmApproval
        ? { checks: checks.filter((check) => check.result !== 'pass').map((check) => ({ label: checkLabel(check.name), result: check.result, resultLabel: resultLabel(check.result), detail: check.detail })) }
        : null,
      decidable: cancellation.status === 'pending_review',
      closable: cancellation.status === 'approved',
      closed: cancellation.closedAt ? { at: formatTime(cancellation.closedAt, timeZone), by: cancellation.closedBy } : null,
      decidedText:
        cancellation.status === 'needs_info'
          ? 'Waiting for the customer to send what is missing; the request comes back for review once it is complete.'
          : `This request is ${statusLabel(cancellation.status).toLowerCase()}; it cannot be decided again.`,
      version: cancellation.version,
      form: options.form ?? { note: '', reason: '', message: '', openReject: false, openInfo: false },
      handoff: handoff
        ? {
            state: handoff.state,
            stateLabel: humanize(handoff.state),
            summary:
              handoff.state === 'delivered'
                ? `on ${handoff.deliveredAt ? formatTime(handoff.deliveredAt, timeZone) : '?'} after ${handoff.attempts} ${handoff.attempts === 1 ? 'attempt' : 'attempts'}`
                : `${handoff.attempts} ${handoff.attempts === 1 ? 'attempt' : 'attempts'} so far${handoff.nextAttemptAt ? `; next at ${formatTime(handoff.nextAttemptAt, timeZone)}` : ''}`,
            lastError: handoff.lastError ?? '',
          }
        : null,
      events: cancellation.events.map((event) => {
        const details = eventDetails(event.detail);
        return { atIso: event.at, at: formatTime(event.at, timeZone), actor: event.actor, type: humanize(event.type), hasDetails: details.length > 0, details };
      }),
    });
  }
}
