import type { Config } from '../config';
import type { RenderReceipt } from '../documents/receipt-renderer';
import type { CompositionSettings } from './compose-mail';

/** What composing a mail takes from the settings: one place, for the outbox, the start-up check and `preview`. */
export function compositionSettings(config: Config, receiptKey: Buffer, renderReceipt: RenderReceipt): CompositionSettings {
  return {
    templatesDir: config.templatesDir,
    mailFrom: config.mailFrom,
    receiptKey,
    timeZone: config.timeZone,
    workingDays: config.review.workingDays,
    organisation: config.organisation,
    renderReceipt,
  };
}
