import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillPlaceholders } from '../documents/receipt-wording';
import type { Language } from '../intake/intake-result';

export interface MailText {
  subject: string;
  body: string;
}

/**
 * Reads `templates/mail/<name>.<language>.txt`: a `Subject:` line, a blank line, then the body.
 * Read on every use, so operators can change the wording of a running service.
 */
export function renderMailTemplate(templatesDir: string, name: string, language: Language, values: Record<string, string>): MailText {
  const file = join(templatesDir, 'mail', `${name}.${language}.txt`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const match = /^Subject:[ \t]*(.+)\n\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: must start with a "Subject:" line followed by a blank line`);
  try {
    return { subject: fillPlaceholders(match[1].trim(), values), body: fillPlaceholders(match[2], values) };
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
