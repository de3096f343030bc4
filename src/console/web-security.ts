import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Headers on every response of the console, pages, errors, static assets and documents alike.
 * No script at all, styles only from our own stylesheet, images and frames (ID documents) only
 * from us, forms only to us, and nobody else may frame us. The referrer goes to ourselves only:
 * under `no-referrer` a browser posts our own forms with `Origin: null`, and the origin check needs it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    "frame-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export interface CookieOptions {
  secure: boolean;
  path?: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

/** Every cookie of the console: HttpOnly, SameSite=Strict, Secure when configured. Values are base64url, never quoted. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new Error('cookie values must be base64url');
  return [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The value of one cookie from a Cookie header; the first one wins, like browsers send the most specific first. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The CSRF token of a session: derived from the session's secret token (which only the browser
 * holds), so nothing more is stored and a token is useless with another session.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('cancel-desk console csrf').digest('base64url');
}

export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf']);

/** Only these sniffed types are shown in the browser; anything else is offered as a download. */
export function isInlineType(contentType: string): boolean {
  return INLINE_TYPES.has(contentType);
}

/**
 * A Content-Disposition for a customer's file name: an ASCII fallback with nothing that could end
 * the quoted string or name a path, and the full name in RFC 5987 form.
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = filename.replace(/[\u0000-\u001f\u007f/\\]/g, '_').replace(/^\.+/, '').trim().slice(0, 150) || 'document';
  const ascii = cleaned.replace(/[^\x20-\x7e]/g, '_').replace(/["%;]/g, '_');
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Where a sign-in may return to: only the console's own request pages, never another site. */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return /^\/requests(?:\/CR-[A-Z0-9]{8,32})?(?:\?[A-Za-z0-9_=&%+.-]*)?$/.test(value) ? value : null;
}

/** Where the language switch returns to: a console page of ours, never another site nor a POST-only path. */
export function pageReturnPath(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return /^\/(?:requests|triage|staff|password)(?:\/[A-Za-z0-9-]{1,40})?(?:\?[A-Za-z0-9_=&%+.-]*)?$/.test(value) ? value : null;
}
