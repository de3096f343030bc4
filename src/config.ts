import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { readSettings, type SettingsSource } from './env-file';
import type { HolidayCalendar } from './review/working-days';
import { defaultLimits, type IntakePolicy } from './intake/intake-policy';
import { LOG_LEVELS, type LogLevel } from './log';
import type { ImapSettings } from './mailbox/imap-mailbox';
import type { OAuth2Grant } from './mailbox/oauth2-tokens';
import type { SmtpSettings } from './outbox/nodemailer-transports';
import type { AutomaticMailLimits } from './queue/outbox-store';
import type { AccountWebhook } from './review/account-webhook';

type Reading<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * A setting checked in plain code rather than with zod: `parse` reads only such settings, and
 * loading zod and building the whole schema would take longer than reading the mail.
 * The whole schema checks the same settings through the same rules (`zodSetting`).
 */
interface PlainSetting<T> {
  /** The text an unset setting stands for. */
  fallback: string;
  read: (text: string) => Reading<T>;
}

const accepted = <T>(value: T): Reading<T> => ({ ok: true, value });
const refused = (problem: string): Reading<never> => ({ ok: false, problem });

const wholeNumber = (fallback: number): PlainSetting<number> => ({
  fallback: String(fallback),
  read: (text) => {
    const value = Number(text);
    return Number.isSafeInteger(value) && value > 0 ? accepted(value) : refused('must be a whole number above 0');
  },
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The settings `parse` reads, and all that it checks (`loadIntakeConfig`). */
const intakeSettings = {
  TIME_ZONE: {
    fallback: Intl.DateTimeFormat().resolvedOptions().timeZone,
    read: (zone: string) => (isTimeZone(zone) ? accepted(zone) : refused('must be an IANA time zone such as Asia/Shanghai')),
  },
  TRUSTED_AUTHSERV_ID: { fallback: '', read: (text: string) => accepted(text.trim()) },
  MAIL_FROM: {
    fallback: 'Customer Support <support@localhost>',
    read: (text: string) => (parseMailbox(text) !== null ? accepted(text) : refused('must be an address, e.g. "Support <support@example.com>"')),
  },
  MAX_MESSAGE_BYTES: wholeNumber(defaultLimits.maxMessageBytes),
  MAX_HEADER_BYTES: wholeNumber(defaultLimits.maxHeaderBytes),
  MAX_MIME_DEPTH: wholeNumber(defaultLimits.maxMimeDepth),
  MAX_MIME_PARTS: wholeNumber(defaultLimits.maxMimeParts),
  MAX_ATTACHMENT_BYTES: wholeNumber(defaultLimits.maxAttachmentBytes),
  MAX_RECEIVED_HEADERS: wholeNumber(defaultLimits.maxReceivedHeaders),
};

type IntakeSettings = { [Name in keyof typeof intakeSettings]: (typeof intakeSettings)[Name] extends PlainSetting<infer T> ? T : never };

/** Only these names reach nobody but this machine; anything else is reachable from the network. */
function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\./.test(bare);
}

function isAddressOrRange(entry: string): boolean {
  // node:net is loaded by the first address checked, not with this module: `parse` needs no socket code.
  const { isIP } = require('node:net') as typeof import('node:net');
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

const MAIL_AUTH_MODES = ['password', 'oauth2-client-credentials', 'oauth2-refresh-token'] as const;
const MICROSOFT_365_SCOPE = 'https://outlook.office365.com/.default';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Every setting's schema. Built on first use, with zod and node-cron loaded then: `parse` never needs them. */
function buildSettingsSchema() {
  const { z } = require('zod') as typeof import('zod');
  const { validate: isCronExpression } = require('node-cron') as typeof import('node-cron');

  const zodSetting = <T>(setting: PlainSetting<T>) =>
    z
      .string()
      .default(setting.fallback)
      .transform((text, context) => {
        const read = setting.read(text);
        if (read.ok) return read.value;
        context.addIssue({ code: 'custom', message: read.problem });
        return z.NEVER;
      });

  const whole = (fallback: number) => zodSetting(wholeNumber(fallback));

  const flag = (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => ['true', '1', 'yes'].includes(value));

  const schedule = (fallback: string) => z.string().default(fallback).refine(isCronExpression, 'must be a cron expression such as "* * * * *"');

  const vaultKey = z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
    .transform((value) => Buffer.from(value, 'base64'))
    .optional();

  /** IPs and CIDR ranges, comma-separated: the reverse proxies whose X-Forwarded-For hop is believed. */
  const addressList = z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .refine((entries) => entries.every(isAddressOrRange), 'must be IP addresses or CIDR ranges, comma-separated, e.g. "127.0.0.1,10.0.0.0/8"');

  const shape = {
    DATA_DIR: z.string().min(1).default('./data'),
    TIME_ZONE: zodSetting(intakeSettings.TIME_ZONE),
    TRUSTED_AUTHSERV_ID: zodSetting(intakeSettings.TRUSTED_AUTHSERV_ID),
    MAIL_FROM: zodSetting(intakeSettings.MAIL_FROM),
    MAX_MESSAGE_BYTES: zodSetting(intakeSettings.MAX_MESSAGE_BYTES),
    MAX_HEADER_BYTES: zodSetting(intakeSettings.MAX_HEADER_BYTES),
    MAX_MIME_DEPTH: zodSetting(intakeSettings.MAX_MIME_DEPTH),
    MAX_MIME_PARTS: zodSetting(intakeSettings.MAX_MIME_PARTS),
    MAX_ATTACHMENT_BYTES: zodSetting(intakeSettings.MAX_ATTACHMENT_BYTES),
    MAX_RECEIVED_HEADERS: zodSetting(intakeSettings.MAX_RECEIVED_HEADERS),
    TEMPLATES_DIR: z.string().min(1).default(join(__dirname, '..', 'templates')),
    ORG_NAME: z.string().trim().max(120).default(''),
    ORG_SUPPORT_EMAIL: z.email({ error: 'must be an email address, e.g. support@example.com' }).optional(),
    ORG_LOGO_FILE: z.string().optional(),
    REVIEW_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(3),
    HOLIDAYS_FILE: z.string().optional(),
    VAULT_KEY: vaultKey,
    IMAP_HOST: z.string().optional(),
    IMAP_PORT: whole(993),
    IMAP_SECURE: flag(true),
    IMAP_USER: z.string().optional(),
    IMAP_PASSWORD: z.string().optional(),
    IMAP_MAILBOX: z.string().default('INBOX'),
    IMAP_PROCESSED_MAILBOX: z.string().default('Processed'),
    IMAP_QUARANTINE_MAILBOX: z.string().default('Quarantine'),
    IMAP_TLS_REJECT_UNAUTHORIZED: flag(true),
    MAIL_AUTH: z.enum(MAIL_AUTH_MODES).default('password'),
    OAUTH_TOKEN_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((value) => new URL(value).protocol === 'https:' || isLoopback(new URL(value).hostname), 'must be https (the client secret goes with it) unless it is on this machine')
      .optional(),
    OAUTH_TENANT_ID: z.string().trim().regex(/^[A-Za-z0-9.-]+$/, 'must be the directory (tenant) ID or domain, e.g. contoso.onmicrosoft.com').optional(),
    OAUTH_CLIENT_ID: z.string().trim().optional(),
    OAUTH_CLIENT_SECRET: z.string().optional(),
    OAUTH_REFRESH_TOKEN: z.string().optional(),
    OAUTH_SCOPE: z.string().trim().optional(),
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: whole(587),
    SMTP_SECURE: flag(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    POLL_SCHEDULE: schedule('* * * * *'),
    OUTBOX_SCHEDULE: schedule('*/30 * * * * *'),
    HOUSEKEEPING_SCHEDULE: schedule('17 * * * *'),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    RETENTION_SCHEDULE: schedule('40 3 * * *'),
    IMAP_PURGE_PROCESSED: flag(false),
    MAX_PROCESSING_ATTEMPTS: whole(3),
    ACK_LIMIT_PER_SENDER: whole(5),
    ACK_LIMIT_PER_HOUR: whole(200),
    ACCOUNT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    ACCOUNT_WEBHOOK_SECRET: z.string().min(16, 'must have at least 16 characters (openssl rand -hex 32)').optional(),
    WEBHOOK_SCHEDULE: schedule('*/30 * * * * *'),
    WEB_HOST: z.string().min(1).default('127.0.0.1'),
    WEB_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    WEB_COOKIE_SECURE: flag(false),
    WEB_ALLOW_INSECURE_HTTP: flag(false),
    WEB_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL staff open, e.g. https://console.example.com' }).optional(),
    WEB_TRUSTED_PROXIES: addressList,
    WEB_SESSION_HOURS: whole(12),
    WEB_SESSION_IDLE_MINUTES: whole(30),
    WEB_SIGNIN_MAX_FAILURES: whole(5),
    WEB_SIGNIN_LOCK_MINUTES: whole(15),
    WEB_SIGNIN_ADDRESS_MAX_FAILURES: whole(20),
    WEB_SIGNIN_NAME_MAX_FAILURES: whole(20),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    HEALTH_MAX_CYCLE_AGE_SECONDS: whole(300),
  };

  // `when`: the rules across settings are checked even when another setting is invalid, so that one
  // run names every problem.
  const environment = z
    .object(shape)
    .refine((env) => !env.IMAP_HOST || (env.IMAP_USER && (env.IMAP_PASSWORD || env.MAIL_AUTH !== 'password')), {
      message: 'IMAP_USER and IMAP_PASSWORD (or an OAuth2 MAIL_AUTH) are required when IMAP_HOST is set',
      path: ['IMAP_USER'],
      when: () => true,
    })
    .refine((env) => env.MAIL_AUTH === 'password' || (env.OAUTH_CLIENT_ID && (env.OAUTH_CLIENT_SECRET || env.MAIL_AUTH === 'oauth2-refresh-token')), {
      message: 'OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET are required with an OAuth2 MAIL_AUTH (the secret may be left out only with a refresh token)',
      path: ['MAIL_AUTH'],
      when: () => true,
    })
    .refine((env) => env.MAIL_AUTH !== 'oauth2-client-credentials' || env.OAUTH_TENANT_ID || env.OAUTH_TOKEN_URL, {
      message: 'is required with MAIL_AUTH=oauth2-client-credentials: the Microsoft 365 directory (tenant) ID, or OAUTH_TOKEN_URL for another provider',
      path: ['OAUTH_TENANT_ID'],
      when: () => true,
    })
    .refine((env) => env.MAIL_AUTH !== 'oauth2-refresh-token' || env.OAUTH_REFRESH_TOKEN, {
      message: 'is required with MAIL_AUTH=oauth2-refresh-token',
      path: ['OAUTH_REFRESH_TOKEN'],
      when: () => true,
    })
    .refine((env) => !env.ACCOUNT_WEBHOOK_URL || env.ACCOUNT_WEBHOOK_SECRET, {
      message: 'is required when ACCOUNT_WEBHOOK_URL is set: every hand-off is signed with it (openssl rand -hex 32)',
      path: ['ACCOUNT_WEBHOOK_SECRET'],
      when: () => true,
    })
    .refine((env) => isLoopback(env.WEB_HOST) || env.WEB_COOKIE_SECURE || env.WEB_ALLOW_INSECURE_HTTP, {
      message:
        'is not a loopback address, so staff passwords and session cookies would cross the network in plain HTTP: put a TLS reverse proxy in front and set WEB_COOKIE_SECURE=true, or set WEB_ALLOW_INSECURE_HTTP=true to accept that',
      path: ['WEB_HOST'],
    })
    .refine((env) => !env.IMAP_HOST || env.VAULT_KEY, {
      message: 'is required when IMAP_HOST is set (ID documents from a real inbox must not be sealed with a generated key): generate one with `openssl rand -base64 32`',
      path: ['VAULT_KEY'],
      when: () => true,
    });
  return { shape, environment };
}

type SettingsSchema = ReturnType<typeof buildSettingsSchema>;
let builtSchema: SettingsSchema | undefined;

function settingsSchema(): SettingsSchema {
  builtSchema ??= buildSettingsSchema();
  return builtSchema;
}

export interface Config {
  dataDir: string;
  timeZone: string;
  templatesDir: string;
  mailFrom: { name: string; address: string };
  intake: IntakePolicy;
  /** Absent in the embedded default, where a key file is generated once under DATA_DIR. */
  vaultKey: Buffer | null;
  /** Absent in the embedded default: the inbox is the folder DATA_DIR/inbox. */
  imap: ImapSettings | null;
  /** Absent in the embedded default: outgoing mail is written to DATA_DIR/outgoing. */
  smtp: SmtpSettings | null;
  /** How IMAP and SMTP get an access token for XOAUTH2 (MAIL_AUTH); null: they sign in with their passwords. */
  oauth2: OAuth2Grant | null;
  /** Absent: approved requests wait for `cancel-desk export` instead of being posted to the account system. */
  accountWebhook: AccountWebhook | null;
  schedules: { poll: string; outbox: string; housekeeping: string; webhook: string; retention: string };
  /** How long after a decision ID documents and mail texts are kept, and whether the IMAP processed folder is expunged too. */
  retention: { days: number; purgeImapProcessed: boolean };
  maxProcessingAttempts: number;
  /** Storm limits on automatic mail (acknowledgements, reply notes); staff-written mail is never held back. */
  automaticMail: AutomaticMailLimits;
  web: WebSettings;
  /** Who the customer deals with, on every mail and receipt. */
  organisation: Organisation;
  /** The reply promise: each request is due this many working days after the day it came in. */
  review: { workingDays: number; calendar: HolidayCalendar };
  logLevel: LogLevel;
  /** `/healthz` fails once the last successful intake cycle is older than this. */
  health: { maxCycleAgeMs: number };
}

/** The web console (`cancel-desk serve`, also started by `cancel-desk run`). */
export interface WebSettings {
  host: string;
  /** 0 picks a free port (tests); the address actually bound is logged. */
  port: number;
  /** Marks the session cookie Secure (and names it `__Host-…`): set it whenever staff reach the console over HTTPS. */
  secureCookie: boolean;
  /**
   * The reverse proxies (IPs, CIDR ranges) whose X-Forwarded-For is believed, and only for the hop
   * they add: the client address is the right-most one that is not itself a trusted proxy.
   */
  trustedProxies: string[];
  /** The origin staff open (from WEB_PUBLIC_URL), which every POST must come from; null: the one the request's Host names. */
  publicOrigin: string | null;
  /** Absolute lifetime of a sign-in. */
  sessionMs: number;
  /** A session unused this long ends. */
  sessionIdleMs: number;
  signIn: SignInPolicy;
}

/** Sign-in throttling (see `.env.example`); enforced in src/queue/sign-in-attempts.ts. */
export interface SignInPolicy {
  /** Failures for one name from one address before each further attempt waits. */
  maxFailures: number;
  /** The first wait; it doubles with every further failure. Failures below the limit are forgotten after this long without one. */
  lockMs: number;
  /** Failures from one address, whatever the names, before it waits the same way. */
  addressMaxFailures: number;
  /** Failures for one name from all addresses after which every address gets one failure before waiting. */
  nameMaxFailures: number;
}

export class ConfigError extends Error {}

export interface Organisation {
  name: string;
  supportEmail: string;
  /** A PNG or JPEG printed at the head of receipts. */
  logo: { bytes: Buffer; type: 'png' | 'jpeg' } | null;
}

/** The logo is read once, at start: a missing or unusable file is a setting error, not a broken receipt later. */
function readLogo(file: string): NonNullable<Organisation['logo']> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ORG_LOGO_FILE: ${(error as Error).message}`);
  }
  if (bytes.length > 1024 * 1024) throw new ConfigError('invalid configuration: ORG_LOGO_FILE: must be at most 1 MB');
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { bytes, type: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { bytes, type: 'jpeg' };
  throw new ConfigError('invalid configuration: ORG_LOGO_FILE: must be a PNG or JPEG image');
}

/** The process's own settings: its environment over the `.env` file. Nothing else reads process.env. */
export function processSettings(): SettingsSource {
  const read = readSettings(process.env, process.cwd());
  if (!read.ok) throw new ConfigError(`invalid configuration: ${read.problem}`);
  return read.source;
}

/** Reads and validates the settings once (by default the process's own, `.env` included). */
export function loadConfig(environment: NodeJS.ProcessEnv = processSettings().values): Config {
  const settings = blankAsMissing(environment);
  const parsed = settingsSchema().environment.safeParse(settings);
  const reasons = parsed.success ? [] : problemsOf(parsed.error);
  // A retired setting is refused rather than ignored: silently dropping it would change whose address is throttled.
  if (settings.WEB_TRUST_PROXY !== undefined) {
    reasons.push('WEB_TRUST_PROXY: is no longer read (it believed any X-Forwarded-For): name your reverse proxies in WEB_TRUSTED_PROXIES instead, e.g. WEB_TRUSTED_PROXIES=127.0.0.1');
  }
  if (!parsed.success || reasons.length > 0) throw new ConfigError(`invalid configuration: ${reasons.join('; ')}`);
  const env = parsed.data;
  const { timeZone, intake } = intakeSection(env);
  const mailFrom = parseMailbox(env.MAIL_FROM)!;
  // Loaded here: its own schema is zod's, which `parse` does without.
  const { HolidayCalendarError, loadHolidayCalendar } = require('./review/working-days') as typeof import('./review/working-days');
  let calendar: HolidayCalendar;
  try {
    calendar = loadHolidayCalendar(env.HOLIDAYS_FILE ?? join(env.TEMPLATES_DIR, 'holidays.json'));
  } catch (error) {
    if (error instanceof HolidayCalendarError) throw new ConfigError(`invalid configuration: HOLIDAYS_FILE: ${error.message}`);
    throw error;
  }
  return {
    dataDir: env.DATA_DIR,
    timeZone,
    templatesDir: env.TEMPLATES_DIR,
    organisation: { name: env.ORG_NAME, supportEmail: env.ORG_SUPPORT_EMAIL ?? mailFrom.address, logo: env.ORG_LOGO_FILE ? readLogo(env.ORG_LOGO_FILE) : null },
    review: { workingDays: env.REVIEW_WORKING_DAYS, calendar },
    mailFrom,
    vaultKey: env.VAULT_KEY ?? null,
    imap: env.IMAP_HOST
      ? {
          host: env.IMAP_HOST,
          port: env.IMAP_PORT,
          secure: env.IMAP_SECURE,
          user: env.IMAP_USER!,
          password: env.MAIL_AUTH === 'password' ? env.IMAP_PASSWORD! : null,
          mailbox: env.IMAP_MAILBOX,
          processedMailbox: env.IMAP_PROCESSED_MAILBOX,
          quarantineMailbox: env.IMAP_QUARANTINE_MAILBOX,
          tlsRejectUnauthorized: env.IMAP_TLS_REJECT_UNAUTHORIZED,
        }
      : null,
    smtp: env.SMTP_HOST
      ? { host: env.SMTP_HOST, port: env.SMTP_PORT, secure: env.SMTP_SECURE, user: env.SMTP_USER ?? null, password: env.SMTP_PASSWORD ?? null }
      : null,
    oauth2: oauth2Grant(env),
    accountWebhook: env.ACCOUNT_WEBHOOK_URL ? { url: env.ACCOUNT_WEBHOOK_URL, secret: env.ACCOUNT_WEBHOOK_SECRET! } : null,
    schedules: { poll: env.POLL_SCHEDULE, outbox: env.OUTBOX_SCHEDULE, housekeeping: env.HOUSEKEEPING_SCHEDULE, webhook: env.WEBHOOK_SCHEDULE, retention: env.RETENTION_SCHEDULE },
    retention: { days: env.RETENTION_DAYS, purgeImapProcessed: env.IMAP_PURGE_PROCESSED },
    maxProcessingAttempts: env.MAX_PROCESSING_ATTEMPTS,
    automaticMail: { perSender: env.ACK_LIMIT_PER_SENDER, perHour: env.ACK_LIMIT_PER_HOUR },
    logLevel: env.LOG_LEVEL,
    health: { maxCycleAgeMs: env.HEALTH_MAX_CYCLE_AGE_SECONDS * 1000 },
    web: {
      host: env.WEB_HOST,
      port: env.WEB_PORT,
      secureCookie: env.WEB_COOKIE_SECURE,
      trustedProxies: env.WEB_TRUSTED_PROXIES,
      publicOrigin: env.WEB_PUBLIC_URL ? new URL(env.WEB_PUBLIC_URL).origin : null,
      sessionMs: env.WEB_SESSION_HOURS * 60 * 60 * 1000,
      sessionIdleMs: env.WEB_SESSION_IDLE_MINUTES * 60 * 1000,
      signIn: {
        maxFailures: env.WEB_SIGNIN_MAX_FAILURES,
        lockMs: env.WEB_SIGNIN_LOCK_MINUTES * 60 * 1000,
        addressMaxFailures: env.WEB_SIGNIN_ADDRESS_MAX_FAILURES,
        nameMaxFailures: env.WEB_SIGNIN_NAME_MAX_FAILURES,
      },
    },
    intake,
  };
}

/**
 * Only the settings `parse` reads, checked without the others (and without loading zod): a mail is
 * read the same whatever the rest says. Every other command, and `config check`, checks them all.
 */
export function loadIntakeConfig(environment: NodeJS.ProcessEnv = processSettings().values): Pick<Config, 'timeZone' | 'intake'> {
  const settings = blankAsMissing(environment);
  const values: Record<string, unknown> = {};
  const reasons: string[] = [];
  for (const [name, setting] of Object.entries(intakeSettings) as [string, PlainSetting<unknown>][]) {
    const read = setting.read(settings[name] ?? setting.fallback);
    if (read.ok) values[name] = read.value;
    else reasons.push(`${name}: ${read.problem}`);
  }
  if (reasons.length > 0) throw new ConfigError(`invalid configuration: ${reasons.join('; ')}`);
  return intakeSection(values as IntakeSettings);
}

function intakeSection(env: IntakeSettings): Pick<Config, 'timeZone' | 'intake'> {
  const mailFrom = parseMailbox(env.MAIL_FROM)!;
  return {
    timeZone: env.TIME_ZONE,
    intake: {
      trustedAuthservId: env.TRUSTED_AUTHSERV_ID.toLowerCase(),
      ownAddresses: [mailFrom.address],
      messageIdDomain: mailFrom.address.split('@')[1],
      limits: {
        maxMessageBytes: env.MAX_MESSAGE_BYTES,
        maxHeaderBytes: env.MAX_HEADER_BYTES,
        maxMimeDepth: env.MAX_MIME_DEPTH,
        maxMimeParts: env.MAX_MIME_PARTS,
        maxAttachmentBytes: env.MAX_ATTACHMENT_BYTES,
        maxReceivedHeaders: env.MAX_RECEIVED_HEADERS,
      },
    },
  };
}

function oauth2Grant(env: z.infer<SettingsSchema['environment']>): OAuth2Grant | null {
  const clientId = env.OAUTH_CLIENT_ID!;
  switch (env.MAIL_AUTH) {
    case 'password':
      return null;
    case 'oauth2-client-credentials':
      return {
        grant: 'client_credentials',
        tokenUrl: env.OAUTH_TOKEN_URL ?? `https://login.microsoftonline.com/${env.OAUTH_TENANT_ID!}/oauth2/v2.0/token`,
        clientId,
        clientSecret: env.OAUTH_CLIENT_SECRET!,
        scope: env.OAUTH_SCOPE ?? MICROSOFT_365_SCOPE,
      };
    case 'oauth2-refresh-token':
      // Google's refresh grant keeps the scopes consented to; a scope is only sent when one is set.
      return {
        grant: 'refresh_token',
        tokenUrl: env.OAUTH_TOKEN_URL ?? GOOGLE_TOKEN_URL,
        clientId,
        clientSecret: env.OAUTH_CLIENT_SECRET ?? null,
        refreshToken: env.OAUTH_REFRESH_TOKEN!,
        scope: env.OAUTH_SCOPE ?? null,
      };
  }
}

/** `.env` files often leave a setting empty to mean "use the default". */
function blankAsMissing(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

function parseMailbox(value: string): { name: string; address: string } | null {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value) ?? /^\s*()([^<>\s]+@[^<>\s]+)\s*$/.exec(value);
  if (!match) return null;
  return { name: match[1]?.trim() ?? '', address: match[2].toLowerCase() };
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** One setting as `cancel-desk config check` shows it. */
export interface EffectiveSetting {
  name: string;
  /** The value in effect, with secrets masked; `(unset)` when it has none. */
  shown: string;
  origin: 'environment' | 'file' | 'default';
}

export interface SettingsReport {
  settings: EffectiveSetting[];
  /** `NAME: what is wrong`, one per invalid setting; empty when the configuration is good. */
  problems: string[];
  /** Names in the `.env` file that are no setting (a typo, most often): ignored. */
  unknownInFile: string[];
}

// By name, so that a secret setting added later is masked without anyone remembering to.
const SECRET = /PASSWORD|SECRET|KEY|TOKEN|CREDENTIAL/;
const MASK = '********';

/** An address is no secret (OAUTH_TOKEN_URL names the endpoint): a password written into it is masked by withoutUrlCredentials. */
function isSecret(name: string): boolean {
  return SECRET.test(name) && !name.endsWith('_URL');
}

/** Every setting's effective value and where it came from, and every problem at once, for `config check`. */
export function reportSettings(source: SettingsSource): SettingsReport {
  const values = blankAsMissing(source.values);
  const { shape, environment } = settingsSchema();
  const parsed = environment.safeParse(values);
  const settings = Object.entries(shape).map(([name, schema]): EffectiveSetting => {
    const given = values[name];
    const origin = given === undefined ? 'default' : source.fromFile.has(name) ? 'file' : 'environment';
    const fallback = schema.safeParse(undefined);
    const value = given ?? (fallback.success && fallback.data !== undefined ? String(fallback.data) : undefined);
    return { name, origin, shown: value === undefined ? '(unset)' : isSecret(name) ? MASK : withoutUrlCredentials(value) };
  });
  return {
    settings,
    problems: parsed.success ? [] : problemsOf(parsed.error),
    unknownInFile: [...source.fromFile].filter((name) => !(name in shape)),
  };
}

/** `https://user:password@host/` → `https://********@host/`: a URL setting may carry its own credentials. */
function withoutUrlCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, `$1${MASK}@`);
}
