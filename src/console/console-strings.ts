import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleLanguage } from '../queue/staff';

export type { ConsoleLanguage } from '../queue/staff';

export const CONSOLE_LANGUAGES: readonly ConsoleLanguage[] = ['en', 'zh'];

type Values = Record<string, string | number>;

/** The console's words in one language: `t('queue.apply')`, `t('waited.minutes', { minutes: 5 })`. */
export interface Translate {
  (key: string, values?: Values): string;
  /** For words named by data (an event type): whether the string files name it, so that a new one falls back to its identifier. */
  has(key: string): boolean;
}

export interface ConsoleStrings {
  translate(language: ConsoleLanguage): Translate;
  /** The strings as nested objects, for templates: `{{t.queue.apply}}`. */
  tree(language: ConsoleLanguage): object;
}

export function stringsFile(dir: string, language: ConsoleLanguage): string {
  return join(dir, `strings.${language}.json`);
}

/**
 * `<dir>/strings.en.json` and `<dir>/strings.zh.json`, operator-editable. Loaded once, at start: both
 * must hold the same keys with the same `{placeholders}`, and every key a template or the code uses
 * (`needed`: key → where it is used) must be there, or the console does not start, naming the file
 * and the key.
 */
export function loadStrings(dir: string, needed: ReadonlyMap<string, string>): ConsoleStrings {
  const files = Object.fromEntries(CONSOLE_LANGUAGES.map((language) => [language, readStrings(stringsFile(dir, language))])) as Record<ConsoleLanguage, { flat: Map<string, string>; tree: object }>;
  for (const language of CONSOLE_LANGUAGES) {
    const file = stringsFile(dir, language);
    const own = files[language].flat;
    for (const [key, where] of needed) if (!own.has(key)) throw new Error(`${file}: no key ${key} (used by ${where})`);
    for (const other of CONSOLE_LANGUAGES.filter((candidate) => candidate !== language)) {
      for (const [key, text] of files[other].flat) {
        if (!own.has(key)) throw new Error(`${file}: no key ${key} (${stringsFile(dir, other)} has it)`);
        const mine = placeholders(own.get(key)!);
        const theirs = placeholders(text);
        if (mine !== theirs) throw new Error(`${file}: key ${key} has placeholders {${mine}} where ${stringsFile(dir, other)} has {${theirs}}`);
      }
    }
  }
  const translators = Object.fromEntries(CONSOLE_LANGUAGES.map((language) => [language, translator(files[language].flat, stringsFile(dir, language))])) as Record<ConsoleLanguage, Translate>;
  return {
    translate: (language) => translators[language],
    tree: (language) => files[language].tree,
  };
}

/** The console language a browser asks for: the most wanted of Chinese (zh, zh-CN, zh-Hans, zh-TW…) and English; English when neither. */
export function languageFromHeader(acceptLanguage: string | string[] | undefined): ConsoleLanguage {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const wanted = header
    .split(',')
    .map((entry, order) => {
      const [tag, ...parameters] = entry.trim().toLowerCase().split(';');
      const q = parameters.map((parameter) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(parameter)).find(Boolean);
      return { primary: tag.trim().split('-')[0], q: q ? Number(q[1]) : 1, order };
    })
    .filter((entry) => entry.q > 0 && (entry.primary === 'zh' || entry.primary === 'en'))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return wanted[0]?.primary === 'zh' ? 'zh' : 'en';
}

function translator(strings: Map<string, string>, file: string): Translate {
  const t = (key: string, values: Values = {}) => {
    const text = strings.get(key);
    // Every key the code uses is checked at start; one that is not is a bug, not a missing translation.
    if (text === undefined) throw new Error(`${file}: no key ${key}`);
    return text.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  };
  return Object.assign(t, { has: (key: string) => strings.has(key) });
}

function readStrings(file: string): { flat: Map<string, string>; tree: object } {
  let tree: unknown;
  try {
    tree = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  const flat = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string' && prefix) return void flat.set(prefix, node);
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${file}: ${prefix || 'the file'} must be ${prefix ? 'a string or an object of strings' : 'an object'}`);
    for (const [name, child] of Object.entries(node)) {
      if (!/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(name)) throw new Error(`${file}: ${prefix ? `${prefix}.` : ''}${name} is not a usable key (letters, digits, - and _)`);
      walk(child, prefix ? `${prefix}.${name}` : name);
    }
  };
  walk(tree, '');
  return { flat, tree: tree as object };
}

function placeholders(text: string): string {
  return [...new Set([...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((match) => match[1]))].sort().join(', ');
}
