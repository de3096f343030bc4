import type { RequestFields } from './intake-result';
import { FIELD_LABELS, NEEDS_EXPLICIT_SEPARATOR, type FieldName } from './field-labels';
import { readRegistrationDate } from './registration-date';

export interface ExtractedFields extends RequestFields {
  /** A date was given but could not be read without guessing (numeric order, relative, future). */
  registrationDateAmbiguous: boolean;
}

const MAX_USERNAME = 64;
const MAX_REASON = 500;

interface LabelledValue {
  field: FieldName;
  /** Width-folded, for reading usernames and dates. */
  value: string;
  /** As the customer wrote it, for free text such as the reason. */
  original: string;
}

/** The three fields from the customer's own words (quotes and signatures already removed) and the subject. */
export function extractFields(ownText: string, subject: string, today: string): ExtractedFields {
  const body = normalise(ownText);
  const title = normalise(subject);
  const labelled = [...labelledValues(body), ...labelledValues(title)];
  const labelledAs = (field: FieldName) => labelled.filter((entry) => entry.field === field);
  const firstValid = (values: (string | null)[]) => values.find((value) => value !== null) ?? null;

  const username =
    firstValid(labelledAs('username').map((entry) => cleanUsername(entry.value))) ?? usernameInProse(foldWidth(body)) ?? usernameInSubject(foldWidth(title));
  const reason = firstValid(labelledAs('reason').map((entry) => cleanReason(entry.original))) ?? reasonInProse(body);
  const date = registrationDate(labelledAs('registrationDate').map((entry) => entry.value), [body, title], today);
  return { username, reason, registrationDate: date.value, registrationDateAmbiguous: date.ambiguous };
}

/**
 * Markup never reaches a field, whatever the body claimed to be: tags go, even one left open to the
 * end of its line. `<river@example.com>` is an address, not a tag.
 */
function normalise(text: string): string {
  return (
    text
      .replace(/\r/g, '')
      .replace(/<(?![^<>\n]*@)[a-z/!?][^<>\n]*(?:>|$)/gim, ' ')
      // Letter-style forms space Chinese labels out ("用 户 名：", "理    由："); Chinese needs no spaces.
      .replace(/(\p{Script=Han})[ \u3000]+(?=\p{Script=Han})/gu, '$1')
  );
}

/**
 * Full-width forms to ASCII (：１２３ → :123) so one set of patterns reads both. One code unit for
 * one, so positions found in the folded text cut the same value out of the customer's own text.
 */
function foldWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const LIST_MARKER = /^\s*(?:[-*•·]+|\d{1,2}[.)、]|\(\d{1,2}\)|[一二三四五六七八九十]{1,2}[、.]|(?:Q|A|问|答|問)\s*[:：.])\s*/i;
/** "Login ID (the one on my bill):", "账号（手机号）：": an aside between a label and its colon. */
const ASIDE = String.raw`(?:\s*[(（][^()（）\n]{1,30}[)）])?`;
/** Chinese labels also take 是 ("原因是…"); 【用户名】 closes with its bracket. */
const COLON = new RegExp(String.raw`^${ASIDE}\s*(?:[\]】)]?\s*(?:(?:是|为|為)?\s*[:=\t]|(?:是|为|為)(?![\s:：])|(?:嘛|呢|啊)[:,，])|[\]】](?![\s:：]))\s*`);
const SEPARATOR = new RegExp(
  String.raw`^${ASIDE}\s*(?:[\]】)]?\s*(?:(?:是|为|為|\sis(?:\s+that)?)\s*[:=]?|[:=\t]|(?:嘛|呢|啊)[:,，]|\s-{1,2}\s|\s[–—]\s)|[\]】](?![\s:：]))\s*`,
  'i',
);
const ALL_LABELS = (Object.entries(FIELD_LABELS) as [FieldName, string[]][])
  .flatMap(([field, labels]) => labels.map((label) => ({ field, label })))
  .sort((a, b) => b.label.length - a.label.length);
const LABEL = new RegExp(
  ALL_LABELS.map(({ label }) => label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s*')).join('|'),
  'gi',
);
const labelKey = (text: string): string => text.toLowerCase().replace(/\s+/g, '');
const LABEL_BY_KEY = new Map(ALL_LABELS.map((entry) => [labelKey(entry.label), entry]));

interface LabelHit {
  field: FieldName;
  start: number;
  valueStart: number;
}

function labelledValues(text: string): LabelledValue[] {
  const originals = text.split('\n').map((line) => stripListMarker(line));
  const lines = originals.map(foldWidth);
  const values: LabelledValue[] = [];
  lines.forEach((line, index) => {
    const hits = labelHits(line);
    hits.forEach((hit, order) => {
      const end = hits[order + 1]?.start ?? line.length;
      // "Why am I leaving?" is a heading: its answer is on the next line.
      const [value, original] =
        /^[?？]*$/.test(line.slice(hit.valueStart, end).trim()) && hits.length === 1
          ? valueOnNextLines(lines, originals, index)
          : [line.slice(hit.valueStart, end).trim(), originals[index].slice(hit.valueStart, end).trim()];
      if (value !== '') values.push({ field: hit.field, value, original });
    });
  });
  return values;
}

function stripListMarker(line: string): string {
  return line.replace(LIST_MARKER, '').replace(/^\s*[【\[]/, '');
}

function labelHits(line: string): LabelHit[] {
  const hits: LabelHit[] = [];
  for (const match of line.matchAll(LABEL)) {
    const start = match.index;
    const end = start + match[0].length;
    const latin = /[a-z]/i.test(match[0]);
    if (latin && (/[\p{L}\p{N}]/u.test(line[start - 1] ?? '') || /[\p{L}\p{N}]/u.test(line[end] ?? ''))) continue;
    const label = LABEL_BY_KEY.get(labelKey(match[0]))!;
    // "the account is closed": words that double as labels need a real colon.
    const separator = (NEEDS_EXPLICIT_SEPARATOR.has(label.label.toLowerCase()) ? COLON : SEPARATOR).exec(line.slice(end));
    const before = line.slice(0, start).trim();
    const aloneOnLine = before === '' && line.slice(end).replace(/^[\s\]】)?？]*/, '') === '';
    if (separator === null && !aloneOnLine && !unseparatedValueFollows(label.label, before, line.slice(end))) continue;
    hits.push({ field: label.field, start, valueStart: end + (separator?.[0].length ?? 0) });
  }
  return hits;
}

/**
 * "账号 139 1234 5678" or "Username river.song42": a label without a colon counts only at the start
 * of a line or clause and before a handle-like value, so "账号注销申请" is no username "注销申请".
 */
function unseparatedValueFollows(label: string, before: string, after: string): boolean {
  if (NEEDS_EXPLICIT_SEPARATOR.has(label.toLowerCase())) return false;
  if (before !== '' && !/[。，,；;！!？?]$/.test(before)) return false;
  return /^\s*[A-Za-z0-9+]/.test(after);
}

/** Outlook renders a table one cell per line: the value follows its label on the next line. */
function valueOnNextLines(lines: string[], originals: string[], index: number): [string, string] {
  for (let next = index + 1; next < Math.min(lines.length, index + 4); next++) {
    if (lines[next].trim() === '') continue;
    return labelHits(lines[next]).length > 0 ? ['', ''] : [lines[next].trim(), originals[next].trim()];
  }
  return ['', ''];
}

const PHONE = /^\+?\d[\d\s-]{5,}\d|^\+\d{1,3}\s*\(0\)[\d\s-]{5,}\d/;
const USERNAME = /^[\p{L}\p{N}._@+-]+$/u;
const SURROUNDING = /^["'“”‘’「」『』《》<>()\[\]【】]+|["'“”‘’「」『』《》<>()\[\]【】.,;:!?，。；：！？、]+$/gu;

/** "mpatel — sorry, it's mpatel1", "zhang88，不对，应该是 zhang888": the correction wins. */
const CORRECTION = /(?:\bsorry\b|\bi mean\b|\bcorrection\b|不对|更正|写错了)[,，:：]?\s*(?:it['’]s\s+|it\s+is\s+|应该是|是)?(?=[\p{L}\p{N}+])/iu;

function cleanUsername(written: string): string | null {
  const correction = CORRECTION.exec(written);
  const value = correction ? written.slice(correction.index + correction[0].length) : written;
  const phone = PHONE.exec(value.trim());
  // A phone number is kept as written but for its spaces and dashes: "+44 (0)7700 900123" → "+44(0)7700900123".
  if (phone) return phone[0].replace(/[\s-]/g, '');
  const token = value.trim().replace(/^["'“‘「『《<(\[【（]+/, '').split(/[\s,，;；。、(（]+/)[0] ?? '';
  const username = token.replace(SURROUNDING, '');
  if (username.length === 0 || username.length > MAX_USERNAME) return null;
  if (!USERNAME.test(username) || !/[\p{L}\p{N}]/u.test(username)) return null;
  return username;
}

const USERNAME_IN_PROSE = [
  // The value first: "rafa.souza42 is my username", "m.okafor_77 (username)", "hannah_b92 — username".
  /(\S+)\s+(?:is|=)\s+my\s+(?:user\s*name|username|login(?:\s+(?:name|id))?|account(?:\s+(?:id|name))?|user\s*id)\b/i,
  /(\S+)\s*[(（]\s*(?:the\s+|my\s+)?(?:user\s*name|username|login(?:\s+(?:name|id))?|user\s*id|account(?:\s+(?:id|name))?|用户名|用戶名|账号|帐号|帳號|登录名)\s*[)）]/i,
  /(\S+)\s+[—–]{1,2}\s+(?:my\s+)?(?:user\s*name|username|login)\b/i,
  /(?:^|[.!?,;]\s*|\b(?:my|the|his|her|their|our)\s+)(?:user\s*name|login(?:\s+(?:name|id))?|account\s+(?:id|name|number)|user\s+id|handle)\s+(?:is|was)\s+(\S+(?:\s\d[\d\s-]*\d)?)/im,
  // "my account is river.song42", but not "the account is closed": only a handle-like value.
  /(?:^|[.!?]\s+|\b(?:my|his|her|their|our)\s+)account\s+(?:is|was)\s+([\w.+-]*[\d._@][\w.@+-]*)/im,
  /\b(?:under|with|for)\s+(?:the\s+)?(?:user\s*name|login|account(?:\s+name)?)\s+(\S+)/i,
  /(?:用户名|用戶名|账号|帐号|帳號|账户|帐户|帳戶|登录名|登錄名)(?:是|为|為|叫|係)\s*(\S+(?:[\s-]\d+)*)/,
  /(?:用户名|用戶名|账号|帐号|帳號|登录名|登錄名)[ \t]*([A-Za-z0-9._@+-]{3,})/,
];

/** "lucas.ferreira / That's the name I log in with", "wangjing_0712 / ↑这是我的用户名". */
const EXPLAINS_LINE_ABOVE = /^\s*(?:↑|\^|(?:i think\s+|i believe\s+)?(?:that|this|these)\b|这|這|以上|上面)/i;
const NAMES_USERNAME = /user\s*name|log\s*in|login|用户名|用戶名|账号|帐号|帳號|登录名/i;

function valueExplainedBelow(text: string, explains: RegExp): string | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const index = lines.findIndex((line, position) => position > 0 && EXPLAINS_LINE_ABOVE.test(line) && explains.test(line) && !explains.test(lines[position - 1]));
  return index > 0 ? lines[index - 1].trim() : null;
}

function usernameInProse(text: string): string | null {
  const above = valueExplainedBelow(text, NAMES_USERNAME);
  if (above !== null && !/\s/.test(above)) {
    const username = cleanUsername(above);
    if (username) return username;
  }
  for (const pattern of USERNAME_IN_PROSE) {
    const match = pattern.exec(text);
    const username = match ? cleanUsername(match[1]) : null;
    if (username) return username;
  }
  return null;
}

/** "Close account – river.song42": a lone handle-like word in the subject (digits or . _ @ in it). */
function usernameInSubject(subject: string): string | null {
  const words = subject
    .replace(/\b(?:re|fw|fwd|aw|回复|答复|转发)\s*:/gi, ' ')
    .replace(/\[?CR-[A-Z0-9]{8,}\]?/g, ' ')
    .split(/[\s,，;；:|]+|[–—]/);
  const handles = words
    .map((word) => cleanUsername(word))
    .filter((word): word is string => word !== null && /[\p{L}]/u.test(word) && /[\d._@]/.test(word));
  return handles.at(-1) ?? null;
}

function cleanReason(value: string): string | null {
  const reason = value.replace(/\s+/g, ' ').trim().replace(/[。.；;，,\s]+$/u, '').slice(0, MAX_REASON).trim();
  return reason.length > 0 ? reason : null;
}

const REASON_IN_PROSE = /(?:\b(?:because|due to|as (?:i|we|he|she|they|it|my|our|his|her|there)|since (?:i|we|he|she|they|my|our))\b|因为|由于|因為|由於)/i;
/** A sentence ends at 。！？ or at . ! ? before a capital or the end, so "e.g. 100 USD" stays whole. */
const PROSE_SENTENCE_END = /[。！？\n]|[.!?](?=\s+[A-Z]|\s*$)/;

/** "The reason why I close it is …", "moved abroad — reason": a reason named in the sentence itself. */
const NAMED_REASON = [
  /\b(?:the\s+|my\s+)?reason(?:\s+(?:why|that)\b[^.\n]{0,60}?)?\s+is(?:\s+that)?\s+([^\n]+?)(?:[.!?](?:\s|$)|\n|$)/i,
  /^\s*(.+?)\s+[—–]{1,2}\s+(?:the\s+|my\s+)?reason\b/im,
  /(?:原因|理由)(?:主要)?是\s*([^\n。！？]+)/,
];

function reasonInProse(text: string): string | null {
  for (const pattern of NAMED_REASON) {
    const named = pattern.exec(text);
    const reason = named ? cleanReason(named[1]) : null;
    if (reason) return reason;
  }
  const start = REASON_IN_PROSE.exec(text);
  if (!start) return null;
  const rest = text.slice(start.index);
  const end = PROSE_SENTENCE_END.exec(rest.slice(start[0].length));
  return cleanReason(end ? rest.slice(0, start[0].length + end.index) : rest);
}

const REGISTRATION_WORDS =
  /regist|sign(?:ed)?[\s-]?up|joined|member since|customer since|had (?:it|this|the account|the number) since|since\s+(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|opened|created|set up|activated|注册|註冊|開戶|开户|开的户|開的戶|开通|開通|入网|办理|办的|辦的|申辦|申办/i;

/** Not after "Jan." or "No." before a number: "Jan. 5, 2020" is one sentence. */
const SENTENCE_END = /[.!?](?=\s*$|\s+(?!\d))|[。！？;；\n]+/;

/** "huang.wei-1987" names a person, not a year: handles and addresses never hold the registration date. */
function withoutHandles(text: string): string {
  return text.replace(/[A-Za-z][\w-]*[._@][\w.@+-]*\w/g, ' ');
}

/** A labelled value decides when it holds a date at all; prose about registering is the fallback. */
function registrationDate(
  labelled: string[],
  texts: string[],
  today: string,
): { value: string | null; ambiguous: boolean } {
  const sentences = texts
    .flatMap((text) => text.split(SENTENCE_END))
    .filter((sentence) => REGISTRATION_WORDS.test(sentence));
  const explained = valueExplainedBelow(texts[0], REGISTRATION_WORDS);
  if (explained !== null) sentences.push(explained);
  for (const candidates of [labelled, sentences]) {
    const readings = candidates.map((candidate) => readRegistrationDate(withoutHandles(candidate), today));
    const date = readings.find((reading) => reading.outcome === 'date');
    if (date?.outcome === 'date') return { value: date.value, ambiguous: false };
    if (readings.some((reading) => reading.outcome === 'ambiguous')) return { value: null, ambiguous: true };
  }
  return { value: null, ambiguous: false };
}
