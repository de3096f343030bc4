import type { IntakeLimits } from './intake-policy';

export type StructureProblem = 'message_too_large' | 'header_too_large' | 'mime_too_deep' | 'too_many_parts';

const BOUNDARY = /boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i;

/**
 * Walks the raw MIME tree line by line before the real parser sees it, so that hostile shapes
 * (1000-level nesting, thousands of parts, megabyte headers) are refused in linear time with a
 * precise reason instead of surfacing as a parser exception or a memory spike.
 */
export function checkMimeStructure(raw: Buffer, limits: IntakeLimits): StructureProblem | null {
  if (raw.length > limits.maxMessageBytes) return 'message_too_large';
  const text = raw.toString('latin1');
  const boundaries: string[] = [];
  let inHeader = true;
  let headerBytes = 0;
  let contentType = '';
  let lastHeaderWasContentType = false;
  let parts = 1;

  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;

    if (inHeader) {
      headerBytes += line.length + 2;
      if (headerBytes > limits.maxHeaderBytes) return 'header_too_large';
      if (line === '') {
        inHeader = false;
        const nested = nestedStructure(contentType);
        if (nested === 'message') inHeader = true;
        else if (nested !== null) {
          boundaries.push(nested);
          if (boundaries.length > limits.maxMimeDepth) return 'mime_too_deep';
        }
        headerBytes = 0;
        contentType = '';
        continue;
      }
      if (/^[ \t]/.test(line)) {
        if (lastHeaderWasContentType) contentType += line;
      } else {
        lastHeaderWasContentType = /^content-type\s*:/i.test(line);
        if (lastHeaderWasContentType) contentType = line;
      }
      continue;
    }

    if (!line.startsWith('--') || boundaries.length === 0) continue;
    const delimiter = line.trimEnd();
    for (let level = boundaries.length - 1; level >= 0; level--) {
      const boundary = `--${boundaries[level]}`;
      if (delimiter === boundary) {
        boundaries.length = level + 1;
        parts++;
        if (parts > limits.maxMimeParts) return 'too_many_parts';
        inHeader = true;
        lastHeaderWasContentType = false;
        break;
      }
      if (delimiter === `${boundary}--`) {
        boundaries.length = level;
        break;
      }
    }
  }
  return null;
}

/** A multipart's boundary, 'message' for an embedded message whose body is another header block, else null. */
function nestedStructure(contentType: string): string | 'message' | null {
  const value = contentType.replace(/^content-type\s*:/i, '').trim().toLowerCase();
  if (value.startsWith('message/rfc822') || value.startsWith('message/global')) return 'message';
  if (!value.startsWith('multipart/')) return null;
  const match = BOUNDARY.exec(contentType);
  const boundary = match ? (match[1] ?? match[2]) : '';
  return boundary ? boundary : null;
}
