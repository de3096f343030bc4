import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nameHash } from '../queue/sign-in-attempts';
import type { ConsoleContext } from './console-context';
import { formatTime } from './present';
import { csrfTokenFor, randomToken, readCookie, safeReturnPath, sameSecret, serializeCookie } from './web-security';

type Form = Record<string, unknown>;

const SIGN_IN_FORM_SECONDS = 60 * 60;

/**
 * /login and /logout. The sign-in form carries its own CSRF token (double submit: a random value in a
 * SameSite=Strict cookie and in the form), since there is no session yet to derive one from.
 */
export function signInRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { cookies, sessions, staff, signInAttempts, log, clock } = context;

  const showForm = (request: FastifyRequest, reply: FastifyReply, status: number, view: { error?: string; info?: string; name?: string; next?: string | null }) => {
    const existing = readCookie(request.headers.cookie, cookies.signIn);
    const nonce = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomToken();
    reply.header('set-cookie', serializeCookie(cookies.signIn, nonce, { secure: context.secureCookie, maxAge: SIGN_IN_FORM_SECONDS }));
    return context.sendPage(request, reply, status, 'login', context.t(request)('login.title'), {
      csrf: nonce,
      error: view.error ?? null,
      info: view.info ?? null,
      name: view.name ?? '',
      next: view.next ?? null,
    });
  };

  app.get('/login', async (request, reply) => {
    const query = request.query as Form;
    if (request.staffName !== null) return reply.redirect(safeReturnPath(query.next) ?? '/requests', 303);
    return showForm(request, reply, 200, { next: safeReturnPath(query.next), info: query.signed_out === '1' ? context.t(request)('login.signedOut') : undefined });
  });

  app.post('/login', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const next = safeReturnPath(form.next);
    const nonce = readCookie(request.headers.cookie, cookies.signIn);
    if (nonce === null || !sameSecret(form._csrf, nonce)) {
      log.warn('console_csrf_refused', { path: '/login', ip: request.ip });
      return showForm(request, reply, 403, { error: context.t(request)('login.expired'), next });
    }
    const name = typeof form.name === 'string' ? form.name.trim().slice(0, 100) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 1000) : '';
    if (!name || !password) return showForm(request, reply, 400, { error: context.t(request)('login.missing'), name, next });

    // Counted before the (slow) password check, so that attempts sent at once cannot all be checked.
    const reservation = signInAttempts.reserve(name, request.ip);
    if (!reservation.allowed) {
      log.warn('console_sign_in_refused', { reason: reservation.who, nameHash: nameHash(name), ip: request.ip, retryAt: reservation.retryAt.toISOString() });
      return showForm(request, reply, 429, { error: waitMessage(request, reservation.retryAt), name, next });
    }
    if (reservation.nameSlowed) log.warn('console_sign_in_name_slowed', { nameHash: reservation.attempt.nameHash, ip: request.ip });
    const canonical = (await staff.verify(name, password)) ? canonicalName(name) : null;
    if (canonical === null) {
      log.warn('console_sign_in_failed', { nameHash: reservation.attempt.nameHash, ip: request.ip });
      return showForm(request, reply, 401, { error: context.t(request)('login.wrong'), name, next });
    }

    signInAttempts.succeeded(reservation.attempt);
    const previous = readCookie(request.headers.cookie, cookies.session);
    if (previous) sessions.close(previous);
    const session = sessions.open(canonical, context.sessionMs);
    reply.header('set-cookie', serializeCookie(cookies.session, session.token, { secure: context.secureCookie, maxAge: context.sessionMs / 1000 }));
    reply.header('set-cookie', serializeCookie(cookies.signIn, '', { secure: context.secureCookie, maxAge: 0 }));
    log.info('console_signed_in', { staff: canonical, ip: request.ip, expiresAt: session.expiresAt });
    return reply.redirect(next ?? '/requests', 303);
  });

  app.get('/logout', async (request, reply) => {
    const t = context.t(request);
    return context.sendPage(request, reply, 200, 'message', t('message.signOutTitle'), {
      heading: t('message.signOutHeading'),
      text: t('message.signOutText'),
      confirmSignOut: true,
      link: { href: '/requests', label: t('message.backToQueue') },
    });
  });

  app.post('/logout', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
    sessions.close(request.sessionToken!);
    reply.header('set-cookie', serializeCookie(cookies.session, '', { secure: context.secureCookie, maxAge: 0 }));
    log.info('console_signed_out', { staff: request.staffName });
    return reply.redirect('/login?signed_out=1', 303);
  });

  /** The directory's spelling of a name that verified (NFC, as added), so that sessions, logs and decisions agree. */
  function canonicalName(name: string): string {
    return staff.member(name)?.name ?? name;
  }

  function waitMessage(request: FastifyRequest, until: Date): string {
    const minutes = Math.max(1, Math.ceil((until.getTime() - clock.now().getTime()) / 60_000));
    return context.t(request)('login.tooMany', { time: formatTime(until.toISOString(), context.timeZone).slice(11), minutes });
  }
}

export function refuseCsrf(context: ConsoleContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  context.log.warn('console_csrf_refused', { path: request.routeOptions.url ?? null, staff: request.staffName, ip: request.ip });
  const t = context.t(request);
  return context.sendMessage(request, reply, 403, t('message.formExpired'), t('message.formTooOld'), { href: '/requests', label: t('message.backToQueue') });
}
