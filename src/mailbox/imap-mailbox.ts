import { ImapFlow, type ImapFlowError, type ImapFlowOptions } from 'imapflow';
import { scrubText, type Logger } from '../log';
import type { Destination, Mailbox, MailboxSession, PendingMessage } from './mailbox';
import type { AccessTokens } from './oauth2-tokens';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** Null: the user signs in with an OAuth2 access token (XOAUTH2) from the AccessTokens given alongside. */
  password: string | null;
  mailbox: string;
  processedMailbox: string;
  quarantineMailbox: string;
  tlsRejectUnauthorized: boolean;
}

export interface ImapTimeouts {
  /**
   * How long a command may go without any byte from the server before the session is failed.
   * Between commands imapflow keeps the connection alive with IDLE, so this only bounds a server
   * (or a network path) that went silent without closing the socket.
   */
  socketTimeoutMs: number;
  /** DNS, TCP and TLS together. */
  connectionTimeoutMs: number;
}

const DEFAULT_TIMEOUTS: ImapTimeouts = { socketTimeoutMs: 60_000, connectionTimeoutMs: 30_000 };

/** A key from before the mailbox's UIDVALIDITY changed: its UID may now name another message. */
export class StaleMessageKeyError extends Error {
  override readonly name = 'StaleMessageKeyError';
  readonly code = 'StaleMessageKey';
}

/** The server or the network ended the session; the caller retries with a new session next cycle. */
export class ImapConnectionLostError extends Error {
  override readonly name = 'ImapConnectionLostError';
  readonly code = 'ImapConnectionLost';
}

/**
 * A server with neither MOVE nor UIDPLUS: moving a message out would copy it, flag it \Deleted and
 * EXPUNGE, which removes every message flagged \Deleted in the inbox, staff's included.
 */
export class UnsafeMailboxError extends Error {
  override readonly name = 'UnsafeMailboxError';
  readonly code = 'UnsafeMailbox';
  constructor(
    description: string,
    readonly missingCapabilities: string[],
  ) {
    super(
      `refusing ${description}: the server lacks ${missingCapabilities.join(' and ')}, so moving a message out ` +
        'would expunge every message flagged \\Deleted in the inbox, not only ours; enable MOVE or UIDPLUS on the server',
    );
  }
}

/** MOVE settles one message by itself; without it, UIDPLUS's UID EXPUNGE keeps the expunge to ours. */
const SAFE_SETTLING = ['MOVE', 'UIDPLUS'];

export function createImapMailbox(
  settings: ImapSettings,
  log: Logger,
  timeouts: Partial<ImapTimeouts> = {},
  tokens: AccessTokens | null = null,
): Mailbox {
  const folders = [settings.mailbox, settings.processedMailbox, settings.quarantineMailbox];
  if (new Set(folders).size !== folders.length) {
    // A settle into the inbox itself would leave the message listed forever.
    throw new Error(`mailbox, processedMailbox and quarantineMailbox must differ (got ${folders.join(', ')})`);
  }
  const { socketTimeoutMs, connectionTimeoutMs } = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const description = describeMailbox(settings);

  return {
    description,
    async open(): Promise<MailboxSession> {
      // A token failure is the token source's to log and back off from; it surfaces here as MailTokenError.
      const accessToken = tokens ? await tokens.current() : null;
      const client = newImapClient(settings, log, { socketTimeoutMs, connectionTimeoutMs }, accessToken);
      const connection = watchConnection(client, description, log);
      let step = 'connecting';
      try {
        await client.connect();
        step = 'checking the capabilities';
        if (!SAFE_SETTLING.some((capability) => client.capabilities.has(capability))) {
          throw new UnsafeMailboxError(description, SAFE_SETTLING);
        }
        step = 'creating the processed and quarantine folders';
        await createMissingFolders(client, [settings.processedMailbox, settings.quarantineMailbox], log);
        step = `selecting ${settings.mailbox}`;
        const selected = await client.mailboxOpen(settings.mailbox);
        log.info('imap.session_opened', {
          mailbox: description,
          uidValidity: selected.uidValidity.toString(),
          messages: selected.exists,
        });
      } catch (error) {
        connection.closingOnPurpose = true;
        client.close();
        if (error instanceof UnsafeMailboxError) throw error;
        forgetRefusedToken(error, accessToken, tokens);
        throw new Error(`could not open ${description} (${step}): ${describeImapError(error)}`, { cause: error });
      }
      return createSession(client, connection, settings, description, log);
    },

    async purgeProcessed(before) {
      const client = newImapClient(settings, log, { socketTimeoutMs, connectionTimeoutMs });
      await client.connect();
      try {
        await client.mailboxOpen(settings.processedMailbox);
        const uids = (await client.search({ before }, { uid: true })) || [];
        // Only our own processed mail lives in this folder; UID EXPUNGE where the server has UIDPLUS.
        if (uids.length > 0) await client.messageDelete(uids, { uid: true });
        return uids.length;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
  };
}

/** How logs and errors name the inbox: the password never, the user's address percent-encoded. */
export function describeMailbox(settings: ImapSettings): string {
  return `${settings.secure ? 'imaps' : 'imap'}://${encodeURIComponent(settings.user)}@${settings.host}:${settings.port}/${settings.mailbox}`;
}

/**
 * A client for the configured server, not yet connected, logging through `log`; it signs in with
 * XOAUTH2 when given an access token, with the password otherwise.
 */
export function newImapClient(settings: ImapSettings, log: Logger, timeouts: Partial<ImapTimeouts> = {}, accessToken: string | null = null): ImapFlow {
  const { socketTimeoutMs, connectionTimeoutMs } = { ...DEFAULT_TIMEOUTS, ...timeouts };
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: accessToken !== null ? { user: settings.user, accessToken } : { user: settings.user, pass: settings.password ?? '' },
    tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
    logger: imapflowLog(log),
    socketTimeout: socketTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
  });
}

/**
 * imapflow's own connection log (connects, commands, server replies) at debug: it is for chasing a
 * connection problem, not for every day. Its warnings and errors stay warnings. Server replies can
 * quote mail, so its text is scrubbed; message contents (FETCH) it logs only at trace, never asked for.
 */
function imapflowLog(log: Logger): ImapFlowOptions['logger'] {
  const connection = log.pinoFor('imapflow');
  const relay = (level: 'debug' | 'warn') => (entry: unknown) => connection[level](scrubbed(entry), 'imapflow');
  return { debug: relay('debug'), info: relay('debug'), warn: relay('warn'), error: relay('warn') };
}

function scrubbed(entry: unknown): Record<string, unknown> {
  if (entry === null || typeof entry !== 'object') return { msg: scrubText(String(entry)) };
  return Object.fromEntries(
    Object.entries(entry).map(([key, value]) => [key, value instanceof Error ? scrubText(value.message) : typeof value === 'string' ? scrubText(value) : value]),
  );
}

interface ConnectionWatch {
  /** Rejects once the connection closes without close() having been asked for. */
  lost: Promise<never>;
  lostError: Error | undefined;
  closingOnPurpose: boolean;
}

function watchConnection(client: ImapFlow, description: string, log: Logger): ConnectionWatch {
  let rejectLost: (error: Error) => void = () => undefined;
  const watch: ConnectionWatch = {
    lost: new Promise<never>((_, reject) => {
      rejectLost = reject;
    }),
    lostError: undefined,
    closingOnPurpose: false,
  };
  // Nobody may be awaiting it (the loss can happen between commands); the next command sees lostError.
  watch.lost.catch(() => undefined);
  let cause: Error | undefined;
  // imapflow emits 'error' at most once and then closes; without a listener it would crash the process.
  client.on('error', (error: Error) => {
    cause = error;
  });
  client.on('close', () => {
    if (watch.closingOnPurpose) return;
    const reason = cause?.message ?? client.byeReason ?? 'socket closed by the server or the network';
    watch.lostError = new ImapConnectionLostError(`connection to ${description} lost: ${reason}`, { cause });
    log.warn('imap.connection_lost', { mailbox: description, reason });
    rejectLost(watch.lostError);
  });
  return watch;
}

async function createMissingFolders(client: ImapFlow, paths: string[], log: Logger): Promise<void> {
  const existing = new Set((await client.list()).map((folder) => folder.path));
  for (const folderPath of paths) {
    if (existing.has(folderPath)) continue;
    // imapflow answers a NO [ALREADYEXISTS] with created: false, so a concurrent creator is harmless.
    const result = await client.mailboxCreate(folderPath);
    if (result?.created) log.info('imap.folder_created', { folder: result.path });
  }
}

function createSession(
  client: ImapFlow,
  connection: ConnectionWatch,
  settings: ImapSettings,
  description: string,
  log: Logger,
): MailboxSession {
  let closed = false;

  /**
   * Once the connection is gone imapflow resolves some commands with undefined or false instead
   * of rejecting (search() resolves undefined, messageMove() false), and the errors it does throw
   * do not say which mailbox: every failure after a loss becomes the one lostError.
   */
  const guarded = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (closed) throw new Error(`session on ${description} is closed`);
    if (connection.lostError) throw connection.lostError;
    try {
      return await Promise.race([operation(), connection.lost]);
    } catch (error) {
      throw connection.lostError ?? error;
    }
  };

  const currentUidValidity = (): bigint => {
    if (!client.mailbox) throw connection.lostError ?? new Error(`${settings.mailbox} is no longer selected`);
    return client.mailbox.uidValidity;
  };

  /** The UID of a key that belongs to the UIDVALIDITY of this session, never one from before a reset. */
  const uidOf = (message: PendingMessage): number => {
    const { uidValidity, uid } = parseKey(message.key);
    const current = currentUidValidity();
    if (uidValidity !== current) {
      throw new StaleMessageKeyError(
        `message ${message.key} was listed under UIDVALIDITY ${uidValidity} but ${settings.mailbox} now has ` +
          `${current}; its UID may name another message, list the mailbox again`,
      );
    }
    return uid;
  };

  const isStillInMailbox = async (uid: number): Promise<boolean> => {
    await client.noop();
    const found = await client.search({ uid: String(uid) }, { uid: true });
    if (!Array.isArray(found)) throw new Error(`UID SEARCH UID ${uid} in ${settings.mailbox} failed`);
    return found.includes(uid);
  };

  return {
    generation: currentUidValidity().toString(),
    pending: () =>
      guarded(async () => {
        const uidValidity = currentUidValidity();
        // Dovecot answers SEARCH from the session's last synced view: without the NOOP, mail that
        // arrived or that staff moved away since the previous command is missing or still listed.
        await client.noop();
        const uids = await client.search({ all: true }, { uid: true });
        if (!Array.isArray(uids)) throw new Error(`UID SEARCH ALL in ${settings.mailbox} failed`);
        if (uids.length === 0) return [];
        // A closed range without '*', filtered to what SEARCH found: "n:*" always matches the
        // highest UID, even when nothing is at or above n.
        const listed = new Set(uids);
        const rows = await client.fetchAll(
          `${uids[0]}:${uids[uids.length - 1]}`,
          { uid: true, size: true },
          { uid: true },
        );
        return rows
          .filter((row) => listed.has(row.uid))
          .sort((a, b) => a.uid - b.uid)
          .map((row) => {
            // A made-up size would slip past the caller's message size limit.
            if (row.size === undefined) throw new Error(`FETCH gave no RFC822.SIZE for UID ${row.uid}`);
            return { key: `${uidValidity}:${row.uid}`, size: row.size };
          });
      }),

    read: (message) =>
      guarded(async () => {
        const uid = uidOf(message);
        // fetchOne asks for BODY.PEEK[], so reading does not set \Seen for the staff who share the inbox.
        const fetched = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (!fetched || !fetched.source) {
          throw new Error(`message ${message.key} is no longer in ${settings.mailbox}`);
        }
        return fetched.source;
      }),

    settle: (message, destination: Destination) =>
      guarded(async () => {
        const uid = uidOf(message);
        const folder = destination === 'processed' ? settings.processedMailbox : settings.quarantineMailbox;
        // Without the MOVE capability imapflow copies, flags \Deleted and expunges with UID EXPUNGE:
        // open() refused a server that has neither, where only a plain EXPUNGE of all would remain.
        const moved = await client.messageMove(String(uid), folder, { uid: true });
        if (!moved) throw new Error(`moving message ${message.key} to ${folder} was refused`);
        if (!moved.uidMap?.has(uid)) {
          // A UID MOVE of a UID that is gone answers OK with nothing moved; with UIDPLUS the
          // missing COPYUID entry says so. Without UIDPLUS there is no COPYUID at all, and a
          // message that is no longer listed is taken as moved.
          if (client.capabilities.has('UIDPLUS')) {
            throw new Error(`message ${message.key} is no longer in ${settings.mailbox}`);
          }
          if (await isStillInMailbox(uid)) {
            throw new Error(`message ${message.key} is still in ${settings.mailbox} after moving it to ${folder}`);
          }
        }
        log.info('imap.message_settled', { mailbox: description, key: message.key, folder });
      }),

    async close() {
      if (closed) return;
      closed = true;
      connection.closingOnPurpose = true;
      if (client.usable) {
        try {
          await client.logout();
        } catch (error) {
          log.warn('imap.logout_failed', { mailbox: description, reason: (error as Error).message });
        }
      }
      // A LOGOUT that could not even be sent leaves the socket to us; close() is idempotent.
      client.close();
    },
  };
}

function parseKey(key: string): { uidValidity: bigint; uid: number } {
  const match = /^(\d+):(\d+)$/.exec(key);
  if (!match) throw new Error(`"${key}" is not an IMAP message key (UIDVALIDITY:UID)`);
  return { uidValidity: BigInt(match[1]), uid: Number(match[2]) };
}

/** A token the server refused (revoked before its time) is not offered again: the next sign-in gets a new one. */
export function forgetRefusedToken(error: unknown, accessToken: string | null, tokens: AccessTokens | null): void {
  if (accessToken !== null && (error as { authenticationFailed?: boolean }).authenticationFailed) tokens?.discard(accessToken);
}

/** imapflow's own message is often just "Command failed"; the server's answer says why. */
export function describeImapError(error: unknown): string {
  const { message, command, responseText } = error as ImapFlowError;
  const what = command ? `${command}: ${message}` : message;
  return responseText ? `${what} (${responseText})` : what;
}
