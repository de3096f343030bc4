import type { Clock } from './clock';

export type LogFields = Record<string, unknown>;

/** Structured logs: one JSON object per line. Callers pass facts, never ID bytes or full personal data. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function createLogger(write: (line: string) => void, clock: Clock): Logger {
  const emit = (level: string) => (event: string, fields: LogFields = {}) => {
    write(`${JSON.stringify({ time: clock.now().toISOString(), level, event, ...fields })}\n`);
  };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** An address shown in logs: enough for staff to find the mail, not a full copy of personal data. */
export function maskAddress(address: string | null): string | null {
  if (address === null) return null;
  const [local, domain] = address.split('@');
  if (domain === undefined) return '***';
  return `${local.slice(0, 2)}***@${domain}`;
}
