import type { ImapFlow } from 'imapflow';
import type { Logger } from '../log';
import { describeImapError, describeMailbox, forgetRefusedToken, newImapClient, type ImapSettings, type ImapTimeouts } from './imap-mailbox';
import { MailTokenError, type AccessTokens } from './oauth2-tokens';

export interface InboxWatch {
  /** Ends the watching connection and any reconnect waiting; nothing is announced after it resolves. */
  stop(): Promise<void>;
}

/** Waits between reconnects: the first, doubling after every further failure up to the cap. */
export interface ReconnectBackoff {
  firstDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_BACKOFF: ReconnectBackoff = { firstDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * Keeps one connection of its own IDLE on the inbox (opened read-only: it never touches a message)
 * and calls `onNewMail` when the server announces mail, so that intake runs within seconds instead
 * of at the next poll tick. A dropped connection is reopened with backoff, and `onNewMail` is called
 * once it is back, for mail that came meanwhile. A server without IDLE is left to the poll schedule.
 */
export function watchImapInbox(
  settings: ImapSettings,
  log: Logger,
  onNewMail: () => void,
  options: { backoff?: Partial<ReconnectBackoff>; timeouts?: Partial<ImapTimeouts>; tokens?: AccessTokens | null } = {},
): InboxWatch {
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const mailbox = describeMailbox(settings);
  let stopped = false;
  let current: ImapFlow | null = null;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;

  const reconnectLater = (reason: string, level: 'warn' | 'debug' = 'warn') => {
    if (stopped) return;
    const retryInMs = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** failures);
    failures++;
    log[level]('imap.watch_interrupted', { mailbox, reason, failures, retryInMs });
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, retryInMs);
  };

  const connect = async () => {
    const tokens = options.tokens ?? null;
    let accessToken: string | null;
    try {
      accessToken = tokens ? await tokens.current() : null;
    } catch (error) {
      // The token source has logged the failure once already, and backs off on its own.
      reconnectLater((error as Error).message, error instanceof MailTokenError ? 'debug' : 'warn');
      return;
    }
    if (stopped) return;
    const client = newImapClient(settings, log, options.timeouts, accessToken);
    current = client;
    let cause: Error | undefined;
    // imapflow emits 'error' at most once and then closes; without a listener it would crash the process.
    client.on('error', (error: Error) => {
      cause = error;
    });
    client.on('close', () => {
      if (current !== client) return;
      current = null;
      reconnectLater(cause?.message ?? client.byeReason ?? 'socket closed by the server or the network');
    });
    client.on('exists', (update: { count: number; prevCount: number }) => {
      if (update.count > update.prevCount) onNewMail();
    });
    try {
      await client.connect();
      if (!client.capabilities.has('IDLE')) {
        log.info('imap.idle_unavailable', { mailbox, advice: 'the server does not offer IDLE: new mail is read at the POLL_SCHEDULE ticks' });
        current = null;
        await client.logout();
        return;
      }
      await client.mailboxOpen(settings.mailbox, { readOnly: true });
      if (current !== client) return;
      log.info('imap.watching', { mailbox, afterFailures: failures });
      if (failures > 0) onNewMail();
      failures = 0;
      // Auto-IDLE would only start after 15 s of quiet; until IDLE ends (never, unless the connection does).
      void client.idle().catch(() => undefined);
    } catch (error) {
      if (current !== client) return;
      current = null;
      client.close();
      forgetRefusedToken(error, accessToken, tokens);
      reconnectLater(describeImapError(error));
    }
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      const client = current;
      current = null;
      if (client) await client.logout().catch(() => client.close());
    },
  };
}
