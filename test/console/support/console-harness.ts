import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { join } from 'node:path';
import { buildConsole } from '../../../src/console/build-console';
import type { AppOverrides } from '../../../src/app';
import type { IntakeResult } from '../../../src/intake/intake-result';
import { createLogger } from '../../../src/log';
import { startApp, type Harness } from '../../support/app-harness';

export const TEMPLATES = join(__dirname, '..', '..', '..', 'templates', 'web');
export const PASSWORD = 'correct horse battery staple';

/** The screenshots the README shows, taken by the browser tests on every run. */
export const README_SCREENSHOTS = join(__dirname, '..', 'screenshots');
export const README_PAGES = ['queue-en.png', 'queue-zh.png', 'request-en.png', 'request-zh.png', 'staff-page.png', 'confirm-approval.png', 'conversation.png'];
/** Hashing at production cost would make each staff member and sign-in take a good part of a second. */
export const CHEAP_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

/** Fixtures used across the console's tests, each delivered through the real intake. */
export const FIXTURE = {
  /** pending_review, one JPEG, English. */
  image: 'en-username-in-subject',
  /** pending_review, one PDF. */
  pdf: 'en-gmail-terminate-bulleted-list',
  /** pending_review, Chinese, one JPEG. */
  chinese: 'zh-foxmail-vcard-part-and-dated-signature',
  /** needs_info: no ID document. */
  needsInfo: 'zh-163-prose-fields-quoted-template',
  /** needs_info: an HTML page, a Windows program and a zip posing as ID documents. */
  disguised: 'hostile-disguised-attachments',
} as const;

export interface ConsoleHarness {
  harness: Harness;
  web: FastifyInstance;
  /** The reference intake gave each delivered fixture. */
  references: Record<string, string>;
  close(): Promise<void>;
}

/** The real app (folder inbox, real queue, vault, review service and staff directory) with the console built on it. */
export async function startConsoleHarness(
  options: { env?: Record<string, string>; fixtures?: string[]; secureCookie?: boolean; pageSize?: number; overrides?: AppOverrides } = {},
): Promise<ConsoleHarness> {
  const harness = await startApp(options.env ?? {}, { passwordCost: CHEAP_PASSWORD_COST, ...options.overrides });
  const references = await deliverAll(harness, options.fixtures ?? Object.values(FIXTURE));
  await harness.app.staff.add('alice', PASSWORD);
  await harness.app.staff.add('bob', PASSWORD);
  const log = createLogger((line) => harness.logs.push(JSON.parse(line) as Record<string, unknown>), harness.clock);
  const { app } = harness;
  const web = buildConsole({
    review: app.review,
    triage: app.triage,
    staff: app.staff,
    sessions: app.sessions,
    signInAttempts: app.signInAttempts,
    clock: harness.clock,
    log,
    templatesDir: TEMPLATES,
    timeZone: app.config.timeZone,
    secureCookie: options.secureCookie ?? false,
    sessionMs: app.config.web.sessionMs,
    trustedProxies: app.config.web.trustedProxies,
    publicOrigin: app.config.web.publicOrigin,
    health: () => app.health(),
    metrics: () => app.metrics(),
    pageSize: options.pageSize,
  });
  await web.ready();
  return {
    harness,
    web,
    references,
    async close() {
      await web.close();
      app.close();
    },
  };
}

/** Delivers fixtures into the embedded inbox, one intake cycle each; returns each one's reference. */
export async function deliverAll(harness: Harness, fixtures: string[]): Promise<Record<string, string>> {
  const references: Record<string, string> = {};
  for (const fixture of fixtures) {
    const before = new Set(harness.app.queue.listRequests().map((request) => request.reference));
    harness.deliver(fixture);
    await harness.app.drainInbox();
    const added = harness.app.queue.listRequests().filter((request) => !before.has(request.reference));
    if (added.length !== 1) throw new Error(`${fixture} did not make one new request`);
    references[fixture] = added[0].reference;
  }
  return references;
}

/** Delivers mails that intake leaves to staff (questions, unclear mail); returns each one's triage id. */
export async function deliverToTriage(harness: Harness, fixtures: string[]): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const fixture of fixtures) {
    const before = new Set(harness.app.triage.list('all').map((item) => item.id));
    harness.deliver(fixture);
    await harness.app.drainInbox();
    const added = harness.app.triage.list('all').filter((item) => !before.has(item.id));
    if (added.length !== 1) throw new Error(`${fixture} did not go to triage`);
    ids[fixture] = added[0].id;
  }
  return ids;
}

/**
 * A request whose fields no mail parser would let through (intake refuses markup in a username),
 * recorded straight into the real queue and vault: the console must never rely on intake for escaping.
 */
export async function recordCrafted(harness: Harness, fields: { username: string; subject: string; filename: string; bodyText: string; content: Buffer; contentType: string }): Promise<string> {
  const sealed = await harness.app.vault.put(fields.content);
  const result: IntakeResult = {
    messageId: `<crafted-${Date.now()}@example.org>`,
    from: 'crafted@example.org',
    subject: fields.subject,
    language: 'en',
    kind: 'cancellation_request',
    reference: null,
    senderAuthentication: 'pass',
    fields: { username: fields.username, registrationDate: '2021-03-04', reason: 'testing the console' },
    idDocuments: [],
    problems: [],
    disposition: 'queue',
    acknowledge: false,
    evidence: [{ signal: 'cancel_phrase', detail: fields.subject }],
    fieldDoubts: [],
  };
  const document = { filename: fields.filename, contentType: fields.contentType, declaredType: fields.contentType, size: fields.content.length, sha256: 'x'.repeat(64), valid: true, problem: null, ...sealed };
  return harness.app.queue.recordIncoming({
    messageKey: `crafted:${sealed.vaultId}`,
    result,
    bodyText: fields.bodyText,
    ownText: fields.bodyText,
    senderName: '',
    repliesTo: [],
    registrationDateAmbiguous: false,
    standsAlone: true,
    answerable: false,
    documents: [document],
  }).reference!;
}

/** The console's own origin in these tests: every Visitor asks for Host `localhost`, as a browser at this origin would. */
export const OWN_ORIGIN = 'http://localhost';

/** One browser's cookies, kept across injected requests; its forms carry our Origin, as a browser's do. */
export class Visitor {
  private readonly jar = new Map<string, string>();
  csrf: string | null = null;

  constructor(
    private readonly web: FastifyInstance,
    readonly remoteAddress = '127.0.0.1',
    /** Sent with every request, e.g. X-Forwarded-For, or another Origin. */
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  get cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(await this.web.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: this.headers() }));
  }

  async post(url: string, form: Record<string, string | undefined>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
    return this.keep(
      await this.web.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { origin: OWN_ORIGIN, ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      }),
    );
  }

  /** Opens the sign-in form and sends it; returns the answer to the POST. */
  async signIn(name: string, password: string): Promise<LightMyRequestResponse> {
    const form = await this.get('/login');
    const response = await this.post('/login', { _csrf: hiddenCsrf(form.body), name, password });
    // The password page: the one page open to every member, even one who must change a one-time password first.
    if (response.statusCode === 303) this.csrf = hiddenCsrf((await this.get('/password')).body);
    return response;
  }

  private headers(): Record<string, string> {
    return { host: 'localhost', ...this.extraHeaders, ...(this.jar.size > 0 ? { cookie: this.cookieHeader } : {}) };
  }

  private keep(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (cookie.maxAge === 0 || cookie.value === '') this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
    return response;
  }
}

export function hiddenCsrf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

export function versionOn(html: string): string {
  const match = /name="version" value="(\d+)"/.exec(html);
  if (!match) throw new Error('no version field on the page');
  return match[1];
}
