import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { languageFromHeader } from './console-strings';
import { createContext, type ConsoleContext, type ConsoleDependencies } from './console-context';
import { healthRoutes, MONITORING_PATHS } from './health-routes';
import { requestRoutes } from './request-routes';
import { triageRoutes } from './triage-routes';
import { signInRoutes } from './sign-in-routes';
import { staffRoutes } from './staff-routes';
import { loadViews } from './views';
import { readCookie, safeReturnPath, SECURITY_HEADERS } from './web-security';

export type { ConsoleDependencies } from './console-context';

const STATIC_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
};

/**
 * The staff web console, built from its dependencies like any Fastify app: nothing listens until
 * the caller says so (`startConsole`), and tests drive it in-process with `inject`.
 * Anonymous visitors get /login and static assets; anything else sends them to /login, the same
 * way whether or not what they asked for exists.
 */
export function buildConsole(deps: ConsoleDependencies): FastifyInstance {
  const views = loadViews(deps.templatesDir);
  const context = createContext(deps, views);
  const app = Fastify({
    // Fastify's request log through the same lines: the path without its query (a `next` or a token
    // never reaches the log), the client address, the status; never headers, so never a cookie.
    loggerInstance: deps.log.pinoFor('http', {
      serializers: {
        req: (request: FastifyRequest) => ({ method: request.method, path: request.url.split('?')[0], remoteAddress: request.ip }),
        res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
      },
    }) as FastifyBaseLogger,
    // Only the listed proxies' hop is believed: the client is the right-most X-Forwarded-For address not itself a trusted proxy.
    trustProxy: deps.trustedProxies && deps.trustedProxies.length > 0 ? deps.trustedProxies : false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // A URL the router cannot even decode answers before any hook runs: it gets the same headers by hand.
    // No session is read yet: the browser's Accept-Language picks the words.
    frameworkErrors: (_error, request, reply) => {
      const t = views.strings.translate(languageFromHeader(request.headers['accept-language']));
      void (reply as FastifyReply).code(400).headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' }).type('text/plain; charset=utf-8').send(t('message.badRequest'));
    },
  });

  // Only HTML forms come in: no JSON, no plain text, nothing a cross-site `fetch` could send without a preflight but a form.
  app.removeAllContentTypeParsers();
  void app.register(formbody, { bodyLimit: 64 * 1024 });

  app.decorateRequest('staffName', null);
  app.decorateRequest('staffRole', null);
  app.decorateRequest('mustChangePassword', false);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('language', 'en');

  app.addHook('onRequest', async (request, reply) => {
    request.language = languageFromHeader(request.headers['accept-language']);
    // A form posted from another site is refused before anything else looks at it, signed in or not.
    if (request.method === 'POST' && !fromOwnOrigin(request, deps)) {
      deps.log.warn('console_origin_refused', { path: request.url.split('?')[0], origin: request.headers.origin ?? null, referer: request.headers.referer ?? null, ip: request.ip });
      const t = context.t(request);
      return context.sendMessage(request, reply, 403, t('message.formExpired'), t('message.notFromThisPage'));
    }
    identify(context, request);
    if (isPublic(request)) return;
    // A password an admin issued opens one page only: the one where the member chooses their own.
    if (request.mustChangePassword && !MAY_CHANGE_PASSWORD.includes(request.url.split('?')[0])) return reply.redirect('/password', 303);
    if (request.staffName !== null) return;
    const wanted = safeReturnPath(request.url);
    return reply.redirect(wanted && request.method === 'GET' && wanted !== '/requests' ? `/login?next=${encodeURIComponent(wanted)}` : '/login', 303);
  });

  // Every response, errors and static files included, carries the security headers; nothing personal is cached.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    const t = context.t(request);
    return context.sendMessage(request, reply, 404, t('message.notFound'), t('message.noSuchPage'), { href: request.staffName ? '/requests' : '/login', label: request.staffName ? t('message.backToQueue') : t('message.signIn') });
  };
  app.setNotFoundHandler(notFound);

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) deps.log.error('console_error', { method: request.method, path: request.routeOptions.url ?? null, error: error.message });
    const t = context.t(request);
    const text = status === 500 ? t('message.serverError') : t('message.badRequestText');
    try {
      return context.sendMessage(request, reply, status, status === 500 ? t('message.error') : t('message.badRequest'), text);
    } catch {
      // Never Fastify's own error body: it would show the error's message.
      return reply.code(status).type('text/plain; charset=utf-8').send(text);
    }
  });

  app.get('/static/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const match = /^[a-z0-9][a-z0-9_-]*\.([a-z0-9]+)$/.exec(file);
    const type = match ? STATIC_TYPES[match[1]] : undefined;
    if (!type) return notFound(request, reply);
    let body: Buffer;
    try {
      body = await readFile(join(deps.templatesDir, 'static', file));
    } catch {
      return notFound(request, reply);
    }
    return reply.type(type).header('cache-control', 'no-cache').send(body);
  });

  healthRoutes(app, context);
  signInRoutes(app, context);
  requestRoutes(app, context);
  triageRoutes(app, context);
  staffRoutes(app, context);
  return app;
}

/**
 * Whether a POST comes from one of our own pages: its Origin (or, without one, its Referer) is this
 * console's origin: WEB_PUBLIC_URL's, or else the Host asked for, over https whenever cookies are
 * Secure (TLS ends at the proxy). A browser always sends one of them with a form; a request with
 * neither is not from a page.
 */
function fromOwnOrigin(request: FastifyRequest, deps: ConsoleDependencies): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  if (typeof claimed !== 'string') return false;
  try {
    const own = deps.publicOrigin ?? new URL(`${deps.secureCookie ? 'https' : request.protocol}://${request.host}`).origin;
    return new URL(claimed).origin === own;
  } catch {
    return false;
  }
}

/** What a member who must change their password may still reach. */
const MAY_CHANGE_PASSWORD = ['/password', '/logout', '/language'];

function isPublic(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  return path === '/login' || path.startsWith('/static/') || MONITORING_PATHS.has(path);
}

/** Finds the signed-in staff member from the session cookie, if the session is live and the account still enabled. */
function identify(context: ConsoleContext, request: FastifyRequest): void {
  request.staffName = null;
  request.staffRole = null;
  request.mustChangePassword = false;
  request.sessionToken = null;
  const token = readCookie(request.headers.cookie, context.cookies.session);
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return;
  const session = context.sessions.find(token);
  if (!session) return;
  const member = context.staff.member(session.staff);
  if (member === null || member.name !== session.staff || member.disabled) {
    context.sessions.closeAllOf(session.staff);
    return;
  }
  request.staffName = member.name;
  request.staffRole = member.role;
  request.mustChangePassword = member.mustChangePassword;
  request.sessionToken = token;
  // A choice the member made with the switch wins over what their browser asks for.
  if (member.language !== null) request.language = member.language;
}
