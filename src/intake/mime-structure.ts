import type { IntakeLimits } from './intake-policy';

export type StructureProblem = 'message_too_large' | 'header_too_large' | 'mime_too_deep' | 'too_many_parts' | 'malformed_mime';

const BOUNDARY = /(?:^|[;\s])boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i;

/**
 * Walks the raw MIME tree line by line before the real parser sees it, so that hostile shapes
 * (1000-level nesting, thousands of parts, megabyte headers) are refused in linear time with a
 * precise reason instead of surfacing as a parser exception or a memory spike. It also catches
 * what the parser silently papers over: a multipart never closed (a truncated mail, its last
 * attachment cut short) and base64 that is not base64.
 */
export function checkMimeStructure(raw: Buffer, limits: IntakeLimits): StructureProblem | null {
  if (raw.length > limits.maxMessageBytes) return 'message_too_large';
  const text = raw.toString('latin1');
  /** Open multiparts by boundary, and embedded messages (null), innermost last. */
  const levels: (string | null)[] = [];
  let inHeader = true;
  let headerBytes = 0;
  let contentType = '';
  let encoding = '';
  let lastHeader = '';
  let inBase64Body = false;
  let parts = 1;

  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;

    // A delimiter can end a header block too: clients drop the blank line of an empty part.
    const delimiter = line.startsWith('--') ? findDelimiter(levels, line.trimEnd()) : null;
    if (delimiter !== null) {
      levels.length = delimiter.closes ? delimiter.level : delimiter.level + 1;
      inBase64Body = false;
      inHeader = !delimiter.closes;
      headerBytes = 0;
      contentType = '';
      encoding = '';
      lastHeader = '';
      if (!delimiter.closes && ++parts > limits.maxMimeParts) return 'too_many_parts';
      continue;
    }

    if (inHeader) {
      headerBytes += line.length + 2;
      if (headerBytes > limits.maxHeaderBytes) return 'header_too_large';
      if (line === '') {
        inHeader = false;
        const nested = nestedStructure(contentType);
        if (nested === 'no_boundary') return 'malformed_mime';
        inBase64Body = nested === null && /^content-transfer-encoding\s*:\s*base64\s*$/i.test(encoding);
        if (nested !== null) {
          levels.push(nested === 'message' ? null : nested);
          if (levels.length > limits.maxMimeDepth) return 'mime_too_deep';
          inHeader = nested === 'message';
        }
        headerBytes = 0;
        contentType = '';
        encoding = '';
        continue;
      }
      if (/^[ \t]/.test(line)) {
        if (lastHeader === 'content-type') contentType += line;
        if (lastHeader === 'content-transfer-encoding') encoding += line;
      } else {
        lastHeader = line.slice(0, line.indexOf(':')).trim().toLowerCase();
        if (lastHeader === 'content-type') contentType = line;
        if (lastHeader === 'content-transfer-encoding') encoding = line;
      }
      continue;
    }

    if (inBase64Body && !line.startsWith('--') && !BASE64_LINE.test(line)) return 'malformed_mime';
  }
  return levels.some((level) => level !== null) ? 'malformed_mime' : null;
}

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}[ \t]*$/;

/** Which open multipart a delimiter line belongs to, innermost first, and whether it closes it. */
function findDelimiter(levels: (string | null)[], line: string): { level: number; closes: boolean } | null {
  for (let level = levels.length - 1; level >= 0; level--) {
    const boundary = levels[level];
    if (boundary === null) continue;
    if (line === `--${boundary}`) return { level, closes: false };
    if (line === `--${boundary}--`) return { level, closes: true };
  }
  return null;
}

/** A multipart's boundary, 'message' for an embedded message whose body is another header block, else null. */
function nestedStructure(contentType: string): string | 'message' | 'no_boundary' | null {
  const value = contentType.replace(/^content-type\s*:/i, '').trim().toLowerCase();
  if (value === 'message/rfc822' || value.startsWith('message/rfc822;') || value.startsWith('message/global')) return 'message';
  if (!value.startsWith('multipart/')) return null;
  const match = BOUNDARY.exec(contentType);
  return (match ? (match[1] ?? match[2]) : '') || 'no_boundary';
}
