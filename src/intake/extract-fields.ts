import type { FieldDoubt, FieldName, FieldSource, RequestFields } from './intake-result';
import { FIELD_LABELS, NEEDS_EXPLICIT_SEPARATOR } from './field-labels';
import { readRegistrationDate } from './registration-date';

export interface ExtractedFields extends RequestFields {
  /** A date was given but could not be read without guessing (numeric order, relative, future). */
  registrationDateAmbiguous: boolean;
  /** Where each value came from (for an ambiguous date, where the unreadable one stood); `null` where there is none. */
  sources: Record<FieldName, FieldSource | null>;
  /** Fields the customer corrected within the mail: the later value was taken. */
  corrected: FieldName[];
}

const MAX_USERNAME = 64;
const MAX_REASON = 500;

interface LabelledValue {
  field: FieldName;
  /** Width-folded, for reading usernames and dates. */
  value: string;
  /** As the customer wrote it, for free text such as the reason. */
  original: string;
  /** The line takes back something said before it ("sorry, I mean …", "不对，是…"). */
  corrects: boolean;
  source: 'label' | 'numbered';
}

interface Found<T> {
  value: T;
  source: FieldSource;
  corrected?: boolean;
}

/** The three fields from the customer's own words (quotes and signatures already removed) and the subject. */
export function extractFields(ownText: string, subject: string, today: string): ExtractedFields {
  const body = normalise(ownText);
  const title = normalise(subject);
  const labelled = [...labelledValues(body), ...numberedAnswers(body), ...labelledValues(title)];
  const labelledAs = (field: FieldName) => preferCorrections(labelled.filter((entry) => entry.field === field));
  const bare = bareLines(body, today);

  const username =
    first(labelledAs('username'), (entry) => cleanUsername(entry.value)) ??
    found(bare.username, 'bare_line') ??
    found(usernameInProse(foldWidth(body)), 'prose') ??
    found(usernameInSubject(foldWidth(title)), 'subject');
  const reason =
    first(labelledAs('reason'), (entry) => cleanReason(entry.original)) ??
    found(bare.reason, 'bare_line') ??
    found(reasonInProse(body), 'prose') ??
    found(reasonInSubject(title), 'subject');
  const date = registrationDate(labelledAs('registrationDate'), bare.registrationDate, [body, title], today);
  const corrected = [
    ...(username?.corrected ? (['username'] as const) : []),
    ...(date.corrected ? (['registrationDate'] as const) : []),
    ...(reason?.corrected ? (['reason'] as const) : []),
  ];
  return {
    username: username?.value ?? null,
    reason: reason?.value ?? null,
    registrationDate: date.value,
    registrationDateAmbiguous: date.ambiguous,
    sources: { username: username?.source ?? null, registrationDate: date.value === null && !date.ambiguous ? null : date.source, reason: reason?.source ?? null },
    corrected,
  };
}

/** What staff should look at first: values intake read from anything less than a label. */
export function fieldDoubts(fields: ExtractedFields): FieldDoubt[] {
  const doubts: FieldDoubt[] = [];
  for (const field of ['username', 'registrationDate', 'reason'] as const) {
    const source = fields.sources[field];
    if (fields.corrected.includes(field)) doubts.push({ field, why: 'corrected_in_mail' });
    if (source === 'prose') doubts.push({ field, why: 'from_prose' });
    if (source === 'subject') doubts.push({ field, why: 'from_subject' });
    if (source === 'bare_line') doubts.push({ field, why: 'bare_line' });
  }
  if (fields.registrationDateAmbiguous) doubts.push({ field: 'registrationDate', why: 'ambiguous_date' });
  return doubts;
}

function found<T>(value: T | null, source: FieldSource): Found<T> | null {
  return value === null ? null : { value, source };
}

/** The first labelled value that reads, remembering whether it was a correction. */
function first<T>(entries: LabelledValue[], read: (entry: LabelledValue) => T | null): Found<T> | null {
  for (const entry of entries) {
    const value = read(entry);
    if (value !== null) return { value, source: entry.source, corrected: entry.corrects || CORRECTION.test(entry.value) };
  }
  return null;
}

/** "Username: abc … Sorry, username: abd": a later value that corrects an earlier one comes first. */
function preferCorrections(entries: LabelledValue[]): LabelledValue[] {
  const corrections = entries.filter((entry, index) => index > 0 && entry.corrects);
  return [...corrections.reverse(), ...entries.filter((entry) => !corrections.includes(entry))];
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
      // A plain-text (markdown) table: "| Username | tkowalski_21 |" is a label and its value; "|---|---|" is no text.
      .replace(/^[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$/gm, '')
      .replace(/^[ \t]*\|[ \t]*([^|\n]*?)[ \t]*\|[ \t]*([^|\n]*?)[ \t]*\|[ \t]*$/gm, '$1: $2')
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
      if (value !== '') values.push({ field: hit.field, value, original, corrects: CORRECTION_MARKER.test(line.slice(0, hit.start)), source: 'label' });
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

// Not the digits that begin an address or a handle: "1583920476@qq.com" is the username whole.
const PHONE = /^(?:\+?\d[\d\s-]{5,}\d|\+\d{1,3}\s*\(0\)[\d\s-]{5,}\d|[(（]\+?\d{1,3}[)）]\s*\d[\d\s-]{5,}\d)(?![\w@]|\.\w)/;
const USERNAME = /^[\p{L}\p{N}._@+-]+$/u;
const SURROUNDING = /^["'“”‘’「」『』《》<>()\[\]【】]+|["'“”‘’「」『』《》<>()\[\]【】.,;:!?，。；：！？、]+$/gu;

/** Words that take back something said before them: "sorry, I mean", "不对", "写错了". */
const CORRECTION_MARKER =
  /(?:\bsorry\b|\bi mean\b|\bi meant\b|\bcorrection\b|\bactually\b|\boops\b|\btypo\b|不对|不對|更正|写错了|寫錯了|打错了|打錯了|说错了|說錯了|纠正|糾正)/iu;
/** "mpatel — sorry, it's mpatel1", "zhang88，不对，应该是 zhang888": the correction wins. */
const CORRECTION = new RegExp(
  `${CORRECTION_MARKER.source}[,，:：!！]?\\s*(?:(?:it|that)['’]s\\s+|(?:it|that)\\s+(?:is|was|should be)\\s+|(?:the\\s+)?(?:right|correct)\\s+(?:one|\\w+)\\s+is\\s+|应该是|應該是|正确的是|正確的是|是)?(?=[\\p{L}\\p{N}+(（])`,
  'iu',
);

function cleanUsername(written: string): string | null {
  const correction = CORRECTION.exec(written);
  const value = correction ? written.slice(correction.index + correction[0].length) : written;
  const phone = PHONE.exec(value.trim());
  // A phone number is kept as written but for its spaces and dashes: "+44 (0)7700 900123" → "+44(0)7700900123".
  if (phone) return phone[0].replace(/[\s-]/g, '').replace(/^[(（](\+?\d{1,3})[)）]/, '$1');
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
  if (!start) return reasonByCue(text);
  const rest = text.slice(start.index);
  const end = PROSE_SENTENCE_END.exec(rest.slice(start[0].length));
  return cleanReason(end ? rest.slice(0, start[0].length + end.index) : rest);
}

const REGISTRATION_WORDS =
  /regist|\b(?:made|make|opened|open|created|create)\s+(?:this|my|the)\s+acc?ount\b|sign(?:ed)?[\s-]?up|joined|member since|customer since|had (?:it|this|the account|the number) since|since\s+(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|opened|created|set up|activated|注册|註冊|開戶|开户|开的户|開的戶|开通|開通|入网|办理|办的|辦的|申辦|申办/i;

/** Not after "Jan." or "No." before a number: "Jan. 5, 2020" is one sentence. */
const SENTENCE_END = /[.!?](?=\s*$|\s+(?!\d))|[。！？;；\n]+/;

/** "huang.wei-1987" names a person, not a year: handles and addresses never hold the registration date. */
function withoutHandles(text: string): string {
  return text.replace(/[A-Za-z][\w-]*[._@][\w.@+-]*\w/g, ' ');
}

/** A labelled value decides when it holds a date at all; a bare date line next; prose about registering is the fallback. */
function registrationDate(
  labelled: LabelledValue[],
  bare: string | null,
  texts: string[],
  today: string,
): { value: string | null; ambiguous: boolean; source: FieldSource; corrected: boolean } {
  const sentences = texts
    .flatMap((text) => text.split(SENTENCE_END))
    .filter((sentence) => REGISTRATION_WORDS.test(sentence));
  const explained = valueExplainedBelow(texts[0], REGISTRATION_WORDS);
  if (explained !== null) sentences.push(explained);
  const corrections = preferCorrectedSentences(sentences).filter((sentence) => sentence.corrects);
  const groups: { source: FieldSource; candidates: { text: string; corrects: boolean }[] }[] = [
    // "Registration date: 12 September 2021 … Correction: I actually registered on 21 September": the later word wins.
    { source: 'prose', candidates: corrections },
    ...(['label', 'numbered'] as const).map((source) => ({
      source,
      candidates: labelled.filter((entry) => entry.source === source).map((entry) => ({ text: entry.value, corrects: entry.corrects })),
    })),
    { source: 'bare_line', candidates: bare === null ? [] : [{ text: bare, corrects: false }] },
    { source: 'prose', candidates: preferCorrectedSentences(sentences) },
  ];
  for (const { source, candidates } of groups) {
    const readings = candidates.map((candidate) => ({ ...readCorrectedDate(candidate.text, today), corrects: candidate.corrects }));
    const date = readings.find((reading) => reading.reading.outcome === 'date');
    if (date?.reading.outcome === 'date') return { value: date.reading.value, ambiguous: false, source, corrected: date.corrected || date.corrects };
    if (candidates === corrections) continue;
    if (readings.some((reading) => reading.reading.outcome === 'ambiguous')) return { value: null, ambiguous: true, source, corrected: false };
  }
  return { value: null, ambiguous: false, source: 'label', corrected: false };
}

/** "2018年3月，不对，是2019年3月", "March 2018 - sorry, I mean March 2019": the date after the correction. */
function readCorrectedDate(text: string, today: string): { reading: ReturnType<typeof readRegistrationDate>; corrected: boolean } {
  const cleaned = withoutHandles(text);
  const correction = lastCorrection(cleaned);
  if (correction !== -1) {
    const after = readRegistrationDate(cleaned.slice(correction), today);
    if (after.outcome !== 'none') return { reading: after, corrected: true };
  }
  return { reading: readRegistrationDate(cleaned, today), corrected: false };
}

function lastCorrection(text: string): number {
  let last = -1;
  for (const match of text.matchAll(new RegExp(CORRECTION.source, 'giu'))) last = match.index + match[0].length;
  return last;
}

/** A sentence that corrects an earlier one is read first. */
function preferCorrectedSentences(sentences: string[]): { text: string; corrects: boolean }[] {
  const marked = sentences.map((text) => ({ text, corrects: CORRECTION_MARKER.test(text) }));
  return [...marked.filter((sentence) => sentence.corrects).reverse(), ...marked.filter((sentence) => !sentence.corrects)];
}

// ---------------------------------------------------------------------------------------------
// Answers without labels: numbered after our instructions, or one bare line per field

/**
 * Our instructions list username, registration date and reason in that order, and customers answer
 * by number: "1) jbrennan_12 2) 2020-03-01 3) moving abroad", "1、zhangwei88 2、2019年3月 3、搬家了".
 * Taken only when item 1 is a handle and item 2 a date, so a numbered list of grievances is no answer.
 */
const NUMBER_MARKER = /[(（]([1-3])[)）]\s*|(?:^|(?<=[\s,;，；。:：]))(?:([1-3])\s*[).、:：]|([1-3])\s*[-–]\s)\s*/gm;
const NUMBERED_FIELDS: FieldName[] = ['username', 'registrationDate', 'reason'];

function numberedAnswers(text: string): LabelledValue[] {
  const folded = foldWidth(text);
  const markers = Array.from(folded.matchAll(NUMBER_MARKER), (match) => ({ number: Number(match[1] ?? match[2] ?? match[3]), start: match.index, end: match.index + match[0].length }));
  for (let index = 0; index + 1 < markers.length; index++) {
    if (markers[index].number !== 1 || markers[index + 1].number !== 2) continue;
    const run = markers.slice(index, index + 3).filter((marker, position) => marker.number === position + 1);
    const items = run.map((marker, position) => {
      const end = run[position + 1]?.start ?? lineEnd(folded, marker.end);
      return { field: NUMBERED_FIELDS[position], value: folded.slice(marker.end, end).trim(), original: text.slice(marker.end, end).trim() };
    });
    if (items.some((item) => labelHits(item.value).length > 0)) continue;
    if (cleanUsername(items[0].value) === null || (/\s/.test(items[0].value) && !isOnlyHandle(items[0].value))) continue;
    if (readRegistrationDate(items[1].value, '9999-12-31').outcome === 'none') continue;
    return items.filter((item) => item.value !== '').map((item) => ({ ...item, corrects: false, source: 'numbered' as const }));
  }
  return [];
}

/** The last item runs to the end of its line; the others to the next marker. */
function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline;
}

const GREETING_OR_SIGN_OFF =
  /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|thanks?|thank you|many thanks|cheers|regards|best|kind regards|sincerely|br|您好|你好|尊敬的|谢谢|謝謝|感谢|感謝|此致|敬礼|祝好|麻烦了|辛苦了)\b|^(?:您好|你好|谢谢|謝謝|此致|敬礼)/i;

const NO_BARE_LINES = { username: null, registrationDate: null, reason: null };

/**
 * "Please close my account. / jbrennan_12 / 2020-03-01 / Moving abroad": a line that is only a
 * handle is the username and a line that is only a date the registration date — when the two stand
 * together, since a phone number alone on a line is as likely a signature — and the line beside
 * them, if it is neither a greeting nor a sign-off, the reason.
 */
function bareLines(text: string, today: string): { username: string | null; registrationDate: string | null; reason: string | null } {
  const lines = foldWidth(text).split('\n').map((line) => stripListMarker(line).trim());
  const originals = text.split('\n').map((line) => stripListMarker(line).trim());
  const usernameLine = lines.findIndex((line) => line !== '' && isOnlyHandle(line) && labelHits(line).length === 0 && !isOnlyDate(line, today));
  const dateLine = lines.findIndex((line) => line !== '' && isOnlyDate(line, today));
  if (usernameLine === -1 || dateLine === -1 || Math.abs(usernameLine - dateLine) !== 1) return NO_BARE_LINES;
  const [top, bottom] = [Math.min(usernameLine, dateLine), Math.max(usernameLine, dateLine)];
  const beside = [bottom + 1, top - 1].find((index) => index >= 0 && index < lines.length && isReasonLine(lines[index]));
  return { username: cleanUsername(lines[usernameLine]), registrationDate: lines[dateLine], reason: beside === undefined ? null : cleanReason(originals[beside]) };
}

function isReasonLine(line: string): boolean {
  return line !== '' && !GREETING_OR_SIGN_OFF.test(line) && labelHits(line).length === 0 && !/[?？]$/.test(line) && line.length <= 200 && !ASKS_TO_CLOSE.test(line);
}

/** A sentence that asks to close is the request itself, not its reason. */
const ASKS_TO_CLOSE = /\b(?:cancel|close|delete|deactivate|terminate)\b[^.\n]{0,30}\baccount\b|注销|註銷|销户|銷戶|关闭账号|關閉帳號/i;

const HANDLE = /^[A-Za-z0-9][\w.+-]*[\d._@][\w.@+-]*$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;

function isOnlyHandle(text: string): boolean {
  const value = text.trim();
  if (PHONE.exec(value)?.[0] === value) return true;
  return HANDLE.test(value) && value.length <= MAX_USERNAME && /[A-Za-z]/.test(value);
}

const DATE_WORDS = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|st|nd|rd|th|of)\b\.?|[年月日号號]/gi;

function isOnlyDate(line: string, today: string): boolean {
  if (line.length > 30 || readRegistrationDate(line, today).outcome === 'none') return false;
  return /^[\d\s./,-]+$/.test(line.replace(DATE_WORDS, ' ')) && /\d/.test(line);
}

// ---------------------------------------------------------------------------------------------
// Reasons told without a label

/**
 * "We are moving back to Germany and won't need the number.", "换了运营商": a sentence that names a
 * reason in so many words, for customers who write neither a label nor "because".
 */
const REASON_CUE =
  /\b(?:moving|moved|relocat\w*|emigrat\w*|leaving (?:the country|china|for)|going back|back home|no longer (?:need|use|using|require)|don['’]?t (?:need|use)|do not (?:need|use)|not using|never use|hardly (?:ever )?use|rarely use|too expensive|cheaper|switch(?:ed|ing)? to|chang(?:e|ed|ing) (?:provider|carrier|operator|network)|ported|found (?:a|another) (?:provider|carrier|plan)|passed away|deceased|bad (?:service|coverage|signal)|poor (?:service|coverage|signal)|no (?:signal|coverage)|privacy|won['’]?t need)\b|不再使用|不再用|不用了|用不上|用不到|不需要了|没有再用|沒有再用|很少用|太贵|太貴|资费|資費|换了|換了|换号|換號|更换运营商|携号转网|攜號轉網|出国|出國|回国|回國|移民|搬家|离开|離開|工作调动|信号不好|信號不好|信号差|隐私|隱私|去世|过世|過世/i;

function reasonByCue(text: string): string | null {
  for (const sentence of text.split(PROSE_SENTENCE_END)) {
    if (!REASON_CUE.test(sentence) || /[?？]\s*$/.test(sentence)) continue;
    // "Please close my account, we are moving to Germany", "Member since 2017 but I don't need it any more":
    // from the clause that names the reason up to one that asks to close.
    const clauses = sentence.split(/(?<=[,，;；])|\s(?=(?:but|so|and so|and please|please)\s)|(?=但是|所以|请)/i);
    const cue = clauses.findIndex((clause) => REASON_CUE.test(clause));
    // The reason starts after any clause before it that asks to close or says when the customer registered.
    const from = clauses.findLastIndex((clause, index) => index < cue && (ASKS_TO_CLOSE.test(clause) || REGISTRATION_WORDS.test(clause))) + 1;
    const to = clauses.findIndex((clause, index) => index > cue && (ASKS_TO_CLOSE.test(clause) || /^\s*(?:so\s+)?please\b|^请/i.test(clause)));
    const reason = cleanReason(
      clauses
        .slice(from, to === -1 ? undefined : to)
        .join('')
        .replace(/^\s*(?:and|but|as|so|而且|并且|但是|所以)\s*/i, '')
        .replace(/[,，]?\s*(?:and|but|so|所以|但是)\s*$/i, ''),
    );
    if (reason) return reason;
  }
  return null;
}

/** "Cancel account - moving abroad", "注销：出国了": the subject's words after the request; a reply's subject is ours. */
function reasonInSubject(subject: string): string | null {
  if (/^\s*(?:re|aw|回复|答复|回覆)\s*[:：]/i.test(subject)) return null;
  const parts = subject
    .replace(/^(?:\s*(?:re|fw|fwd|aw|回复|答复|转发)\s*[:：])+/i, '')
    .replace(/\[?CR-[A-Z0-9]{8,}\]?/g, ' ')
    .split(/\s[-–—|]\s|[:：|]|\s[–—]|[–—]\s/);
  // "Canceled: Call about my account" is a calendar's notice that a meeting is off, not a customer asking.
  const asking = parts.findIndex((part) => ASKS_TO_CLOSE.test(part) || /\b(?:cancel(?!l?ed\b)\w*|clos\w+|delet\w+|terminat\w+)\b|注销|销户|註銷|銷戶/i.test(part));
  if (asking === -1) return null;
  for (const part of parts.slice(asking + 1)) {
    const text = part.trim();
    if (text === '' || isOnlyHandle(text) || text.split(/\s+/).length < 2 && !/\p{Script=Han}{2,}/u.test(text)) continue;
    if (REASON_CUE.test(text) || text.split(/\s+/).length >= 2) return cleanReason(text);
  }
  return null;
}
