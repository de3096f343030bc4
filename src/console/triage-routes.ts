import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TriageAction, TriageItem, TriageRefusal } from '../triage/triage-service';
import type { ConsoleContext } from './console-context';
import { documentProblemLabel, evidenceLabel, formatSize, formatTime, humanize, eventDetails, waited } from './present';
import { refuseCsrf } from './sign-in-routes';
import { contentDisposition, csrfTokenFor, isInlineType, sameSecret } from './web-security';

type Form = Record<string, unknown>;
type Action = TriageAction['kind'];

const ID = /^[1-9]\d{0,9}$/;

const REFUSALS: Record<TriageRefusal, { status: number; title: string }> = {
  not_found: { status: 404, title: 'No such mail.' },
  settled: { status: 409, title: 'Someone already dealt with this mail.' },
  changed: { status: 409, title: 'Someone changed this mail first.' },
  missing_text: { status: 400, title: 'Some text is needed.' },
  unknown_staff: { status: 403, title: 'Your account may not do this.' },
};

const DONE: Record<Action, string> = {
  promote: 'Promoted to a request.',
  reply: 'Answered. Your reply to the sender is queued.',
  dismiss: 'Dismissed.',
};

/**
 * "Unsorted mail": human mail intake was not sure was a request (questions, unclear mail, mail with
 * some evidence). Staff read it with the evidence intake weighed, then promote, answer or dismiss it.
 */
export function triageRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { triage, clock, timeZone } = context;

  app.get('/triage', async (request, reply) => {
    const now = clock.now();
    const items = triage.list('open');
    return context.sendPage(request, reply, 200, 'triage', 'Unsorted mail', {
      currentStatus: 'triage',
      totalText: `${items.length} ${items.length === 1 ? 'mail' : 'mails'} waiting, oldest first`,
      hasItems: items.length > 0,
      items: items.map((item) => ({
        id: item.id,
        from: item.from,
        senderName: item.senderName,
        subject: item.subject,
        receivedAt: item.receivedAt,
        received: formatTime(item.receivedAt, timeZone),
        waited: waited(item.receivedAt, now),
        evidence: item.evidence.map((entry) => evidenceLabel(entry.signal)).join(' · '),
        documentCount: item.documents.length,
      })),
    });
  });

  app.get('/triage/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const item = ID.test(id) ? triage.find(Number(id)) : null;
    if (!item) return notFound(request, reply);
    const query = request.query as Form;
    const done = typeof query.done === 'string' && query.done in DONE ? (query.done as Action) : null;
    return showItem(request, reply, 200, item, { done });
  });

  for (const action of ['promote', 'reply', 'dismiss'] as const) {
    app.post(`/triage/:id/${action}`, async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = (request.body ?? {}) as Form;
      if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
      if (!ID.test(id)) return notFound(request, reply);
      const text = (field: string) => (typeof form[field] === 'string' ? (form[field] as string).trim().slice(0, 4000) : '');
      const version = typeof form.version === 'string' && /^\d{1,9}$/.test(form.version) ? Number(form.version) : undefined;
      const by = request.staffName!;
      const chosen: TriageAction =
        action === 'promote' ? { kind: 'promote', by } : action === 'reply' ? { kind: 'reply', by, message: text('message') } : { kind: 'dismiss', by, reason: text('reason') };
      const outcome = version === undefined ? ({ ok: false, reason: 'changed', message: 'The form did not say which version of the mail it was for. Reload the page and try again.' } as const) : triage.act(Number(id), chosen, version);
      if (outcome.ok) {
        context.log.info('console_triaged', { triageId: Number(id), action, staff: by, reference: outcome.reference });
        return reply.redirect(outcome.reference ? `/requests/${outcome.reference}?promoted=${id}` : `/triage/${id}?done=${action}`, 303);
      }
      const current = triage.find(Number(id));
      if (!current) return notFound(request, reply);
      const refusal = REFUSALS[outcome.reason];
      return showItem(request, reply, refusal.status, current, {
        refusal: { title: refusal.title, message: outcome.message },
        form: { message: text('message'), reason: text('reason'), openReply: action === 'reply', openDismiss: action === 'dismiss' },
      });
    });
  }

  app.get('/triage/:id/documents/:position', async (request, reply) => {
    const { id, position } = request.params as { id: string; position: string };
    if (!ID.test(id) || !/^[1-9]\d{0,3}$/.test(position)) return notFound(request, reply);
    const opened = await triage.openDocument(Number(id), Number(position), request.staffName!, 'web');
    if (!opened) return notFound(request, reply);
    const inline = isInlineType(opened.document.contentType);
    return reply
      .code(200)
      .header('content-type', inline ? opened.document.contentType : 'application/octet-stream')
      .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', opened.document.filename))
      .header('cache-control', 'no-store')
      .send(opened.content);
  });

  function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return context.sendMessage(request, reply, 404, 'Not found', 'There is no such mail or document.', { href: '/triage', label: 'Back to unsorted mail' });
  }

  function showItem(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    item: TriageItem,
    options: { done?: Action | null; refusal?: { title: string; message: string }; form?: { message: string; reason: string; openReply: boolean; openDismiss: boolean } },
  ): FastifyReply {
    const base = `/triage/${item.id}`;
    return context.sendPage(request, reply, status, 'triage-item', `Mail ${item.id}`, {
      currentStatus: 'triage',
      id: item.id,
      open: item.status === 'open',
      statusLabel: humanize(item.status),
      settled: item.status === 'open' ? null : { by: item.settledBy, at: item.settledAt ? formatTime(item.settledAt, timeZone) : '', reference: item.reference },
      notice: options.done ? DONE[options.done] : null,
      refusal: options.refusal ?? null,
      from: item.from,
      senderName: item.senderName,
      subject: item.subject,
      receivedAt: item.receivedAt,
      received: formatTime(item.receivedAt, timeZone),
      waited: waited(item.receivedAt, clock.now()),
      languageLabel: item.language === 'zh' ? 'Chinese (zh)' : 'English (en)',
      senderAuthentication: item.senderAuthentication,
      mayAcknowledge: item.mayAcknowledge,
      evidence: item.evidence.map((entry) => ({ signal: entry.signal, label: evidenceLabel(entry.signal), detail: entry.detail })),
      hasEvidence: item.evidence.length > 0,
      fields: [
        { label: 'Username', value: item.fields.username },
        { label: 'Registration date', value: item.fields.registrationDate },
        { label: 'Reason', value: item.fields.reason },
      ],
      hasDocuments: item.documents.length > 0,
      documents: item.documents.map((document) => ({
        position: document.position,
        filename: document.filename,
        contentType: document.contentType,
        size: formatSize(document.size),
        valid: document.valid,
        problem: documentProblemLabel(document.problem),
        href: `${base}/documents/${document.position}`,
        inline: isInlineType(document.contentType),
      })),
      text: item.ownText || item.bodyText,
      bodyText: item.bodyText,
      showsQuote: item.ownText.trim() !== '' && item.ownText.trim() !== item.bodyText.trim(),
      version: item.version,
      form: options.form ?? { message: '', reason: '', openReply: false, openDismiss: false },
      events: item.events.map((event) => {
        const details = eventDetails(event.detail);
        return { atIso: event.at, at: formatTime(event.at, timeZone), actor: event.actor, type: humanize(event.type), hasDetails: details.length > 0, details };
      }),
    });
  }
}
