import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffRole } from '../queue/staff';
import { staffName, StaffDirectoryError } from '../review/staff-directory';
import type { ConsoleContext } from './console-context';
import { formatTime } from './present';
import { refuseCsrf } from './sign-in-routes';
import { CONSOLE_LANGUAGES } from './console-strings';
import { csrfTokenFor, pageReturnPath, sameSecret, serializeCookie } from './web-security';

type Form = Record<string, unknown>;

/** What went wrong on the staff page, each worded in templates/web/staff.html. */
type StaffProblem = 'invalid_name' | 'name_taken' | 'no_such_member' | 'not_yourself';
/** What went wrong on the password page, each worded in templates/web/password.html. */
type PasswordProblem = 'missing' | 'mismatch' | 'too_short' | 'wrong_password' | 'too_many';

const ACTIONS = ['disable', 'enable', 'reset-password'] as const;
type StaffAction = (typeof ACTIONS)[number];

/**
 * The Staff page (admins only: add a member, disable, enable, reset a password to a one-time
 * password shown once) and the Password page (every member changes their own). A one-time password
 * appears in the answer to the admin's POST and nowhere else: not in a URL, not in the log.
 */
export function staffRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { staff, sessions, signInAttempts, log, timeZone } = context;

  app.get('/staff', async (request, reply) => {
    if (request.staffRole !== 'admin') return forbidden(request, reply);
    return showStaff(request, reply, 200, {});
  });

  app.post('/staff/add', async (request, reply) => {
    if (request.staffRole !== 'admin') return forbidden(request, reply);
    const form = (request.body ?? {}) as Form;
    if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
    const typed = typeof form.name === 'string' ? form.name.slice(0, 200) : '';
    const role: StaffRole = form.role === 'admin' ? 'admin' : 'staff';
    const name = staffName(typed);
    if (!name.ok) return showStaff(request, reply, 400, { problem: 'invalid_name', typed });
    if (staff.member(name.name) !== null) return showStaff(request, reply, 409, { problem: 'name_taken', typed });
    const password = staff.oneTimePassword();
    try {
      await staff.add(name.name, password, { role, oneTime: true });
    } catch (error) {
      // Taken by someone else between the look and the insert.
      if (error instanceof StaffDirectoryError) return showStaff(request, reply, 409, { problem: 'name_taken', typed });
      throw error;
    }
    log.info('console_staff_added', { staff: request.staffName, member: name.name, role });
    return showStaff(request, reply, 200, { issued: { name: name.name, password, added: true } });
  });

  for (const action of ACTIONS) {
    app.post(`/staff/${action}`, async (request, reply) => {
      if (request.staffRole !== 'admin') return forbidden(request, reply);
      const form = (request.body ?? {}) as Form;
      if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
      const member = typeof form.name === 'string' ? staff.member(form.name) : null;
      if (member === null) return showStaff(request, reply, 404, { problem: 'no_such_member' });
      // An admin who disabled or reset themselves could lock the desk out of its own console.
      if (member.name === request.staffName && action !== 'enable') return showStaff(request, reply, 400, { problem: 'not_yourself' });
      return act(request, reply, action, member.name);
    });
  }

  async function act(request: FastifyRequest, reply: FastifyReply, action: StaffAction, name: string): Promise<FastifyReply> {
    const by = request.staffName;
    if (action === 'enable') {
      staff.enable(name);
      log.info('console_staff_enabled', { staff: by, member: name });
      return showStaff(request, reply, 200, { done: { enabled: name } });
    }
    // Whoever is signed in as the member now is signed out: a disabled account, or a password that changed hands.
    sessions.closeAllOf(name);
    if (action === 'disable') {
      staff.disable(name);
      log.info('console_staff_disabled', { staff: by, member: name });
      return showStaff(request, reply, 200, { done: { disabled: name } });
    }
    const password = await staff.resetPassword(name);
    if (password === null) return showStaff(request, reply, 404, { problem: 'no_such_member' });
    log.info('console_staff_password_reset', { staff: by, member: name });
    return showStaff(request, reply, 200, { issued: { name, password, added: false } });
  }

  app.get('/password', async (request, reply) => showPassword(request, reply, 200, { done: (request.query as Form).done === '1' }));

  app.post('/password', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
    const field = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).slice(0, 1000) : '');
    const [current, next, again] = [field('current'), field('password'), field('again')];
    if (!current || !next || !again) return showPassword(request, reply, 400, { problem: 'missing' });
    if (next !== again) return showPassword(request, reply, 400, { problem: 'mismatch' });
    const name = request.staffName!;
    // The current password is a secret like any other: guessing it here is throttled like signing in.
    const reservation = signInAttempts.reserve(name, request.ip);
    if (!reservation.allowed) return showPassword(request, reply, 429, { problem: 'too_many' });
    const changed = await staff.changePassword(name, current, next);
    if (!changed.ok) {
      if (changed.reason !== 'wrong_password') signInAttempts.succeeded(reservation.attempt);
      else log.warn('console_password_change_refused', { staff: name, ip: request.ip });
      return showPassword(request, reply, changed.reason === 'too_short' ? 400 : 403, { problem: changed.reason === 'too_short' ? 'too_short' : 'wrong_password' });
    }
    signInAttempts.succeeded(reservation.attempt);
    // Every other session of the member ends (a stolen one included); this browser gets a fresh one.
    sessions.closeAllOf(name);
    const session = sessions.open(name, context.sessionMs);
    reply.header('set-cookie', serializeCookie(context.cookies.session, session.token, { secure: context.secureCookie, maxAge: context.sessionMs / 1000 }));
    log.info('console_password_changed', { staff: name });
    return reply.redirect('/password?done=1', 303);
  });

  // Any member, whatever page they are on (the password page too): the console in the language they read.
  app.post('/language', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (!sameSecret(form._csrf, csrfTokenFor(request.sessionToken!))) return refuseCsrf(context, request, reply);
    const language = CONSOLE_LANGUAGES.find((candidate) => candidate === form.language);
    if (language === undefined) return context.sendMessage(request, reply, 400, context.t(request)('message.badRequest'), context.t(request)('message.badRequestText'));
    staff.setLanguage(request.staffName!, language);
    log.info('console_language_chosen', { staff: request.staffName, language });
    return reply.redirect(pageReturnPath(form.next) ?? '/requests', 303);
  });

  function forbidden(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    log.warn('console_admin_only', { path: request.routeOptions.url ?? null, staff: request.staffName });
    const t = context.t(request);
    return context.sendPage(request, reply, 403, 'message', t('message.notAllowed'), { heading: t('message.notAllowed'), text: null, adminOnly: true, link: { href: '/requests', label: t('message.backToQueue') }, confirmSignOut: false });
  }

  function showStaff(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    options: { problem?: StaffProblem; typed?: string; issued?: { name: string; password: string; added: boolean }; done?: { enabled?: string; disabled?: string } },
  ): FastifyReply {
    return context.sendPage(request, reply, status, 'staff', context.t(request)('staff.title'), {
      currentStatus: 'staff',
      problem: options.problem ? { [options.problem]: true } : null,
      typed: options.typed ?? '',
      issued: options.issued ?? null,
      done: options.done ?? null,
      members: staff.list().map((member) => ({
        name: member.name,
        isAdmin: member.role === 'admin',
        disabled: member.disabled,
        mustChangePassword: member.mustChangePassword,
        created: formatTime(member.createdAt, timeZone),
        yourself: member.name === request.staffName,
      })),
    });
  }

  function showPassword(request: FastifyRequest, reply: FastifyReply, status: number, options: { problem?: PasswordProblem; done?: boolean }): FastifyReply {
    return context.sendPage(request, reply, status, 'password', context.t(request)('password.title'), {
      currentStatus: 'password',
      mustChange: request.mustChangePassword,
      problem: options.problem ? { [options.problem]: true } : null,
      done: options.done ?? false,
    });
  }
}
