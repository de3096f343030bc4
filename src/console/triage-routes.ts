import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TriageAction, TriageItem, TriageRefusal } from '../triage/triage-service';
import type { ConsoleContext } from './console-context';
import { authenticationLabel, documentProblemLabel, eventRows, evidenceLabel, evidenceRows, formatSize, formatTime, humanize, label, refusalText, TRIAGE_DONE, waited } from './present';
import { refuseCsrf } from './sign-in-routes';
import { contentDisposition, csrfTokenFor, isInlineType, sameSecret } from './web-security';

type Form = Record<string, unknown>;
type Action = TriageAction['kind'];

const ID = /^[1-9]\d{0,9}$/;

const REFUSAL_STATUS: Record<TriageRefusal, number> = { not_found: 404, settled: 409, changed: 409, missing_text: 400, unknown_staff: 403 };

/**
 * "Unsorted mail": human mail intake was not sure was a request (questions, unclear mail, mail with
 * some evidence). Staff read it with the evidence intake weighed, then promote, answer or dismiss it.
 */
export function triageRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { triage, clock, timeZone } = context;

  app.get('/triage', async (request, reply) => {
    const t = context.t(request);
    const now = clock.now();
    const items = triage.list('open');
    return context.sendPage(request, reply, 200, 'triage', t('triage.title'), {
      currentStatus: 'triage',
      totalText: t(items.length === 1 ? 'triage.totalOne' : 'triage.total', { count: items.length }),
      hasItems: items.length > 0,
      items: items.map((item) => ({
        id: item.id,
        from: item.from,
        senderName: item.senderName,
        subject: item.subject,
        receivedAt: item.receivedAt,
        received: formatTime(item.receivedAt, timeZone),
        waited: waited(t, item.receivedAt, now),
        evidence: item.evidence.map((entry) => evidenceLabel(t, entry.signal)).join(' · '),
        documentCount: item.documents.length,
      })),
    });
  });

  app.get('/triage/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const item = ID.test(id) ? triage.find(Number(id)) : null;
    if (!item) return notFound(request, reply);
    const query = request.query as Form;
    const done = typeof query.done === 'string' && (TRIAGE_DONE as string[]).includes(query.done) ? (query.done as Action) : null;
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
      const outcome = version === undefined ? ({ ok: false, reason: 'changed', text: context.t(request)('triageItem.noVersion') } as const) : triage.act(Number(id), chosen, version);
      if (outcome.ok) {
        context.log.info('console_triaged', { triageId: Number(id), action, staff: by, reference: outcome.reference });
        return reply.redirect(outcome.reference ? `/requests/${outcome.reference}?promoted=${id}` : `/triage/${id}?done=${action}`, 303);
      }
      const current = triage.find(Number(id));
      if (!current) return notFound(request, reply);
      return showItem(request, reply, REFUSAL_STATUS[outcome.reason], current, {
        refusal: { title: context.t(request)(`triageItem.refusal.${outcome.reason}`), message: 'text' in outcome ? outcome.text : refusalText(context.t(request), outcome, timeZone) },
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
    const t = context.t(request);
    return context.sendMessage(request, reply, 404, t('message.notFound'), t('message.noSuchMail'), { href: '/triage', label: t('message.backToTriage') });
  }

  function showItem(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    item: TriageItem,
    options: { done?: Action | null; refusal?: { title: string; message: string }; form?: { message: string; reason: string; openReply: boolean; openDismiss: boolean } },
  ): FastifyReply {
    const t = context.t(request);
    const base = `/triage/${item.id}`;
    return context.sendPage(request, reply, status, 'triage-item', t('triageItem.title', { id: item.id }), {
      currentStatus: 'triage',
      id: item.id,
      open: item.status === 'open',
      statusClass: humanize(item.status),
      statusLabel: label(t, 'triageStatus', item.status),
      settledText: t('triageItem.settled', { status: label(t, 'triageStatus', item.status) }),
      settled: item.status === 'open' ? null : { by: item.settledBy, at: item.settledAt ? formatTime(item.settledAt, timeZone) : '', reference: item.reference },
      notice: options.done ? t(`triageItem.done.${options.done}`) : null,
      refusal: options.refusal ?? null,
      from: item.from,
      senderName: item.senderName,
      subject: item.subject,
      receivedAt: item.receivedAt,
      received: formatTime(item.receivedAt, timeZone),
      waited: waited(t, item.receivedAt, clock.now()),
      languageLabel: t(`language.${item.language}`),
      senderAuthentication: item.senderAuthentication,
      senderAuthenticationLabel: authenticationLabel(t, item.senderAuthentication),
      mayAcknowledge: item.mayAcknowledge,
      evidence: evidenceRows(t, item.evidence),
      hasEvidence: item.evidence.length > 0,
      fields: [
        { label: t('field.username'), value: item.fields.username },
        { label: t('field.registrationDate'), value: item.fields.registrationDate },
        { label: t('field.reason'), value: item.fields.reason },
      ],
      hasDocuments: item.documents.length > 0,
      documents: item.documents.map((document) => ({
        position: document.position,
        filename: document.filename,
        contentType: document.contentType,
        size: formatSize(document.size),
        valid: document.valid,
        problem: documentProblemLabel(t, document.problem),
        href: `${base}/documents/${document.position}`,
        inline: isInlineType(document.contentType),
      })),
      text: item.ownText || item.bodyText,
      bodyText: item.bodyText,
      showsQuote: item.ownText.trim() !== '' && item.ownText.trim() !== item.bodyText.trim(),
      version: item.version,
      form: options.form ?? { message: '', reason: '', openReply: false, openDismiss: false },
      events: eventRows(t, item.events, timeZone),
    });
  }
}
