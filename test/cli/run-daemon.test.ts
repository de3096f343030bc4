import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, until } from '../support/daemon';
import { FIXTURES, fixtureNames, loadFixture } from '../support/fixtures';
import { childrenRunning, running } from '../support/processes';

jest.setTimeout(90_000);

it('runs an intake cycle at start and on its schedule, logs one line per message, and exits cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-daemon-'));
  const inbox = join(dataDir, 'inbox');
  mkdirSync(inbox);
  copyFileSync(join(FIXTURES, 'en-iphone-heic-prose.eml'), join(inbox, 'first.eml'));
  const outgoing = () => readdirSync(join(dataDir, 'outgoing')).filter((name) => name.endsWith('.eml'));
  const daemon = startDaemon(dataDir);
  const { lines, exited } = daemon;

  await until(() => lines.some((line) => line.event === 'mail_sent'), 20_000);
  copyFileSync(join(FIXTURES, 'en-outlook-windows-table.eml'), join(inbox, 'second.eml'));
  await until(() => lines.filter((line) => line.event === 'mail_sent').length === 2, 20_000);
  expect(outgoing()).toHaveLength(2);

  daemon.kill('SIGTERM');
  expect(await exited).toBe(0);
  const handled = lines.filter((line) => line.event === 'message_handled');
  expect(handled).toHaveLength(2);
  expect(handled.every((line) => line.outcome === 'queued' && typeof line.reference === 'string')).toBe(true);
  expect(lines.at(-1)).toMatchObject({ event: 'daemon_stopped' });
  expect(JSON.stringify(lines)).not.toContain('river.song42');
});

it('renders receipts in a child process and leaves none behind when it stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-daemon-renderer-'));
  mkdirSync(join(dataDir, 'inbox'));
  copyFileSync(join(FIXTURES, 'en-iphone-heic-prose.eml'), join(dataDir, 'inbox', 'first.eml'));
  const daemon = startDaemon(dataDir);

  await until(() => daemon.lines.some((line) => line.event === 'mail_sent'), 20_000);
  const renderers = childrenRunning(daemon.pid, 'receipt-worker.js');
  expect(renderers).toHaveLength(1);
  daemon.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
  expect(renderers.filter(running)).toEqual([]);
});

it('handles every fixture on the embedded default as the pipeline promises, and nothing more on later cycles', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-daemon-all-'));
  const inbox = join(dataDir, 'inbox');
  mkdirSync(inbox);
  const names = fixtureNames();
  for (const name of names) copyFileSync(join(FIXTURES, `${name}.eml`), join(inbox, `${name}.eml`));
  const expected = names.map((name) => loadFixture(name).expected);
  // More acknowledgements at once than the default hourly breaker (ACK_LIMIT_PER_HOUR) lets through.
  const daemon = startDaemon(dataDir, { ACK_LIMIT_PER_HOUR: '1000' });
  const { lines, exited } = daemon;

  await until(() => lines.filter((line) => line.event === 'intake_finished').length >= 2, 40_000);
  daemon.kill('SIGTERM');
  expect(await exited).toBe(0);

  const files = (folder: string) => readdirSync(join(dataDir, folder)).filter((name) => name.endsWith('.eml'));
  const count = (predicate: (result: (typeof expected)[number]) => boolean) => expected.filter(predicate).length;
  expect(files('inbox')).toEqual([]);
  expect(files('inbox/quarantine')).toHaveLength(count((result) => result.disposition === 'quarantine'));
  expect(files('inbox/processed')).toHaveLength(count((result) => result.disposition !== 'quarantine'));
  // A reply naming a request this data folder never saw has no request to join: it waits in triage, unanswered.
  const handled = lines.filter((line) => line.event === 'message_handled');
  const orphanReplies = new Set(handled.filter((line) => line.outcome === 'triaged' && line.kind === 'cancellation_request').map((line) => line.mailboxKey));
  expect(handled.filter((line) => line.outcome === 'triaged')).toHaveLength(count((result) => result.disposition === 'triage') + orphanReplies.size);
  expect(names.filter((name, index) => orphanReplies.has(`${name}.eml`) && expected[index].reference === null)).toEqual([]);
  expect(files('outgoing')).toHaveLength(names.filter((name, index) => expected[index].acknowledge && !orphanReplies.has(`${name}.eml`)).length);
  const [first, ...later] = lines.filter((line) => line.event === 'intake_finished');
  expect(first).toMatchObject({ seen: names.length, failed: 0 });
  for (const cycle of later) expect(cycle).toMatchObject({ seen: 0, sent: 0 });
});

describe('health and metrics on the console of a running daemon', () => {
  const listeningAt = (lines: Record<string, unknown>[]) => lines.find((line) => line.event === 'console_listening')?.url as string;

  it('answers /healthz with 200 and /metrics with the cycle it ran, without sign-in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-daemon-metrics-'));
    mkdirSync(join(dataDir, 'inbox'));
    copyFileSync(join(FIXTURES, 'en-iphone-heic-prose.eml'), join(dataDir, 'inbox', 'first.eml'));
    const daemon = startDaemon(dataDir);
    const { lines, exited } = daemon;
    try {
      await until(() => lines.some((line) => line.event === 'intake_finished'), 20_000);
      const url = listeningAt(lines);

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('cancel_desk_mails_fetched_total{outcome="queued"} 1\n');
      expect(text).toContain('cancel_desk_requests{status="pending_review"} 1\n');
      expect(text).toContain('cancel_desk_acknowledgements_total{result="sent"} 1\n');
      expect(text).toMatch(/^cancel_desk_intake_cycle_duration_seconds_count\{result="succeeded"\} [1-9]/m);
      expect(lines).toContainEqual(expect.objectContaining({ component: 'http', event: 'request completed', res: { statusCode: 200 } }));
    } finally {
      daemon.kill('SIGTERM');
      await exited;
    }
  });

  it('answers /healthz with 503 and the reason while its intake cycles fail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-daemon-unhealthy-'));
    // A file where the inbox folder should be: every intake cycle fails to open it.
    writeFileSync(join(dataDir, 'inbox'), 'not a folder');
    const daemon = startDaemon(dataDir);
    const { lines, exited } = daemon;
    try {
      await until(() => lines.some((line) => line.event === 'intake_failed'), 20_000);
      const health = await fetch(`${listeningAt(lines)}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unhealthy', reasons: ['last_intake_cycle_failed'] });
      const text = await (await fetch(`${listeningAt(lines)}/metrics`)).text();
      expect(text).toMatch(/^cancel_desk_intake_cycle_duration_seconds_count\{result="failed"\} [1-9]/m);
    } finally {
      daemon.kill('SIGTERM');
      await exited;
    }
  });
});
