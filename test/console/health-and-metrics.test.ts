import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Mailbox } from '../../src/mailbox/mailbox';
import { deliverAll, deliverToTriage, FIXTURE, startConsoleHarness, type ConsoleHarness } from './support/console-harness';

jest.setTimeout(60_000);

const QUARANTINED = 'hostile-boundary-never-appears';
const AUTO_REPLY = '39-auto-en-exchange-automatic-reply-auto-submitted-cr-in-subject-until-monday';
const QUESTION = 'r6a-21-zh-qq-triage-how-to-cancel-question-in-subject-and-body';
const DAY_MS = 24 * 60 * 60 * 1000;

let running: ConsoleHarness | null = null;

afterEach(async () => {
  await running?.close();
  running = null;
});

async function start(options: Parameters<typeof startConsoleHarness>[0] = {}): Promise<ConsoleHarness> {
  running = await startConsoleHarness({ fixtures: [], ...options });
  return running;
}

/** The value of one series in a Prometheus text exposition, e.g. `cancel_desk_requests{status="approved"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

const unreachableMailbox: Mailbox = {
  description: 'imaps://support@mail.invalid:993/INBOX',
  open: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
};

describe('GET /healthz', () => {
  it('answers 503 with the reason before any intake cycle, without asking anyone to sign in', async () => {
    const { web } = await start();
    const response = await web.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unhealthy', reasons: ['no_intake_cycle_yet'] });
  });

  it('answers 200 after a successful intake cycle', async () => {
    const { web, harness } = await start();
    await harness.app.drainInbox();
    const response = await web.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 once the last successful cycle is older than HEALTH_MAX_CYCLE_AGE_SECONDS', async () => {
    const { web, harness } = await start({ env: { HEALTH_MAX_CYCLE_AGE_SECONDS: '120' } });
    await harness.app.drainInbox();
    harness.clock.advance(120_000);
    expect((await web.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    harness.clock.advance(1_000);
    const response = await web.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unhealthy', reasons: ['last_intake_cycle_too_old'] });
  });

  it('answers 503 when the last intake cycle failed', async () => {
    const { web, harness } = await start({ overrides: { mailbox: unreachableMailbox } });
    await expect(harness.app.drainInbox()).rejects.toThrow('ECONNREFUSED');
    const response = await web.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unhealthy', reasons: ['last_intake_cycle_failed'] });
  });

  it('answers 503 when sending is paused', async () => {
    const { web, harness } = await start({ overrides: { sendingPaused: () => true } });
    await harness.app.drainInbox();
    const response = await web.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unhealthy', reasons: ['sending_paused'] });
  });

  it('answers 503 when the database cannot take a write', async () => {
    const { web, harness } = await start();
    await harness.app.drainInbox();
    // Another process holding the write lock past the busy timeout, as a stuck backup or a crashed editor would.
    const other = new Database(join(harness.dataDir, 'cancel-desk.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const response = await web.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unhealthy', reasons: ['database_not_writable'] });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await web.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('counts every mail fetched by what intake did with it, quarantined mail on its own too', async () => {
    const { web, harness } = await start();
    await deliverAll(harness, [FIXTURE.image, FIXTURE.needsInfo]);
    await deliverToTriage(harness, [QUESTION]);
    for (const fixture of [QUARANTINED, AUTO_REPLY]) harness.deliver(fixture);
    await harness.app.drainInbox();

    const response = await web.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(sample(text, 'cancel_desk_mails_fetched_total{outcome="queued"}')).toBe(2);
    expect(sample(text, 'cancel_desk_mails_fetched_total{outcome="triaged"}')).toBe(1);
    expect(sample(text, 'cancel_desk_mails_fetched_total{outcome="ignored"}')).toBe(1);
    expect(sample(text, 'cancel_desk_mails_fetched_total{outcome="quarantined"}')).toBe(1);
    expect(sample(text, 'cancel_desk_mails_fetched_total{outcome="threaded"}')).toBe(0);
    expect(sample(text, 'cancel_desk_mails_quarantined_total')).toBe(1);
    expect(sample(text, 'cancel_desk_intake_cycle_duration_seconds_count{result="succeeded"}')).toBe(4);
  });

  it('reads the queue as it stands: requests by status, open triage items and the outbox depth', async () => {
    const { web, harness } = await start();
    await deliverAll(harness, [FIXTURE.image, FIXTURE.pdf, FIXTURE.needsInfo]);
    await deliverToTriage(harness, [QUESTION]);

    const text = (await web.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'cancel_desk_requests{status="pending_review"}')).toBe(2);
    expect(sample(text, 'cancel_desk_requests{status="needs_info"}')).toBe(1);
    expect(sample(text, 'cancel_desk_requests{status="approved"}')).toBe(0);
    expect(sample(text, 'cancel_desk_triage_items_open')).toBe(1);
    expect(sample(text, 'cancel_desk_outbox_depth')).toBe(3);
  });

  it('counts acknowledgements as the outbox sends them', async () => {
    const { web, harness } = await start();
    await deliverAll(harness, [FIXTURE.image, FIXTURE.needsInfo]);
    await harness.app.flushOutbox();

    const text = (await web.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'cancel_desk_acknowledgements_total{result="sent"}')).toBe(2);
    expect(sample(text, 'cancel_desk_acknowledgements_total{result="failed"}')).toBe(0);
    expect(sample(text, 'cancel_desk_outbox_depth')).toBe(0);
  });

  it('counts an acknowledgement the mail server refused as failed', async () => {
    const { web, harness } = await start({ overrides: { transport: { send: () => Promise.reject(new Error('451 try later')), close: () => undefined } } });
    await deliverAll(harness, [FIXTURE.image]);
    await harness.app.flushOutbox();

    const text = (await web.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'cancel_desk_acknowledgements_total{result="failed"}')).toBe(1);
    expect(sample(text, 'cancel_desk_outbox_depth')).toBe(1);
  });

  it('reports the age of the oldest request pending review, and those past their due day in TIME_ZONE', async () => {
    const { web, harness } = await start();
    await deliverAll(harness, [FIXTURE.image]);
    harness.clock.advance(DAY_MS);
    await deliverAll(harness, [FIXTURE.pdf]);
    const scrape = async () => (await web.inject({ method: 'GET', url: '/metrics' })).body;

    expect(sample(await scrape(), 'cancel_desk_oldest_pending_request_age_seconds')).toBe(DAY_MS / 1000);
    expect(sample(await scrape(), 'cancel_desk_overdue_requests')).toBe(0);
    // Three working days after Friday 27 November is Wednesday 2 December; 9 December is past both due days.
    harness.clock.advance(11 * DAY_MS);
    expect(sample(await scrape(), 'cancel_desk_overdue_requests')).toBe(2);
  });

  it('starts every counter at zero, so that a rate has a series before the first event', async () => {
    const { web } = await start();
    const text = (await web.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'cancel_desk_mails_fetched_total{outcome="queued"}')).toBe(0);
    expect(sample(text, 'cancel_desk_webhook_deliveries_total{result="delivered"}')).toBe(0);
    expect(sample(text, 'cancel_desk_webhook_deliveries_total{result="failed"}')).toBe(0);
    expect(sample(text, 'cancel_desk_oldest_pending_request_age_seconds')).toBe(0);
  });
});

describe('the two monitoring paths are the only new public ones', () => {
  it.each(['/healthz/', '/metrics/extra', '/healthzz', '/Metrics'])('%s still asks for sign-in', async (url) => {
    const { web } = await start();
    const response = await web.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/login');
  });
});

describe('the request log', () => {
  it('logs each request at info with its path and status, never its query string or cookies', async () => {
    const { web, harness } = await start();
    await web.inject({ method: 'GET', url: '/login?next=%2Frequests%2FCR-SECRETQUERY', headers: { cookie: 'cd_session=SESSIONCOOKIEVALUE', authorization: 'Bearer TOKENVALUE' } });
    const http = harness.logs.filter((line) => line.component === 'http');
    expect(http.length).toBeGreaterThanOrEqual(2);
    expect(http.every((line) => line.level === 'info')).toBe(true);
    expect(http).toContainEqual(expect.objectContaining({ event: 'incoming request', req: expect.objectContaining({ method: 'GET', path: '/login' }) }));
    expect(http).toContainEqual(expect.objectContaining({ event: 'request completed', res: { statusCode: 200 } }));
    const text = JSON.stringify(http);
    for (const secret of ['SECRETQUERY', 'SESSIONCOOKIEVALUE', 'TOKENVALUE']) expect(text).not.toContain(secret);
  });
});
