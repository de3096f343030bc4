import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/log';
import type { ImapSettings } from '../../src/mailbox/imap-mailbox';
import { watchImapInbox, type InboxWatch } from '../../src/mailbox/imap-watch';
import { startDaemon, until } from '../support/daemon';
import { CAPABILITIES_WITHOUT_MOVE_AND_UIDPLUS, type DovecotServer, imapEnvFor, imapSettingsFor, startDovecot } from '../support/dovecot';
import { loadFixture } from '../support/fixtures';

jest.setTimeout(90_000);

const BACKOFF = { firstDelayMs: 100, maxDelayMs: 400 };
const MAIL = 'From: Ann <ann@example.org>\r\nTo: support@example.test\r\nSubject: hello\r\nMessage-ID: <hello@example.org>\r\n\r\nhello\r\n';

let folderCounter = 0;

async function freshInbox(dovecot: DovecotServer, overrides: Partial<ImapSettings> = {}): Promise<ImapSettings> {
  const settings = { ...imapSettingsFor(dovecot, `watch${++folderCounter}`), ...overrides };
  await dovecot.withClient((client) => client.mailboxCreate(settings.mailbox));
  return settings;
}

function watching(settings: ImapSettings) {
  const logs: Record<string, unknown>[] = [];
  let announced = 0;
  const watch: InboxWatch = watchImapInbox(settings, createLogger((line) => logs.push(JSON.parse(line) as Record<string, unknown>), systemClock), () => announced++, {
    backoff: BACKOFF,
  });
  return { watch, logs, announced: () => announced, events: (event: string) => logs.filter((line) => line.event === event) };
}

describe('on a server with IDLE', () => {
  let dovecot: DovecotServer;
  let running: InboxWatch | null = null;

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterEach(async () => {
    await running?.stop();
    running = null;
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('announces mail as soon as the server reports it, without touching it', async () => {
    const settings = await freshInbox(dovecot);
    const watcher = watching(settings);
    running = watcher.watch;
    await until(() => watcher.events('imap.watching').length === 1);

    await dovecot.append(MAIL, settings.mailbox);
    await until(() => watcher.announced() === 1);
    const unseen = await dovecot.withClient(async (client) => {
      await client.mailboxOpen(settings.mailbox);
      return client.search({ seen: false }, { uid: true });
    });
    expect(unseen).toHaveLength(1);
  });

  it('reconnects after the connection is cut, announces once back for mail that came meanwhile, and keeps announcing', async () => {
    const settings = await freshInbox(dovecot);
    const watcher = watching(settings);
    running = watcher.watch;
    await until(() => watcher.events('imap.watching').length === 1);

    await dovecot.dropConnections();
    await until(() => watcher.events('imap.watching').length === 2);
    expect(watcher.events('imap.watch_interrupted')).toEqual([expect.objectContaining({ level: 'warn', failures: 1, retryInMs: BACKOFF.firstDelayMs })]);
    expect(watcher.events('imap.watching')[1]).toMatchObject({ afterFailures: 1 });
    expect(watcher.announced()).toBe(1);

    await dovecot.append(MAIL, settings.mailbox);
    await until(() => watcher.announced() === 2);
  });

  it('waits longer after each failed attempt, up to the cap, and stops trying once stopped', async () => {
    const settings = await freshInbox(dovecot, { password: 'not the password' });
    const watcher = watching(settings);
    await until(() => watcher.events('imap.watch_interrupted').length >= 4);
    await watcher.watch.stop();
    const waits = watcher.events('imap.watch_interrupted').map((line) => line.retryInMs);
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 400]);

    const after = watcher.logs.length;
    await new Promise((resolve) => setTimeout(resolve, 3 * BACKOFF.maxDelayMs));
    expect(watcher.logs.length).toBe(after);
    expect(watcher.announced()).toBe(0);
  });
});

it('leaves a server without IDLE to the poll schedule', async () => {
  const dovecot = await startDovecot({ capabilities: CAPABILITIES_WITHOUT_MOVE_AND_UIDPLUS.filter((capability) => capability !== 'IDLE').concat('MOVE', 'UIDPLUS') });
  try {
    const watcher = watching(await freshInbox(dovecot));
    await until(() => watcher.events('imap.idle_unavailable').length === 1);
    await watcher.watch.stop();
    expect(watcher.events('imap.watch_interrupted')).toEqual([]);
    expect(watcher.events('imap.watching')).toEqual([]);
  } finally {
    await dovecot.stop();
  }
});

describe('cancel-desk run on an IMAP inbox with IDLE', () => {
  let dovecot: DovecotServer;

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('acknowledges new mail without waiting for the poll schedule, and again after the connection is cut', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-idle-'));
    const daemon = startDaemon(dataDir, {
      // Once a year: any mail handled during the test came through IDLE, not the schedule.
      POLL_SCHEDULE: '0 0 1 1 *',
      ...imapEnvFor(dovecot),
      VAULT_KEY: randomBytes(32).toString('base64'),
    });
    const { lines, exited } = daemon;
    const acknowledged = () => lines.filter((line) => line.event === 'mail_sent' && line.purpose === 'acknowledgement').length;
    try {
      await until(() => lines.some((line) => line.event === 'intake_finished') && lines.some((line) => line.event === 'imap.watching'));

      await dovecot.append(loadFixture('en-iphone-heic-prose').raw);
      await until(() => acknowledged() === 1);

      await dovecot.dropConnections();
      await until(() => lines.filter((line) => line.event === 'imap.watching').length === 2);
      await dovecot.append(loadFixture('en-outlook-windows-table').raw);
      await until(() => acknowledged() === 2);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(lines.filter((line) => line.event === 'message_handled' && line.outcome === 'queued')).toHaveLength(2);
  });
});
