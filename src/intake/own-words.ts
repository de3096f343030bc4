/**
 * The customer's own words in a plain-text body: no quoted or forwarded mail, no signature, no
 * disclaimer.
 *
 * Quoted (`>`) lines are dropped one by one rather than ending the text, because bottom-posters
 * and inline answerers write below and between them. A header that introduces a quote
 * (`On … wrote:`, `From:/Sent:`, `-----Original Message-----`, …) ends the customer's text only
 * when unquoted text follows it — that is the original mail pasted without `>`. When `>` lines
 * follow it, the header is dropped with them and reading continues.
 */
export function ownWords(text: string): string {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.trimEnd());
  const kept: string[] = [];
  let droppedSinceLastKept = false;

  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (isQuotedLine(line)) {
      droppedSinceLastKept = true;
      index += 1;
      continue;
    }
    if (isSignatureMarker(line) || startsDisclaimer(lines, index)) break;

    const headerEnd = quoteHeaderEnd(lines, index);
    if (headerEnd !== -1) {
      if (!isFollowedByQuotedLine(lines, headerEnd)) break;
      droppedSinceLastKept = true;
      index = headerEnd;
      continue;
    }

    // Where a dropped quote sat between two blank lines, one blank line is enough.
    const doublesBlankLine = line === '' && droppedSinceLastKept && kept[kept.length - 1] === '';
    if (!doublesBlankLine) {
      kept.push(line);
      droppedSinceLastKept = false;
    }
    index += 1;
  }

  return withoutBlankEdges(kept).join('\n');
}

function withoutBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start += 1;
  while (end > start && lines[end - 1].trim() === '') end -= 1;
  return lines.slice(start, end);
}

function isQuotedLine(line: string): boolean {
  return line.trimStart().startsWith('>');
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function isFollowedByQuotedLine(lines: string[], from: number): boolean {
  let index = from;
  while (index < lines.length && isBlank(lines[index])) index += 1;
  return index < lines.length && isQuotedLine(lines[index]);
}

// ---------------------------------------------------------------------------------------------
// Signatures and disclaimers

/** Client-added sign-offs; they are short, so a longer line starting the same way is prose. */
const CLIENT_SIGNATURES: readonly RegExp[] = [
  /^sent from my\s/i, // iPhone, iPad, Android, Samsung Galaxy, Huawei…
  /^sent from (?:outlook|mail for windows|yahoo mail)\b/i,
  /^get outlook for (?:ios|android)\b/i,
  /^sent with proton\s?mail\b/i,
  /^发自我的/, // 发自我的iPhone, 发自我的手机, 发自我的华为手机
  /^(?:来自|发自)网易邮箱/, // 来自网易邮箱大师, 发自网易邮箱手机版
  /^从我的.{1,30}发送$/, // 从我的 iPhone 发送
];
const LONGEST_CLIENT_SIGNATURE = 80;
/** A Chinese sentence mark means the line is prose that merely starts like a sign-off. */
const CHINESE_SENTENCE_MARK = /[，。；！？]/;

function isSignatureMarker(line: string): boolean {
  // "-- " is the standard delimiter; its trailing space is often lost on the way.
  if (line === '--') return true;
  const text = line.trim();
  if (text.length > LONGEST_CLIENT_SIGNATURE || CHINESE_SENTENCE_MARK.test(text)) return false;
  return CLIENT_SIGNATURES.some((signature) => signature.test(text));
}

const DISCLAIMER_HEADING = /^[\s[【(（*]*(?:confidentiality notice|disclaimer\s*[:：]|免责声明|本邮件及其附件)/i;
const CONFIDENTIALITY_CLAUSE_START = /^this (?:e-?mail|message|communication)\b/i;
/** How far a "This email…" paragraph is read to find the word "confidential". */
const DISCLAIMER_PARAGRAPH_LINES = 8;

function startsDisclaimer(lines: string[], index: number): boolean {
  const text = lines[index].trim();
  if (DISCLAIMER_HEADING.test(text)) return true;
  if (!CONFIDENTIALITY_CLAUSE_START.test(text)) return false;
  // "This email is my request to close…" is the customer talking; a disclaimer says confidential.
  const paragraphEnd = Math.min(lines.length, index + DISCLAIMER_PARAGRAPH_LINES);
  for (let next = index; next < paragraphEnd && !isBlank(lines[next]); next++) {
    if (/confidential/i.test(lines[next])) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Headers that introduce quoted or forwarded mail

/** Index just past the header that starts at `index`, or -1 when no header starts there. */
function quoteHeaderEnd(lines: string[], index: number): number {
  const attributionEnd = attributionLineEnd(lines, index);
  if (attributionEnd !== -1) return attributionEnd;
  if (isSeparatorLine(lines[index])) return headerFieldsEnd(lines, index + 1);
  return outlookHeaderBlockEnd(lines, index);
}

/** Gmail wraps a long attribution, so "wrote:" or "写道：" can land one or two lines down. */
const ATTRIBUTION_MAX_LINES = 3;
const ATTRIBUTION_MAX_LENGTH = 400;

function attributionLineEnd(lines: string[], index: number): number {
  let joined = '';
  for (let offset = 0; offset < ATTRIBUTION_MAX_LINES && index + offset < lines.length; offset++) {
    const part = lines[index + offset].trim();
    if (part === '' || isQuotedLine(part)) return -1;
    joined = offset === 0 ? part : `${joined} ${part}`;
    if (joined.length > ATTRIBUTION_MAX_LENGTH) return -1;
    if (isAttribution(joined)) {
      // "谢谢" straight above "Support <…> 于…写道：" joins into an attribution too; the customer's
      // line must stay theirs when the lines below it are a complete attribution on their own.
      const startsLower = offset > 0 && attributionLineEnd(lines, index + 1) === index + offset + 1;
      return startsLower ? -1 : index + offset + 1;
    }
  }
  return -1;
}

function isAttribution(text: string): boolean {
  if (!/\d/.test(text)) return false; // every client puts the date in
  if (/^on\s/i.test(text)) return /\bwrote:$/i.test(text);
  if (!/写道[:：]$/.test(text)) return false;
  // Gmail writes "Name <address> 于<date>写道："; a line starting with 于 is the wrapped tail of one.
  return text.startsWith('在') || (text.includes('于') && !text.startsWith('于'));
}

/** Labels between dashed rules: `-----Original Message-----`, `------ 原始邮件 ------`, … */
const SEPARATOR_LABELS = new Set([
  'original message',
  'original',
  'forwarded message',
  '原始邮件',
  '邮件原件',
  '原邮件',
  '回复的原邮件',
  '转发邮件信息',
  '转发的邮件',
]);

function isSeparatorLine(line: string): boolean {
  const text = line.trim();
  if (/^begin forwarded message:?$/i.test(text)) return true;
  const dashed = /^-{2,}([^-]*)-{2,}$/.exec(text);
  return dashed !== null && SEPARATOR_LABELS.has(dashed[1].trim().toLowerCase());
}

/** `From:` in Outlook and Gmail, `发件人:` in Chinese Outlook, QQ and 163, `寄件者:` in Traditional. */
const FROM_FIELD = /^\*?(?:from|发件人|寄件者)\s*[:：]/i;
const OTHER_HEADER_FIELD =
  /^\*?(?:sent|date|to|cc|subject|reply-to|发送时间|发送日期|日期|时间|收件人|抄送|主题|寄件日期|收件者|副本|主旨)\s*[:：]/i;
/** How many lines below `From:` the next header field may start (a long From wraps). */
const HEADER_FIELD_LOOKAHEAD = 4;

function isHeaderField(line: string): boolean {
  const text = line.trim();
  return FROM_FIELD.test(text) || OTHER_HEADER_FIELD.test(text);
}

function headerFieldsEnd(lines: string[], from: number): number {
  let end = from;
  while (end < lines.length && isHeaderField(lines[end])) end += 1;
  return end;
}

/** Outlook's reply block, optionally under the rule of underscores Outlook draws above it. */
function outlookHeaderBlockEnd(lines: string[], index: number): number {
  let fromLine = index;
  if (/^_{8,}$/.test(lines[index].trim())) {
    fromLine = index + 1;
    while (fromLine < lines.length && isBlank(lines[fromLine])) fromLine += 1;
  }
  if (fromLine >= lines.length || !FROM_FIELD.test(lines[fromLine].trim())) return -1;

  // "From:" alone is ordinary prose; only another header field close below makes it a header.
  let lastField = -1;
  const lookaheadEnd = Math.min(lines.length, fromLine + 1 + HEADER_FIELD_LOOKAHEAD);
  for (let next = fromLine + 1; next < lookaheadEnd && !isBlank(lines[next]); next++) {
    if (OTHER_HEADER_FIELD.test(lines[next].trim())) lastField = next;
  }
  return lastField === -1 ? -1 : headerFieldsEnd(lines, lastField + 1);
}
