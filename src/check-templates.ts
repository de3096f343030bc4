import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from './clock';
import { loadViews, PAGES } from './console/views';
import { composeMail, type CompositionSettings } from './outbox/compose-mail';
import { LANGUAGES, SAMPLE_MAILS, sampleMessage } from './outbox/sample-mails';

export type TemplateCheck = { ok: true } | { ok: false; problem: string };

/**
 * Loads and renders every template operators can edit — each mail and its receipt PDF in both
 * languages, and the console's pages — with sample data, so that a broken one stops start-up
 * instead of failing on the first real customer. The problem names the file, on one line.
 */
export async function checkTemplates(settings: Omit<CompositionSettings, 'receiptKey'>, clock: Clock): Promise<TemplateCheck> {
  // Samples are never sent: a throwaway key, so no sample receipt could pass as genuine.
  const composition = { ...settings, receiptKey: randomBytes(32) };
  const domain = settings.mailFrom.address.split('@')[1];
  try {
    const views = loadViews(join(settings.templatesDir, 'web'));
    for (const page of PAGES) views.render(page, {});
    for (const language of LANGUAGES) {
      for (const sample of SAMPLE_MAILS) await composeMail(sampleMessage(sample, language, clock.now(), domain), composition);
    }
  } catch (error) {
    return { ok: false, problem: (error as Error).message.replace(/\s*\n\s*/g, ' ') };
  }
  return { ok: true };
}
