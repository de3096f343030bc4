import type { Language } from './intake-result';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /\p{Script=Latin}+/gu;

/** Chinese when Han characters are at least 30% of the words: a Chinese name in English mail stays English. */
export function detectLanguage(text: string): Language {
  const han = text.match(HAN)?.length ?? 0;
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  return han > 0 && han >= 0.3 * (han + latinWords) ? 'zh' : 'en';
}
