import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock';
import type { HealthReport } from '../health/health-check';
import type { Logger } from '../log';
import type { ConsoleSessions } from '../queue/sessions';
import type { SignInAttempts } from '../queue/sign-in-attempts';
import type { StaffRole } from '../queue/staff';
import type { ReviewService, StaffDirectory } from '../review/review-service';
import type { TriageService } from '../triage/triage-service';
import { STATUSES, statusLabel } from './present';
import type { Page, Views } from './views';
import type { ConsoleLanguage, Translate } from './console-strings';
import { csrfTokenFor, pageReturnPath } from './web-security';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, or null for an anonymous visitor. */
    staffName: string | null;
    /** The signed-in member's role; an admin also manages staff. */
    staffRole: StaffRole | null;
    /** Signed in with a password an admin issued: only the password page is open to them. */
    mustChangePassword: boolean;
    /** The session's secret (from the cookie), for the CSRF token; null when anonymous. */
    sessionToken: string | null;
    /** The console language for this request: the member's choice, else the browser's Accept-Language. */
    language: ConsoleLanguage;
  }
}

export interface ConsoleDependencies {
  review: ReviewService;
  triage: TriageService;
  staff: StaffDirectory;
  sessions: ConsoleSessions;
  signInAttempts: SignInAttempts;
  clock: Clock;
  log: Logger;
  /** The console's templates folder (templates/web): pages, partials/ and static/. */
  templatesDir: string;
  timeZone: string;
  /** Secure cookies named `__Host-…`: whenever the console is reached over HTTPS. */
  secureCookie: boolean;
  sessionMs: number;
  /** The reverse proxies (IPs, CIDR ranges) whose X-Forwarded-For hop is believed; none by default. */
  trustedProxies?: string[];
  /** The origin staff open the console at, when a proxy in front does not pass the Host they used; else taken from Host. */
  publicOrigin?: string | null;
  /** `/healthz` and `/metrics`, served without sign-in. */
  health: () => HealthReport;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Rows per queue page (50). */
  pageSize?: number;
}

/** What the route modules share: dependencies, the views, and rendering with the common layout. */
export interface ConsoleContext extends ConsoleDependencies {
  views: Views;
  cookies: { session: string; signIn: string };
  /** The words of the request's language. */
  t(request: FastifyRequest): Translate;
  sendPage(request: FastifyRequest, reply: FastifyReply, status: number, page: Page, title: string, view: Record<string, unknown>): FastifyReply;
  sendMessage(request: FastifyRequest, reply: FastifyReply, status: number, heading: string, text: string, link?: { href: string; label: string }): FastifyReply;
}

export function createContext(deps: ConsoleDependencies, views: Views): ConsoleContext {
  const cookies = deps.secureCookie ? { session: '__Host-cd_session', signIn: '__Host-cd_signin' } : { session: 'cd_session', signIn: 'cd_signin' };

  const layout = (request: FastifyRequest, page: Page, title: string, view: Record<string, unknown>) => {
    const words = { t: views.strings.tree(request.language), zh: request.language === 'zh' };
    if (request.staffName === null || request.sessionToken === null) return { page, title, ...words, signedIn: null, ...view };
    const csrf = csrfTokenFor(request.sessionToken);
    const current = typeof view.currentStatus === 'string' ? view.currentStatus : null;
    return {
      page,
      title,
      csrf,
      ...words,
      signedIn: {
        staff: request.staffName,
        csrf,
        // The language switch brings the member back to the page they were on.
        here: pageReturnPath(request.url) ?? '/requests',
        // Until they choose their own password, the queue is not theirs to browse.
        tabs: request.mustChangePassword ? [] : tabs(views.strings.translate(request.language), current, request.staffName),
        isAdmin: request.staffRole === 'admin' && !request.mustChangePassword,
        staffCurrent: current === 'staff',
        passwordCurrent: current === 'password',
      },
      ...view,
    };
  };

  /** The header's counts per status and of unsorted mail; left out (not failed) when the queue cannot be read, so that error pages still render. */
  const tabs = (t: Translate, current: string | null, staffName: string) => {
    let counts: Record<string, number>;
    let unsorted: number;
    let mine: number;
    try {
      counts = deps.review.counts();
      unsorted = deps.triage.openCount();
      mine = deps.review.assignedCount(staffName);
    } catch {
      return [];
    }
    const total = STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
    return [
      ...STATUSES.map((status) => ({ status, label: statusLabel(t, status), count: counts[status] ?? 0, href: `/requests?status=${status}`, current: current === status })),
      { status: 'all', label: t('tabs.all'), count: total, href: '/requests?status=all', current: current === 'all' },
      { status: 'mine', label: t('tabs.mine'), count: mine, href: '/requests?mine=1', current: current === 'mine' },
      { status: 'triage', label: t('tabs.triage'), count: unsorted, href: '/triage', current: current === 'triage' },
    ];
  };

  const context: ConsoleContext = {
    ...deps,
    views,
    cookies,
    t: (request) => views.strings.translate(request.language),
    sendPage(request, reply, status, page, title, view) {
      return reply.code(status).type('text/html; charset=utf-8').send(views.render(page, layout(request, page, title, view)));
    },
    sendMessage(request, reply, status, heading, text, link) {
      return context.sendPage(request, reply, status, 'message', heading, { heading, text, link: link ?? null, confirmSignOut: false });
    },
  };
  return context;
}
