import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { calendarDay } from '../clock';
import { isUndecided, type RequestStatus } from '../queue/request-status';
import type { FieldName } from '../intake/intake-result';
import type { CancellationRequest } from '../queue/request-queue';
import type { CheckCounts } from '../review/pre-checks';
import type { Saying } from '../review/refusals';
import type { Decision, DecisionRefusal, RequestReview, ReviewFilter } from '../review/review-service';
import type { ConsoleContext } from './console-context';
import type { Translate } from './console-strings';
import {
  authenticationLabel,
  checkDetail,
  checkLabel,
  documentProblemLabel,
  doubtLabel,
  eventLabel,
  eventRows,
  evidenceRows,
  formatSize,
  formatTime,
  label,
  LONG_WAIT_MS,
  REQUEST_DONE,
  problemLabel,
  refusalText,
  resultLabel,
  STATUSES,
  statusLabel,
  waited,
  type RequestDone,
} from './present';
import { refuseCsrf } from './sign-in-routes';
import { contentDisposition, csrfTokenFor, isInlineType, sameSecret } from './web-security';

type Form = Record<string, unknown>;

const REFERENCE = /^CR-[A-Z0-9]{8,32}$/;


const REFUSAL_STATUS: Record<DecisionRefusal, number> = { not_found: 404, illegal_transition: 409, decided_concurrently: 409, missing_text: 400, unknown_staff: 403, invalid_value: 400 };

const EDITABLE: Record<string, FieldName> = { username: 'username', registrationDate: 'registrationDate', reason: 'reason' };

function openChecks(t: Translate, counts: CheckCounts): string {
  return [counts.warn > 0 ? t('queue.checksWarn', { count: counts.warn }) : null, counts.unknown > 0 ? t('queue.checksUnknown', { count: counts.unknown }) : null].filter(Boolean).join(' · ');
}

/**
 * Every message of the request in time order: the customer's mails, ours, staff notes and decisions.
 * Those that came after staff last looked are marked new.
 */
function conversation(t: Translate, request: CancellationRequest, timeZone: string) {
  const messages = request.messages.map((message, index) => ({
    direction: message.direction,
    speaker: message.direction === 'note' && message.subject !== 'note' ? `${t('speaker.note')}: ${eventLabel(t, message.subject)}` : t(`speaker.${message.direction}`),
    at: formatTime(message.at, timeZone),
    atIso: message.at,
    from: message.from,
    subject: message.direction === 'note' ? '' : message.subject,
    // The desk's own note of a correction names the field by its identifier (src/queue/decisions.ts): worded here.
    text: message.direction === 'note' && message.subject === 'field_corrected' ? message.text.replace(/^(username|registrationDate|reason):/, (_, field: string) => `${label(t, 'field', field)}:`) : message.text,
    authentication: message.authentication === null ? null : { result: message.authentication, label: authenticationLabel(t, message.authentication) },
    unverified: message.applied === false,
    isNew: message.direction === 'in' && request.unreadSince !== null && message.at >= request.unreadSince,
    documents: message.documents.join(', '),
    attachments: message.attachments.join(', '),
    changes: Object.entries(message.changes).map(([field, change]) => ({ field: label(t, 'field', field), from: change?.from ?? '—', to: change?.to ?? '—' })),
    latest: index === request.messages.length - 1,
  }));
  return { messages, countText: t('conversation.count', { count: messages.length }), hasUnread: messages.some((message) => message.isNew) };
}

/** The queue, one request, decisions and ID documents. Every route here is for signed-in staff only (see the auth hook). */
export function requestRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { review, clock, timeZone } = context;
  const pageSize = context.pageSize ?? 50;

  app.get('/', async (_request, reply) => reply.redirect('/requests', 303));

  app.get('/requests', async (request, reply) => {
    const t = context.t(request);
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
    const heading = search ? t('queue.search') : mine ? t('tabs.mine') : status ? statusLabel(t, status) : t('queue.allRequests');
    return context.sendPage(request, reply, 200, 'queue', search ? t('queue.searchTitle', { search }) : heading, {
      currentStatus: search ? null : mine ? 'mine' : (status ?? 'all'),
      heading,
      search,
      mine,
      totalText: t(
        listing.totalCapped ? 'queue.totalMatchingMore' : search ? (listing.total === 1 ? 'queue.totalOneMatching' : 'queue.totalMatching') : listing.total === 1 ? 'queue.totalOne' : 'queue.total',
        { count: listing.total, search },
      ),
      filtered: Boolean(search || check || unread || statusParam || mine),
      unread,
      statusOptions: [
        { value: 'all', label: t('queue.anyStatus'), selected: status === undefined },
        ...STATUSES.map((value) => ({ value, label: statusLabel(t, value), selected: value === status })),
      ],
      checkOptions: [
        { value: '', label: t('queue.anyCheck'), selected: check === undefined },
        { value: 'needs_closer_review', label: t('queue.needsCloserReview'), selected: check === 'needs_closer_review' },
        { value: 'clear', label: t('queue.allChecksClear'), selected: check === 'clear' },
      ],
      hasItems: listing.items.length > 0,
      emptyText: search ? t('queue.emptyMatching', { search }) : t('queue.empty'),
      items: listing.items.map((item) => {
        const open = isUndecided(item.status);
        return {
          reference: item.reference,
          status: item.status,
          statusLabel: statusLabel(t, item.status),
          needsCloserReview: item.needsCloserReview,
          checksClear: item.checkState === 'clear',
          // Not clear and nothing failed: say how much is still open, never "Clear".
          checksOpen: item.checkState === 'open' ? openChecks(t, item.checkCounts) : null,
          unread: item.unreadSince !== null,
          // A reply after the decision reopens nothing: it is only shown, so that someone reads it.
          replyAfterDecision: item.unreadSince !== null && !isUndecided(item.status),
          email: item.email,
          username: item.username ?? '',
          assignedTo: item.assignedTo,
          assignedToMe: item.assignedTo === request.staffName,
          receivedAt: item.receivedAt,
          received: formatTime(item.receivedAt, timeZone),
          waited: open ? waited(t, item.receivedAt, now) : '—',
          due: item.dueDate ?? '—',
          // Past its last promised day and still undecided: the promise to the customer is broken.
          overdue: item.status === 'pending_review' && item.dueDate !== null && item.dueDate < calendarDay(now, timeZone),
          longWait: open && now.getTime() - new Date(item.receivedAt).getTime() > LONG_WAIT_MS,
        };
      }),
      // A count that stopped early knows no last page: a full page has a next one.
      pageText: listing.totalCapped ? t('queue.page', { page: requestedPage }) : t('queue.pageOf', { page: requestedPage, pages }),
      previous: requestedPage > 1 ? link(listing.totalCapped ? requestedPage - 1 : Math.min(requestedPage - 1, pages)) : null,
      following: requestedPage < pages || (listing.totalCapped && listing.items.length === pageSize) ? link(requestedPage + 1) : null,
    });
  });

  app.get('/requests/:reference', async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const query = request.query as Form;
    const found = REFERENCE.test(reference) ? review.review(reference) : null;
    if (!found) return notFound(request, reply);
    const done = typeof query.done === 'string' && (REQUEST_DONE as string[]).includes(query.done) ? (query.done as RequestDone) : null;
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
          ? ({ ok: false, reason: 'decided_concurrently', text: context.t(request)('request.noVersion') } as const)
          : review.decide(reference, decision, version);
      if (outcome.ok) {
        context.log.info('console_decided', { reference, decision: decision.kind, staff: by });
        return reply.redirect(`/requests/${reference}?done=${action}`, 303);
      }
      const current = review.review(reference);
      if (!current) return notFound(request, reply);
      return showRequest(request, reply, REFUSAL_STATUS[outcome.reason], current, {
        refusal: refusal(request, outcome),
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
        ? ({ ok: false, reason: 'invalid_value', text: context.t(request)('request.chooseField') } as const)
        : review.correct(reference, { by: request.staffName!, field, value }, version);
    if (outcome.ok) {
      context.log.info('console_corrected', { reference, field, staff: request.staffName });
      return reply.redirect(`/requests/${reference}?done=edit`, 303);
    }
    const current = review.review(reference);
    if (!current) return notFound(request, reply);
    return showRequest(request, reply, REFUSAL_STATUS[outcome.reason], current, { refusal: refusal(request, outcome), correction: { field: field ?? '', value } });
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
      return showRequest(request, reply, REFUSAL_STATUS[outcome.reason], current, {
        refusal: refusal(request, outcome),
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
      return showRequest(request, reply, REFUSAL_STATUS[outcome.reason], current, { refusal: refusal(request, outcome) });
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
    const t = context.t(request);
    return context.sendMessage(request, reply, 404, t('message.notFound'), t('message.noSuchRequest'), { href: '/requests', label: t('message.backToQueue') });
  }

  /** The refusal as staff read it: the service's, worded from its sayings; or the console's own words (`text`). */
  function refusal(request: FastifyRequest, outcome: { reason: DecisionRefusal } & ({ message: string; said: Saying[] } | { text: string })) {
    const t = context.t(request);
    return { title: t(`request.refusal.${outcome.reason}`), message: 'text' in outcome ? outcome.text : refusalText(t, outcome, timeZone) };
  }

  function showRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    found: RequestReview,
    options: {
      done?: RequestDone | null;
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
    const t = context.t(request);
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
      problem: documentProblemLabel(t, document.problem),
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
      statusLabel: statusLabel(t, cancellation.status),
      currentStatus: null,
      needsCloserReview,
      open,
      hasOtherRequests: otherRequests.length > 0,
      otherRequests: otherRequests.map((other) => ({
        reference: other.reference,
        statusLabel: statusLabel(t, other.status),
        status: other.status,
        email: other.email,
        username: other.username ?? '',
        received: formatTime(other.receivedAt, timeZone),
      })),
      receivedAt: cancellation.receivedAt,
      received: formatTime(cancellation.receivedAt, timeZone),
      waited: waited(t, cancellation.receivedAt, now),
      due: cancellation.dueDate,
      overdue: cancellation.status === 'pending_review' && cancellation.dueDate !== null && cancellation.dueDate < calendarDay(now, timeZone),
      updatedAt: cancellation.updatedAt,
      updated: formatTime(cancellation.updatedAt, timeZone),
      notice: options.done
        ? { text: t(`request.done.${options.done}`), nextHref: next ? `/requests/${next.reference}` : null, nextReference: next?.reference ?? null }
        : options.promoted
          ? { text: t('request.promoted', { id: options.promoted }), nextHref: null, nextReference: null }
          : null,
      refusal: options.refusal ?? null,
      email: cancellation.email,
      username: cancellation.fields.username ?? '',
      registrationDate: cancellation.fields.registrationDate ?? '',
      reason: cancellation.fields.reason ?? '',
      languageLabel: t(`language.${cancellation.language}`),
      subject: cancellation.subject,
      senderAuthentication: cancellation.senderAuthentication,
      senderAuthenticationLabel: authenticationLabel(t, cancellation.senderAuthentication),
      messageId: cancellation.messageId ?? '',
      hasProblems: cancellation.problems.length > 0,
      problems: cancellation.problems.map((problem) => problemLabel(t, problem)),
      hasChecks: checks.length > 0,
      checks: checks.map((check) => ({ label: checkLabel(t, check.name), result: check.result, resultLabel: resultLabel(t, check.result), detail: checkDetail(t, check) })),
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
      evidence: evidenceRows(t, cancellation.evidence),
      conversation: conversation(t, cancellation, timeZone),
      doubts: Object.fromEntries(
        (['username', 'registrationDate', 'reason'] as const).map((field) => [
          field,
          cancellation.fieldDoubts.filter((doubt) => doubt.field === field).map((doubt) => doubtLabel(t, doubt.why)).join(t('request.doubtSeparator')) || null,
        ]),
      ),
      correction: options.correction ?? { field: '', value: '' },
      editableFields: (['username', 'registrationDate', 'reason'] as const).map((field) => ({
        value: field,
        label: t(`field.${field}`),
        selected: options.correction?.field === field,
      })),
      words: options.words ?? { reply: '', note: '' },
      assignedTo: cancellation.assignedTo,
      assignedToMe: cancellation.assignedTo !== null && cancellation.assignedTo === request.staffName,
      confirmApproval: options.confirmApproval
        ? { checks: checks.filter((check) => check.result !== 'pass').map((check) => ({ label: checkLabel(t, check.name), result: check.result, resultLabel: resultLabel(t, check.result), detail: checkDetail(t, check) })) }
        : null,
      decidable: cancellation.status === 'pending_review',
      closable: cancellation.status === 'approved',
      closed: cancellation.closedAt ? { at: formatTime(cancellation.closedAt, timeZone), by: cancellation.closedBy } : null,
      decidedText:
        cancellation.status === 'needs_info'
          ? t('request.waitingForCustomer')
          : t('request.decidedAlready', { status: statusLabel(t, cancellation.status).toLowerCase() }),
      version: cancellation.version,
      form: options.form ?? { note: '', reason: '', message: '', openReject: false, openInfo: false },
      handoff: handoff
        ? {
            state: handoff.state,
            stateLabel: t(`handoff.${handoff.state}`),
            summary:
              handoff.state === 'delivered'
                ? t(handoff.attempts === 1 ? 'handoff.deliveredOne' : 'handoff.deliveredMany', { at: handoff.deliveredAt ? formatTime(handoff.deliveredAt, timeZone) : '?', attempts: handoff.attempts })
                : handoff.nextAttemptAt
                  ? t(handoff.attempts === 1 ? 'handoff.pendingOneNext' : 'handoff.pendingManyNext', { attempts: handoff.attempts, next: formatTime(handoff.nextAttemptAt, timeZone) })
                  : t(handoff.attempts === 1 ? 'handoff.pendingOne' : 'handoff.pendingMany', { attempts: handoff.attempts }),
            lastError: handoff.lastError ?? '',
          }
        : null,
      events: eventRows(t, cancellation.events, timeZone),
    });
  }
}
