import type { SenderAuthentication } from './intake-result';

/**
 * The sender check our own receiving server made. Anyone up the chain can write an
 * Authentication-Results header, so only the topmost one carrying our authserv-id counts.
 *
 * DMARC decides when it ran. Without it, a DKIM or SPF result speaks for the From address only
 * when its domain is aligned with the From domain (same organizational domain, RFC 7489 relaxed
 * alignment): a `dkim=pass` for some bulk sender's domain says nothing about who wrote From.
 */
export function senderAuthentication(authenticationResults: string[], trustedAuthservId: string, fromAddress: string | null): SenderAuthentication {
  const ours = ourAuthenticationResults(authenticationResults, trustedAuthservId);
  if (ours === null) return 'none';
  const results = methodResults(ours);
  const dmarc = results.filter((result) => result.method === 'dmarc').map((result) => result.result);
  if (dmarc.includes('pass')) return 'pass';
  if (dmarc.includes('fail')) return 'fail';
  const fromDomain = organizationalDomain(fromAddress?.split('@').pop() ?? '');
  if (fromDomain === null) return 'none';
  const aligned = results.filter(
    (result) => (result.method === 'dkim' || result.method === 'spf') && result.domains.some((domain) => organizationalDomain(domain) === fromDomain),
  );
  if (aligned.some((result) => result.result === 'pass')) return 'pass';
  if (aligned.length > 0 && aligned.every((result) => FAILED.has(result.result))) return 'fail';
  return 'none';
}

/** The one Authentication-Results header that counts, comments removed, for staff to read; null when there is none. */
export function ourAuthenticationResults(authenticationResults: string[], trustedAuthservId: string): string | null {
  if (!trustedAuthservId) return null;
  const ours = authenticationResults.find((header) => authservId(header) === trustedAuthservId.toLowerCase());
  return ours === undefined ? null : withoutComments(ours).replace(/\s+/g, ' ').trim();
}

const FAILED = new Set(['fail', 'softfail', 'permerror']);

/** Where each method says the identity it checked is: DKIM's signing domain, SPF's envelope sender. */
const IDENTITY_PROPERTIES: Record<string, string[]> = {
  dkim: ['header.d', 'header.i'],
  spf: ['smtp.mailfrom', 'smtp.helo'],
};

interface MethodResult {
  method: string;
  result: string;
  domains: string[];
}

function organizationalDomain(domain: string): string | null {
  const cleaned = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(cleaned)) return null;
  // The public-suffix list is loaded by the first alignment check: most mails (and `parse` without
  // TRUSTED_AUTHSERV_ID) never need one.
  const { getDomain } = require('tldts') as typeof import('tldts');
  return getDomain(cleaned, { allowPrivateDomains: true }) ?? null;
}

/** Comments nest (RFC 5322), and a result hidden inside one must not count. */
function withoutComments(value: string): string {
  let previous: string;
  let current = value;
  do {
    previous = current;
    current = current.replace(/\([^()]*\)/g, ' ');
  } while (current !== previous);
  return current;
}

function authservId(header: string): string {
  return withoutComments(header).split(';')[0].trim().split(/\s+/)[0].toLowerCase();
}

function methodResults(header: string): MethodResult[] {
  const results: MethodResult[] = [];
  for (const clause of withoutComments(header).split(';').slice(1)) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*([a-z]+)/i.exec(clause);
    if (!match) continue;
    const method = match[1].toLowerCase();
    const properties = new Map(Array.from(clause.matchAll(/([a-z]+\.[a-z-]+)\s*=\s*"?([^\s";]+)"?/gi), (property) => [property[1].toLowerCase(), property[2]]));
    const domains = (IDENTITY_PROPERTIES[method] ?? [])
      .map((name) => properties.get(name))
      .filter((value): value is string => value !== undefined)
      .map((value) => value.split('@').pop()!);
    results.push({ method, result: match[2].toLowerCase(), domains });
  }
  return results;
}
