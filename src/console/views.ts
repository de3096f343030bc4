import Mustache from 'mustache';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStrings, type ConsoleStrings } from './console-strings';
import { CODE_KEYS } from './present';

export const PAGES = ['login', 'queue', 'request', 'message', 'triage', 'triage-item', 'staff', 'password'] as const;
export type Page = (typeof PAGES)[number];

export interface Views {
  render(page: Page, view: object): string;
  /** The words of the pages and of the code, in each console language. */
  strings: ConsoleStrings;
}

/**
 * The console's pages, from operator-editable Mustache files: `<dir>/<page>.html` and
 * `<dir>/partials/<name>.html`. Mustache escapes every `{{value}}`; the triple-mustache and `{{& }}`
 * forms that would not escape are refused when the templates load, so no data is ever markup.
 * Every word staff read comes from `<dir>/strings.<language>.json`: templates name them as `{{t.some.key}}`.
 * Loaded once, at start: a broken or missing template, or a key a template or the code uses that a
 * string file lacks, stops the console from starting.
 */
export function loadViews(dir: string): Views {
  const pages = Object.fromEntries(PAGES.map((page) => [page, checked(join(dir, `${page}.html`))])) as Record<Page, string>;
  const partialsDir = join(dir, 'partials');
  const partials = Object.fromEntries(
    readdirSync(partialsDir)
      .filter((file) => file.endsWith('.html'))
      .map((file) => [file.slice(0, -'.html'.length), checked(join(partialsDir, file))]),
  );
  const needed = new Map(CODE_KEYS.map((key) => [key, 'src/console']));
  for (const [name, template] of Object.entries({ ...pages, ...partials })) {
    const file = name in pages ? join(dir, `${name}.html`) : join(partialsDir, `${name}.html`);
    let tokens: unknown[];
    try {
      tokens = Mustache.parse(template);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    // Mustache renders a missing partial as nothing: a misspelt {{> name}} would silently drop a piece of the page.
    const missing = partialNames(tokens).find((partial) => !(partial in partials));
    if (missing !== undefined) throw new Error(`${file}: no partial ${missing} (${join(partialsDir, `${missing}.html`)})`);
    for (const key of stringKeys(tokens)) if (!needed.has(key)) needed.set(key, file);
  }
  return {
    render: (page, view) => Mustache.render(pages[page], view, partials),
    strings: loadStrings(dir, needed),
  };
}

/** The string keys a template names: `{{t.queue.apply}}` → `queue.apply`. */
function stringKeys(tokens: unknown[]): string[] {
  return tokens.flatMap((token) => {
    const [type, value, , , children] = token as [string, string, number, number, unknown[] | undefined];
    return [...(['name', '#', '^'].includes(type) && value.startsWith('t.') ? [value.slice(2)] : []), ...(Array.isArray(children) ? stringKeys(children) : [])];
  });
}

function partialNames(tokens: unknown[]): string[] {
  return tokens.flatMap((token) => {
    const [type, value, , , children] = token as [string, string, number, number, unknown[] | undefined];
    return [...(type === '>' ? [value] : []), ...(Array.isArray(children) ? partialNames(children) : [])];
  });
}

function checked(path: string): string {
  const template = readFileSync(path, 'utf8');
  if (/\{\{\s*[{&=]/.test(template)) throw new Error(`${path}: unescaped output ({{{…}}}, {{&…}}) and delimiter changes ({{=…=}}) are not allowed in console templates`);
  return template;
}
