import type { SenderAuthentication } from './intake-result';

/**
 * The sender check our own receiving server made. Anyone up the chain can write an
 * Authentication-Results header, so only the topmost one carrying our authserv-id counts.
 */
export function senderAuthentication(authenticationResults: string[], trustedAuthservId: string): SenderAuthentication {
  if (!trustedAuthservId) return 'none';
  const ours = authenticationResults.find((header) => authservId(header) === trustedAuthservId.toLowerCase());
  if (ours === undefined) return 'none';
  const results = methodResults(ours);
  const dmarc = results.get('dmarc') ?? [];
  if (dmarc.includes('pass')) return 'pass';
  if (dmarc.includes('fail')) return 'fail';
  const dkimAndSpf = [...(results.get('dkim') ?? []), ...(results.get('spf') ?? [])];
  if (dkimAndSpf.includes('pass')) return 'pass';
  if (dkimAndSpf.some((result) => result === 'fail' || result === 'softfail')) return 'fail';
  return 'none';
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

function methodResults(header: string): Map<string, string[]> {
  const results = new Map<string, string[]>();
  for (const clause of withoutComments(header).split(';').slice(1)) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*([a-z]+)/i.exec(clause);
    if (!match) continue;
    const method = match[1].toLowerCase();
    results.set(method, [...(results.get(method) ?? []), match[2].toLowerCase()]);
  }
  return results;
}
