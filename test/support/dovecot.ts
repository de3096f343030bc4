/**
 * A private Dovecot for tests, per /work/shared/notes/dovecot.md: its own config, directories and
 * port, so test files can run one each in parallel without touching the system's Dovecot.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import type { ImapSettings } from '../../src/mailbox/imap-mailbox';

const execFileAsync = promisify(execFile);

const DOVECOT_BINARY = '/usr/sbin/dovecot';
const MAIL_USER = 'support@example.test';
const MAIL_PASSWORD = 'secret';
const STARTUP_TIMEOUT_MS = 10_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * How cancel-desk reaches this server's mailbox, in folders named `<prefix>-inbox`, `-processed`,
 * `-quarantine` (or the usual names without a prefix), so that tests do not see each other's mail.
 */
export function imapSettingsFor(dovecot: DovecotServer, prefix?: string): ImapSettings {
  const folder = (name: string, plain: string) => (prefix === undefined ? plain : `${prefix}-${name}`);
  return {
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    user: dovecot.user,
    password: dovecot.password,
    mailbox: folder('inbox', 'INBOX'),
    processedMailbox: folder('processed', 'Processed'),
    quarantineMailbox: folder('quarantine', 'Quarantine'),
    tlsRejectUnauthorized: true,
  };
}

/** The same, as the settings a cancel-desk process reads (IMAP_* with a password). */
export function imapEnvFor(dovecot: DovecotServer): Record<string, string> {
  return { IMAP_HOST: dovecot.host, IMAP_PORT: String(dovecot.port), IMAP_SECURE: 'false', IMAP_USER: dovecot.user, IMAP_PASSWORD: dovecot.password };
}

export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Appends over IMAP, so the mail gets a UID exactly as delivered mail would. */
  append(raw: Buffer | string, mailbox?: string, flags?: string[]): Promise<void>;
  /** Runs `work` on a connection of its own, as another mail client (staff, a delivery agent) would. */
  withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T>;
  /** Message count of a mailbox (0 when it does not exist). */
  list(mailbox: string): Promise<number>;
  /** SIGKILLs the imap processes serving clients: the client sees the socket close without a BYE. */
  dropConnections(): Promise<void>;
  /**
   * SIGSTOPs the imap processes serving clients, so a command sent afterwards stays in flight;
   * follow with dropConnections() to drop a connection mid-command deterministically.
   */
  pauseConnections(): Promise<void>;
  /** Runs doveadm against this instance (for example `mailbox update --uid-validity`). */
  doveadm(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface DovecotOptions {
  /**
   * The whole CAPABILITY list to advertise after login (Dovecot's `imap_capability`), to play a
   * server that lacks an extension; Dovecot's full default list when absent.
   */
  capabilities?: string[];
  /**
   * Also accept XOAUTH2 sign-ins, the one OAuth2 mechanism Microsoft 365 and Gmail both offer, with
   * tokens checked by Dovecot's oauth2 passdb against this RFC 7662 introspection URL (POST);
   * passwords keep working for the helpers here.
   */
  oauth2IntrospectionUrl?: string;
}

/** Dovecot 2.3's default list without MOVE and UIDPLUS, as an older or minimal server answers. */
export const CAPABILITIES_WITHOUT_MOVE_AND_UIDPLUS = [
  'IMAP4rev1', 'SASL-IR', 'LOGIN-REFERRALS', 'ID', 'ENABLE', 'IDLE', 'SORT', 'THREAD=REFERENCES', 'MULTIAPPEND',
  'UNSELECT', 'CHILDREN', 'NAMESPACE', 'LIST-EXTENDED', 'I18NLEVEL=1', 'ESEARCH', 'SEARCHRES', 'WITHIN',
  'LIST-STATUS', 'BINARY', 'LITERAL+', 'SPECIAL-USE',
];

export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  if (!existsSync(DOVECOT_BINARY)) {
    throw new Error(
      `${DOVECOT_BINARY} not found: the IMAP tests need a real Dovecot. Install it with ` +
        '`apt-get update && apt-get install -y dovecot-imapd`.',
    );
  }
  const mailOwner = await lookUpMailOwner();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cancel-desk-dovecot-'));
  // mkdtemp makes a 0700 root directory; the imap processes run as the dovecot user and the login
  // processes as dovenull, and both must traverse it to reach the maildir and the sockets.
  await fs.chmod(dir, 0o755);
  const maildir = path.join(dir, 'mail');
  await fs.mkdir(maildir);
  await fs.chown(maildir, mailOwner.uid, mailOwner.gid);

  const port = await findFreePort();
  const configPath = path.join(dir, 'dovecot.conf');
  const baseDir = path.join(dir, 'run');
  const logPath = path.join(dir, 'dovecot.log');
  await fs.writeFile(
    path.join(dir, 'passwd'),
    `${MAIL_USER}:{PLAIN}${MAIL_PASSWORD}:${mailOwner.uid}:${mailOwner.gid}::${maildir}/${MAIL_USER}::\n`,
  );
  if (options.oauth2IntrospectionUrl) {
    await fs.writeFile(
      path.join(dir, 'dovecot-oauth2.conf.ext'),
      `introspection_url = ${options.oauth2IntrospectionUrl}\nintrospection_mode = post\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`,
    );
  }
  await fs.writeFile(configPath, renderConfig({ dir, baseDir, logPath, maildir, port, capabilities: options.capabilities, oauth2: options.oauth2IntrospectionUrl !== undefined }));

  const startupErrorPath = path.join(dir, 'startup.err');
  const exitCode = await runDaemonising(DOVECOT_BINARY, ['-c', configPath], startupErrorPath);
  if (exitCode !== 0) {
    const startupError = readFileSync(startupErrorPath, 'utf8').trim();
    const log = readLogTail(logPath);
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(`dovecot exited with ${exitCode}: ${startupError}\n${log}`);
  }
  const host = '127.0.0.1';
  let masterPid: number | undefined;
  try {
    // The daemonising parent exits before the master has written its pid file.
    masterPid = await waitForPidFile(path.join(baseDir, 'master.pid'), STARTUP_TIMEOUT_MS);
    await waitForPort(host, port, STARTUP_TIMEOUT_MS);
  } catch (error) {
    const log = readLogTail(logPath);
    if (masterPid) await stopMaster(masterPid);
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  const runningMasterPid = masterPid;

  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host,
      port,
      secure: false,
      auth: { user: MAIL_USER, pass: MAIL_PASSWORD },
      logger: false,
      disableAutoIdle: true,
    });
    // Without a listener an 'error' event would crash the test process instead of failing a test.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  const imapChildPids = (): number[] => childPidsNamed(runningMasterPid, 'imap');

  return {
    withClient,
    host,
    port,
    user: MAIL_USER,
    password: MAIL_PASSWORD,
    async append(raw, mailbox = 'INBOX', flags = []) {
      await withClient(async (client) => {
        if (mailbox !== 'INBOX') await client.mailboxCreate(mailbox);
        const appended = await client.append(mailbox, raw, flags);
        if (!appended) throw new Error(`APPEND to ${mailbox} was refused`);
      });
    },
    async list(mailbox) {
      return withClient(async (client) => {
        const folders = await client.list();
        if (!folders.some((folder) => folder.path === mailbox)) return 0;
        const status = await client.status(mailbox, { messages: true });
        if (!status) throw new Error(`STATUS ${mailbox} was refused`);
        return status.messages ?? 0;
      });
    },
    async dropConnections() {
      const pids = imapChildPids();
      for (const pid of pids) signal(pid, 'SIGKILL');
      await waitUntilGone(pids, SHUTDOWN_TIMEOUT_MS);
    },
    async pauseConnections() {
      for (const pid of imapChildPids()) signal(pid, 'SIGSTOP');
    },
    async doveadm(...args) {
      const { stdout } = await execFileAsync('doveadm', ['-c', configPath, ...args]);
      return stdout;
    },
    async stop() {
      // A SIGSTOPped child ignores the master's SIGTERM and would keep the master waiting.
      for (const pid of imapChildPids()) signal(pid, 'SIGKILL');
      await stopMaster(runningMasterPid);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

function renderConfig(paths: { dir: string; baseDir: string; logPath: string; maildir: string; port: number; capabilities?: string[]; oauth2: boolean }): string {
  const { dir, baseDir, logPath, maildir, port, capabilities, oauth2 } = paths;
  return `${capabilities ? `imap_capability = ${capabilities.join(' ')}\n` : ''}
protocols = imap
listen = 127.0.0.1
instance_name = cancel-desk-test-${path.basename(dir)}
base_dir = ${baseDir}
state_dir = ${path.join(dir, 'state')}
log_path = ${logPath}
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth2 ? ' xoauth2' : ''}
# Even at 0 a failed login answers after about 0.5 s: Dovecot flushes its failure queue twice a second.
auth_failure_delay = 0
mail_location = maildir:${maildir}/%u
namespace inbox {
  inbox = yes
  separator = /
}
${
  oauth2
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2
  args = ${path.join(dir, 'dovecot-oauth2.conf.ext')}
}
`
    : ''
}passdb {
  driver = passwd-file
  args = ${path.join(dir, 'passwd')}${oauth2 ? '\n  mechanisms = plain login' : ''}
}
userdb {
  driver = passwd-file
  args = ${path.join(dir, 'passwd')}
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # Moved away, so the auth process finds no penalty socket and skips the per-IP auth penalty.
  unix_listener anvil-auth-penalty {
    path = anvil-auth-penalty-disabled
  }
}
`;
}

async function lookUpMailOwner(): Promise<{ uid: number; gid: number }> {
  const line = (await fs.readFile('/etc/passwd', 'utf8')).split('\n').find((entry) => entry.startsWith('dovecot:'));
  if (!line) {
    throw new Error('No `dovecot` system user: reinstall with `apt-get install -y dovecot-imapd`.');
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPidFile(pidPath: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const pid = Number(readFileSync(pidPath, 'utf8').trim());
      if (pid > 0) return pid;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (Date.now() > deadline) throw new Error(`dovecot wrote no ${pidPath} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Reads /proc rather than shelling out to pgrep, and only this instance's children. */
function childPidsNamed(parentPid: number, name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we were looking
    }
    // The command name is parenthesised and may itself contain spaces or parentheses.
    const nameEnd = stat.lastIndexOf(')');
    const command = stat.slice(stat.indexOf('(') + 1, nameEnd);
    const parent = Number(stat.slice(nameEnd + 2).split(' ')[1]);
    if (parent === parentPid && command === name) pids.push(Number(entry));
  }
  return pids;
}

async function stopMaster(masterPid: number): Promise<void> {
  signal(masterPid, 'SIGTERM');
  try {
    await waitUntilGone([masterPid], SHUTDOWN_TIMEOUT_MS);
  } catch {
    signal(masterPid, 'SIGKILL');
    await waitUntilGone([masterPid], SHUTDOWN_TIMEOUT_MS);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed child stays a zombie until the master reaps it; it no longer holds any socket.
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(', ')} still running after ${timeoutMs} ms`);
    await sleep(10);
  }
}

function readLogTail(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no dovecot log)';
  }
}

/**
 * The daemonised master keeps the stdio it inherited, so waiting for piped output to end (as
 * execFile does) would wait for the whole server to stop: send stderr to a file, wait for the exit.
 */
async function runDaemonising(command: string, args: string[], stderrPath: string): Promise<number> {
  const stderr = await fs.open(stderrPath, 'w');
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', stderr.fd, stderr.fd] });
      child.once('error', reject);
      child.once('exit', (code, signalName) => resolve(code ?? (signalName ? 128 : 1)));
    });
  } finally {
    await stderr.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
