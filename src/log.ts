import type { ChildLoggerOptions, Logger as PinoLogger } from 'pino';
import type { Clock } from './clock';

export type LogFields = Record<string, unknown>;

/** The levels LOG_LEVEL accepts. `trace` is left out on purpose: imapflow logs message contents there. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured logs: one JSON object per line. Callers pass facts, never ID bytes or full personal data. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** The same lines for libraries that log through pino themselves (Fastify), tagged with the component. */
  pinoFor(component: string, options?: ChildLoggerOptions): PinoLogger;
}

/**
 * Lines go through pino to `write`, one complete line per call, in the shape the project always had:
 * `{ level, time, event, ...fields }`. Headers that carry secrets are censored wherever a library logs them.
 */
export function createLogger(write: (line: string) => void, clock: Clock, level: LogLevel = 'info'): Logger {
  // Loaded by the first logger, not with this module: config.ts reads LOG_LEVELS here, and `parse` logs nothing.
  const pino = require('pino') as typeof import('pino');
  const root = pino(
    {
      level,
      base: null,
      messageKey: 'event',
      timestamp: () => `,"time":"${clock.now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', 'headers.cookie', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    { write },
  );
  const emit = (method: 'debug' | 'info' | 'warn' | 'error') => (event: string, fields: LogFields = {}) => root[method](fields, event);
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    pinoFor: (component, options = {}) => root.child({ component }, options),
  };
}

/** An address shown in logs: enough for staff to find the mail, not a full copy of personal data. */
export function maskAddress(address: string | null): string | null {
  if (address === null) return null;
  const [local, domain] = address.split('@');
  if (domain === undefined) return '***';
  return `${local.slice(0, 2)}***@${domain}`;
}

const ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const BASE64_RUN = /[A-Za-z0-9+/]{64,}={0,2}/g;

/**
 * For text a library wrote (a server's reply quoted in imapflow's log), where no caller chose what
 * goes in: addresses masked, long base64 runs (attachment bytes) left out. Hex digests stay.
 */
export function scrubText(text: string): string {
  return text
    .replace(ADDRESS, (address) => maskAddress(address)!)
    .replace(BASE64_RUN, (run) => (/^[0-9a-f]+$/.test(run) ? run : `[${run.length} base64 characters left out]`));
}
