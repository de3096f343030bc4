/**
 * Plain text from untrusted HTML mail bodies, without a DOM or any dependency.
 *
 * The walker is a single forward pass: every search (`indexOf`, regexes without nested quantifiers)
 * starts where the previous one stopped, and markup that is never terminated
 * swallows the rest of the input the way browsers treat it at end of file. That keeps the work
 * linear however malformed or hostile the input is.
 */

/** Whitespace as HTML defines it; U+00A0 is deliberately not in it, because a `&nbsp;` is content. */
const HTML_WHITESPACE_RUN = /[\t\n\f\r ]+/g;
const ONLY_HTML_WHITESPACE = /^[\t\n\f\r ]*$/;
/** Controls plus characters that render as nothing but break later matching (ZWSP, BOM, soft hyphen). */
const INVISIBLE_CHARACTERS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u00ad\u200b\ufeff]/g;
const LINE_BREAK = /\r\n|\r|\n/;

/** Elements whose content is never shown as text; their end is searched for literally. */
const SKIPPED_RAW_TEXT_ELEMENTS = new Set([
  'script', 'style', 'title', 'xml', 'template', 'iframe', 'noembed', 'noframes',
]);

/** What may stand in `<head>`; anything else means the body has begun even without `<body>`. */
const HEAD_CONTENT_ELEMENTS = new Set(['base', 'basefont', 'bgsound', 'link', 'meta', 'noscript']);

const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'center', 'dd', 'details', 'dialog', 'dir', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hr', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'section', 'summary', 'ul',
]);

/** Table structure that always starts a new line, even straight after a cell opened. */
const ROW_ELEMENTS = new Set(['tr', 'thead', 'tbody', 'tfoot', 'caption']);

export function htmlToText(html: string): string {
  const layout = new TextLayout();
  new HtmlWalker(html, layout).walk();
  return layout.render();
}

/**
 * For text/plain parts that carry HTML character references literally (QQ Mail writes `&nbsp;`
 * and `&gt;` into them). Stricter than inside HTML: a reference needs its semicolon, so prose like
 * "AT&T" or "a&b" is never touched. Non-breaking spaces become plain spaces.
 */
export function decodeStrayEntities(text: string): string {
  return decodeCharacterReferences(text, PLAIN_TEXT_REFERENCES);
}

interface LayoutLine {
  text: string;
  quoteDepth: number;
}

/**
 * Collects text into lines the way a browser lays out blocks: a block boundary only ends a line
 * that already has text (so nested `<div>`s do not pile up empty lines), while `<br>` always does.
 */
class TextLayout {
  quoteDepth = 0;

  private readonly lines: LayoutLine[] = [];
  private parts: string[] = [];
  private lineHasText = false;
  private lineQuoteDepth = 0;
  private lineBreakPending = false;
  private cellSeparatorPending = false;
  /** Cells already opened in the current row, one counter per open table. */
  private readonly cellsInRow: number[] = [0];

  addText(text: string): void {
    if (this.lineBreakPending) this.finishLine();
    if (this.cellSeparatorPending) {
      this.parts.push('\t');
      this.cellSeparatorPending = false;
    }
    if (!this.lineHasText) {
      // A line belongs to the quote it started in; block boundaries keep lines from straddling one.
      this.lineQuoteDepth = this.quoteDepth;
      this.lineHasText = true;
    }
    this.parts.push(text);
  }

  addSpace(): void {
    if (this.lineHasText && !this.lineBreakPending && !this.cellSeparatorPending) this.parts.push(' ');
  }

  blockBoundary(): void {
    // Word and Outlook wrap every cell's content in <p>; breaking there would split "用户名" from
    // its value in the next cell.
    if (this.cellSeparatorPending) return;
    if (this.lineHasText) this.lineBreakPending = true;
  }

  rowBoundary(): void {
    this.cellSeparatorPending = false;
    if (this.lineHasText) this.lineBreakPending = true;
    this.cellsInRow[this.cellsInRow.length - 1] = 0;
  }

  lineBreak(): void {
    this.cellSeparatorPending = false;
    if (this.lineBreakPending) this.finishLine();
    this.finishLine();
  }

  startCell(): void {
    const row = this.cellsInRow.length - 1;
    const earlierCells = this.cellsInRow[row];
    this.cellsInRow[row] = earlierCells + 1;
    if (earlierCells > 0 && this.lineHasText) {
      this.lineBreakPending = false;
      this.cellSeparatorPending = true;
    }
  }

  startTable(): void {
    this.rowBoundary();
    this.cellsInRow.push(0);
  }

  endTable(): void {
    if (this.cellsInRow.length > 1) this.cellsInRow.pop();
    this.rowBoundary();
  }

  render(): string {
    if (this.lineHasText || this.parts.length > 0) this.finishLine();
    const visible: LayoutLine[] = [];
    for (const line of this.lines) {
      const text = tidyLine(line.text);
      const previous = visible[visible.length - 1];
      // At most one blank line in a row, and none at the start.
      if (text === '' && (previous === undefined || previous.text === '')) continue;
      visible.push({ text, quoteDepth: line.quoteDepth });
    }
    if (visible.length > 0 && visible[visible.length - 1].text === '') visible.pop();
    return visible
      .map((line, index) => {
        if (line.text !== '') return quotePrefix(line.quoteDepth) + line.text;
        // A blank line between two quoted lines stays quoted, so the quote reads as one block.
        const depth = Math.min(visible[index - 1].quoteDepth, visible[index + 1].quoteDepth);
        return quotePrefix(depth).trimEnd();
      })
      .join('\n');
  }

  private finishLine(): void {
    this.lines.push({
      text: this.parts.join(''),
      quoteDepth: this.lineHasText ? this.lineQuoteDepth : this.quoteDepth,
    });
    this.parts = [];
    this.lineHasText = false;
    this.lineBreakPending = false;
    this.cellSeparatorPending = false;
  }
}

function quotePrefix(depth: number): string {
  return '> '.repeat(depth);
}

/** Collapses spaces, and drops cells that hold nothing visible so no tabs are left dangling. */
function tidyLine(text: string): string {
  if (!text.includes('\t')) return text.replace(/[ \u00a0]+/g, ' ').trim();
  return text
    .split('\t')
    .map((cell) => cell.replace(/[ \u00a0]+/g, ' ').trim())
    .filter((cell) => cell !== '')
    .join('\t');
}

class HtmlWalker {
  private inHead = false;
  private bodyStarted = false;
  private preDepth = 0;

  constructor(
    private readonly html: string,
    private readonly layout: TextLayout,
  ) {}

  walk(): void {
    const html = this.html;
    let textStart = 0;
    let searchFrom = 0;
    for (;;) {
      const open = html.indexOf('<', searchFrom);
      if (open === -1) break;
      if (!startsMarkup(html, open)) {
        // A '<' that opens nothing is text ("a < b", "<3"); keep looking without splitting the text.
        searchFrom = open + 1;
        continue;
      }
      this.text(html.slice(textStart, open));
      textStart = searchFrom = this.markup(open);
    }
    this.text(html.slice(textStart));
  }

  /** Handles the markup starting at `open` and returns where text resumes. */
  private markup(open: number): number {
    const html = this.html;
    const next = html.charAt(open + 1);
    if (next === '!') return skipDeclarationOrComment(html, open);
    if (next === '?') return skipPast(html, '>', open + 2);
    if (next === '/') {
      if (html.charAt(open + 2) === '>') return open + 3;
      if (!isAsciiLetter(html.charCodeAt(open + 2))) return skipPast(html, '>', open + 2);
      return this.tag(open + 2, true);
    }
    return this.tag(open + 1, false);
  }

  private tag(nameStart: number, isEndTag: boolean): number {
    const html = this.html;
    const nameEnd = tagNameEnd(html, nameStart);
    const close = findTagEnd(html, nameEnd);
    // A tag still open at end of input is dropped together with everything after it.
    if (close === -1) return html.length;
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    if (isEndTag) {
      this.endTag(name);
      return close + 1;
    }
    if (SKIPPED_RAW_TEXT_ELEMENTS.has(name)) return skipRawText(html, name, close + 1);
    this.startTag(name);
    return close + 1;
  }

  private startTag(name: string): void {
    if (name === 'html') return;
    if (name === 'head') {
      // A second <head> after content is ignored by browsers; honouring it could hide the body.
      if (!this.bodyStarted) this.inHead = true;
      return;
    }
    if (this.inHead) {
      if (HEAD_CONTENT_ELEMENTS.has(name)) return;
      this.inHead = false;
    }
    this.bodyStarted = true;
    const layout = this.layout;
    if (name === 'br') layout.lineBreak();
    else if (name === 'td' || name === 'th') layout.startCell();
    else if (name === 'table') layout.startTable();
    else if (ROW_ELEMENTS.has(name)) layout.rowBoundary();
    else if (name === 'blockquote') {
      layout.blockBoundary();
      layout.quoteDepth += 1;
    } else if (name === 'pre') {
      layout.blockBoundary();
      this.preDepth += 1;
    } else if (BLOCK_ELEMENTS.has(name)) layout.blockBoundary();
    // Everything else is inline, including Word's <o:p>: the tag goes, and the &nbsp; it wraps
    // stays so that Word's empty paragraphs still read as blank lines.
  }

  private endTag(name: string): void {
    if (name === 'head') {
      this.inHead = false;
      return;
    }
    if (this.inHead) return;
    const layout = this.layout;
    if (name === 'br') layout.lineBreak(); // browsers treat </br> as <br>
    else if (name === 'table') layout.endTable();
    else if (ROW_ELEMENTS.has(name)) layout.rowBoundary();
    else if (name === 'blockquote') {
      layout.blockBoundary();
      layout.quoteDepth = Math.max(0, layout.quoteDepth - 1);
    } else if (name === 'pre') {
      layout.blockBoundary();
      this.preDepth = Math.max(0, this.preDepth - 1);
    } else if (BLOCK_ELEMENTS.has(name)) layout.blockBoundary();
  }

  private text(raw: string): void {
    if (raw === '') return;
    const layout = this.layout;
    if (ONLY_HTML_WHITESPACE.test(raw) && this.preDepth === 0) {
      if (!this.inHead) layout.addSpace();
      return;
    }
    // Text cannot live in <head>; browsers start the body here, and so must we to show it.
    this.inHead = false;
    this.bodyStarted = true;
    const decoded = decodeCharacterReferences(raw, HTML_TEXT_REFERENCES).replace(INVISIBLE_CHARACTERS, '');
    if (this.preDepth === 0) {
      this.inline(decoded.replace(HTML_WHITESPACE_RUN, ' '));
      return;
    }
    decoded.split(LINE_BREAK).forEach((segment, index) => {
      if (index > 0) layout.lineBreak();
      this.inline(segment.replace(HTML_WHITESPACE_RUN, ' '));
    });
  }

  private inline(text: string): void {
    if (text === '') return;
    if (text === ' ') this.layout.addSpace();
    else this.layout.addText(text);
  }
}

function startsMarkup(html: string, open: number): boolean {
  const next = html.charCodeAt(open + 1);
  return isAsciiLetter(next) || next === 0x21 /* ! */ || next === 0x2f /* / */ || next === 0x3f /* ? */;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isHtmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

function tagNameEnd(html: string, nameStart: number): number {
  let end = nameStart;
  while (end < html.length) {
    const code = html.charCodeAt(end);
    if (isHtmlSpace(code) || code === 0x2f /* / */ || code === 0x3e /* > */) break;
    end += 1;
  }
  return end;
}

/** Index of the `>` closing a tag, or -1; a `>` inside a quoted attribute value does not count. */
function findTagEnd(html: string, from: number): number {
  let valueExpected = false;
  for (let i = from; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (code === 0x3e /* > */) return i;
    if (code === 0x3d /* = */) {
      valueExpected = true;
      continue;
    }
    if (isHtmlSpace(code)) continue;
    if (valueExpected && (code === 0x22 /* " */ || code === 0x27 /* ' */)) {
      const closingQuote = html.indexOf(html.charAt(i), i + 1);
      if (closingQuote === -1) return -1;
      i = closingQuote;
    }
    valueExpected = false;
  }
  return -1;
}

/** Position just after the next `needle`, or the end of input when there is none. */
function skipPast(html: string, needle: string, from: number): number {
  const found = html.indexOf(needle, from);
  return found === -1 ? html.length : found + needle.length;
}

/**
 * Comments, conditional comments (`<!--[if mso]>…<![endif]-->` is one comment), DOCTYPE and the
 * downlevel-revealed markers `<![if !mso]>` / `<![endif]>`, whose content stays visible.
 */
function skipDeclarationOrComment(html: string, open: number): number {
  if (!html.startsWith('<!--', open)) return skipPast(html, '>', open + 2);
  if (html.startsWith('>', open + 4)) return open + 5; // "<!-->" is an empty comment
  if (html.startsWith('->', open + 4)) return open + 6; // and so is "<!--->"
  return skipPast(html, '-->', open + 4);
}

const rawTextEndPatterns = new Map<string, RegExp>();

function skipRawText(html: string, name: string, from: number): number {
  let pattern = rawTextEndPatterns.get(name);
  if (pattern === undefined) {
    pattern = new RegExp(`</${name}(?=[\\t\\n\\f\\r />]|$)`, 'gi');
    rawTextEndPatterns.set(name, pattern);
  }
  pattern.lastIndex = from;
  const endTag = pattern.exec(html);
  if (endTag === null) return html.length;
  const close = findTagEnd(html, endTag.index + endTag[0].length);
  return close === -1 ? html.length : close + 1;
}

// ---------------------------------------------------------------------------------------------
// Character references

interface ReferenceRules {
  /** Browsers decode `&#27880` and the legacy names (`&nbsp`, `&copy2026`) without a semicolon. */
  acceptMissingSemicolon: boolean;
  nonBreakingSpace: string;
}

const HTML_TEXT_REFERENCES: ReferenceRules = { acceptMissingSemicolon: true, nonBreakingSpace: '\u00a0' };
const PLAIN_TEXT_REFERENCES: ReferenceRules = { acceptMissingSemicolon: false, nonBreakingSpace: ' ' };

const CHARACTER_REFERENCE = /&(?:#([xX][0-9A-Fa-f]+|[0-9]+)|([A-Za-z][A-Za-z0-9]*))(;?)/g;

function decodeCharacterReferences(text: string, rules: ReferenceRules): string {
  if (!text.includes('&')) return text;
  return text.replace(
    CHARACTER_REFERENCE,
    (reference: string, number: string | undefined, name: string | undefined, semicolon: string) => {
      const terminated = semicolon === ';';
      const decoded =
        number !== undefined
          ? terminated || rules.acceptMissingSemicolon
            ? decodeNumericReference(number)
            : undefined
          : decodeNamedReference(name ?? '', terminated, rules.acceptMissingSemicolon);
      if (decoded === undefined) return reference;
      return decoded.replace(/\u00a0/g, rules.nonBreakingSpace);
    },
  );
}

function decodeNumericReference(digits: string): string {
  const codePoint =
    digits[0] === 'x' || digits[0] === 'X' ? Number.parseInt(digits.slice(1), 16) : Number.parseInt(digits, 10);
  const windows1252 = WINDOWS_1252_C1.get(codePoint);
  if (windows1252 !== undefined) return windows1252;
  return isUsableCodePoint(codePoint) ? String.fromCodePoint(codePoint) : '';
}

function isUsableCodePoint(codePoint: number): boolean {
  if (!Number.isFinite(codePoint) || codePoint <= 0 || codePoint > 0x10ffff) return false;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false; // lone surrogates
  if (codePoint < 0x20) return codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
  if (codePoint >= 0x7f && codePoint <= 0x9f) return false;
  if (codePoint >= 0xfdd0 && codePoint <= 0xfdef) return false; // noncharacters
  return (codePoint & 0xfffe) !== 0xfffe; // U+FFFE, U+FFFF and their copies in every plane
}

function decodeNamedReference(name: string, terminated: boolean, acceptLegacy: boolean): string | undefined {
  if (terminated) {
    const character = NAMED_REFERENCES.get(name);
    if (character !== undefined) return character;
  }
  if (!acceptLegacy) return undefined;
  // Browsers take the longest legacy name at the front of the run: "&copy2026" is "©2026".
  for (let length = Math.min(name.length, LONGEST_LEGACY_NAME); length >= 2; length--) {
    const prefix = name.slice(0, length);
    if (LEGACY_NAMES.has(prefix)) {
      return `${NAMED_REFERENCES.get(prefix) ?? ''}${name.slice(length)}${terminated ? ';' : ''}`;
    }
  }
  return undefined;
}

/** Old Windows mail writes cp1252 bytes as numeric references (`&#150;` for "–"); HTML maps them. */
const WINDOWS_1252_C1 = new Map<number, string>(
  (
    [
      [0x80, 0x20ac], [0x82, 0x201a], [0x83, 0x0192], [0x84, 0x201e], [0x85, 0x2026], [0x86, 0x2020],
      [0x87, 0x2021], [0x88, 0x02c6], [0x89, 0x2030], [0x8a, 0x0160], [0x8b, 0x2039], [0x8c, 0x0152],
      [0x8e, 0x017d], [0x91, 0x2018], [0x92, 0x2019], [0x93, 0x201c], [0x94, 0x201d], [0x95, 0x2022],
      [0x96, 0x2013], [0x97, 0x2014], [0x98, 0x02dc], [0x99, 0x2122], [0x9a, 0x0161], [0x9b, 0x203a],
      [0x9c, 0x0153], [0x9e, 0x017e], [0x9f, 0x0178],
    ] as const
  ).map(([byte, codePoint]) => [byte, String.fromCodePoint(codePoint)]),
);

/** U+00A0 to U+00FF in order; these are also the names browsers accept without a semicolon. */
const LATIN_1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr ' +
  'deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ' +
  'ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml ' +
  'eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');

const LEGACY_ASCII_REFERENCES: ReadonlyArray<readonly [string, number]> = [
  ['amp', 0x26], ['lt', 0x3c], ['gt', 0x3e], ['quot', 0x22],
  ['AMP', 0x26], ['LT', 0x3c], ['GT', 0x3e], ['QUOT', 0x22], ['COPY', 0xa9], ['REG', 0xae],
];

/** Capital Greek skips U+03A2, which has no character. */
const GREEK_CAPITALS = 'Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho'
  .split(' ')
  .map((name, index): [string, number] => [name, 0x391 + index])
  .concat(
    'Sigma Tau Upsilon Phi Chi Psi Omega'.split(' ').map((name, index): [string, number] => [name, 0x3a3 + index]),
  );
const GREEK_SMALL = (
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma ' +
  'tau upsilon phi chi psi omega'
)
  .split(' ')
  .map((name, index): [string, number] => [name, 0x3b1 + index]);

/** The rest of HTML 4's entities plus the HTML 5 names that turn up in mail. */
const OTHER_REFERENCES: ReadonlyArray<readonly [string, number]> = [
  ['apos', 0x27], ['OElig', 0x152], ['oelig', 0x153], ['Scaron', 0x160], ['scaron', 0x161],
  ['Yuml', 0x178], ['fnof', 0x192], ['circ', 0x2c6], ['tilde', 0x2dc], ['thetasym', 0x3d1],
  ['upsih', 0x3d2], ['piv', 0x3d6], ['ensp', 0x2002], ['emsp', 0x2003], ['thinsp', 0x2009],
  ['zwnj', 0x200c], ['zwj', 0x200d], ['lrm', 0x200e], ['rlm', 0x200f], ['ndash', 0x2013],
  ['mdash', 0x2014], ['lsquo', 0x2018], ['rsquo', 0x2019], ['sbquo', 0x201a], ['ldquo', 0x201c],
  ['rdquo', 0x201d], ['bdquo', 0x201e], ['dagger', 0x2020], ['Dagger', 0x2021], ['bull', 0x2022],
  ['hellip', 0x2026], ['permil', 0x2030], ['prime', 0x2032], ['Prime', 0x2033], ['lsaquo', 0x2039],
  ['rsaquo', 0x203a], ['oline', 0x203e], ['frasl', 0x2044], ['euro', 0x20ac], ['image', 0x2111],
  ['weierp', 0x2118], ['real', 0x211c], ['trade', 0x2122], ['alefsym', 0x2135], ['larr', 0x2190],
  ['uarr', 0x2191], ['rarr', 0x2192], ['darr', 0x2193], ['harr', 0x2194], ['crarr', 0x21b5],
  ['lArr', 0x21d0], ['uArr', 0x21d1], ['rArr', 0x21d2], ['dArr', 0x21d3], ['hArr', 0x21d4],
  ['forall', 0x2200], ['part', 0x2202], ['exist', 0x2203], ['empty', 0x2205], ['nabla', 0x2207],
  ['isin', 0x2208], ['notin', 0x2209], ['ni', 0x220b], ['prod', 0x220f], ['sum', 0x2211],
  ['minus', 0x2212], ['lowast', 0x2217], ['radic', 0x221a], ['prop', 0x221d], ['infin', 0x221e],
  ['ang', 0x2220], ['and', 0x2227], ['or', 0x2228], ['cap', 0x2229], ['cup', 0x222a], ['int', 0x222b],
  ['there4', 0x2234], ['sim', 0x223c], ['cong', 0x2245], ['asymp', 0x2248], ['ne', 0x2260],
  ['equiv', 0x2261], ['le', 0x2264], ['ge', 0x2265], ['sub', 0x2282], ['sup', 0x2283], ['nsub', 0x2284],
  ['sube', 0x2286], ['supe', 0x2287], ['oplus', 0x2295], ['otimes', 0x2297], ['perp', 0x22a5],
  ['sdot', 0x22c5], ['lceil', 0x2308], ['rceil', 0x2309], ['lfloor', 0x230a], ['rfloor', 0x230b],
  ['lang', 0x27e8], ['rang', 0x27e9], ['loz', 0x25ca], ['spades', 0x2660], ['clubs', 0x2663],
  ['hearts', 0x2665], ['diams', 0x2666],
  ['Tab', 0x09], ['NewLine', 0x0a], ['excl', 0x21], ['num', 0x23], ['dollar', 0x24], ['percnt', 0x25],
  ['lpar', 0x28], ['rpar', 0x29], ['ast', 0x2a], ['plus', 0x2b], ['comma', 0x2c], ['period', 0x2e],
  ['sol', 0x2f], ['colon', 0x3a], ['semi', 0x3b], ['equals', 0x3d], ['quest', 0x3f], ['commat', 0x40],
  ['lsqb', 0x5b], ['lbrack', 0x5b], ['bsol', 0x5c], ['rsqb', 0x5d], ['rbrack', 0x5d], ['Hat', 0x5e],
  ['lowbar', 0x5f], ['grave', 0x60], ['lcub', 0x7b], ['lbrace', 0x7b], ['verbar', 0x7c], ['vert', 0x7c],
  ['rcub', 0x7d], ['rbrace', 0x7d], ['centerdot', 0xb7], ['hyphen', 0x2010], ['dash', 0x2010],
  ['ZeroWidthSpace', 0x200b], ['NonBreakingSpace', 0xa0], ['check', 0x2713], ['cross', 0x2717],
  ['star', 0x2606], ['starf', 0x2605], ['phone', 0x260e], ['female', 0x2640], ['male', 0x2642],
  ['deg', 0xb0], ['half', 0xbd], ['horbar', 0x2015], ['nldr', 0x2025], ['mldr', 0x2026],
];

const NAMED_REFERENCES = new Map<string, string>(
  [
    ...LATIN_1_NAMES.map((name, index): readonly [string, number] => [name, 0xa0 + index]),
    ...LEGACY_ASCII_REFERENCES,
    ...GREEK_CAPITALS,
    ...GREEK_SMALL,
    ...OTHER_REFERENCES,
  ].map(([name, codePoint]) => [name, String.fromCodePoint(codePoint)]),
);

const LEGACY_NAMES = new Set([...LATIN_1_NAMES, ...LEGACY_ASCII_REFERENCES.map(([name]) => name)]);
const LONGEST_LEGACY_NAME = Math.max(...[...LEGACY_NAMES].map((name) => name.length));
