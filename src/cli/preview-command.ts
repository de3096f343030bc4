import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock';
import type { Config } from '../config';
import { inThreadRenderer } from '../documents/receipt-renderer';
import type { Language } from '../intake/intake-result';
import { composeMail } from '../outbox/compose-mail';
import { compositionSettings } from '../outbox/composition-settings';
import { renderEml } from '../outbox/nodemailer-transports';
import { LANGUAGES, SAMPLE_MAILS, sampleMessage, type SampleMail } from '../outbox/sample-mails';
import { parseCommandLine, refuse, UsageError } from './command-line';

const USAGE = `preview ${SAMPLE_MAILS.join('|')} --lang ${LANGUAGES.join('|')} --out FILE.eml`;

/**
 * `cancel-desk preview`: one mail as a customer would receive it (with its PDF, when it carries
 * one), filled with sample data, from the templates in TEMPLATES_DIR. Touches no data.
 */
export async function previewCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { lang: { type: 'string' }, out: { type: 'string' } } });
  const [sample] = positionals;
  const language = values.lang as Language | undefined;
  if (positionals.length !== 1 || !(SAMPLE_MAILS as readonly string[]).includes(sample) || language === undefined || !LANGUAGES.includes(language) || values.out === undefined) {
    throw new UsageError(USAGE);
  }
  const message = sampleMessage(sample as SampleMail, language, systemClock.now(), config.intake.messageIdDomain);
  // A throwaway key: a sample receipt must never verify as genuine.
  const mail = await composeMail(message, compositionSettings(config, randomBytes(32), inThreadRenderer().render));
  const out = values.out;
  const written = await writeFile(out, await renderEml(mail)).then(
    () => null,
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
  if (written !== null) return refuse(`cannot write ${out}: ${written}`);
  const attached = mail.attachments.map((attachment) => attachment.filename);
  process.stdout.write(`${out}: "${mail.subject}" to ${mail.to}${attached.length > 0 ? `, with ${attached.join(', ')}` : ''}\n`);
  return 0;
}
