import { readFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { REQUEST_STATUSES } from '../queue/request-status';
import { MISSING_ITEMS, RECEIPT_KINDS } from './receipt-facts';

const PLACEHOLDER = /\{(\w+)\}/g;

/** Non-blank text that may use only the `{placeholders}` its place on the receipt can fill. */
function text(...placeholders: string[]) {
  return z
    .string()
    .refine((value) => value.trim() !== '', 'must not be blank')
    .refine(
      (value) => placeholdersIn(value).every((name) => placeholders.includes(name)),
      placeholders.length === 0
        ? 'takes no {placeholders}'
        : `takes only ${placeholders.map((name) => `{${name}}`).join(', ')}`,
    );
}

const perKind = <T extends z.ZodType>(schema: T) => z.record(z.enum(RECEIPT_KINDS), schema);

const receiptWordingSchema = z.strictObject({
  documentTitle: perKind(text()),
  intro: perKind(text('reference')),
  labels: z.strictObject({
    reference: text(),
    receivedAt: text(),
    status: text(),
    sender: text(),
    username: text(),
    registrationDate: text(),
    reason: text(),
    idDocuments: text(),
    missing: text(),
    issuedAt: text(),
    closedAt: text(),
    dueDate: text(),
  }),
  sections: z.strictObject({ nextSteps: text(), checklist: text(), verification: text() }),
  status: z.record(z.enum(REQUEST_STATUSES), text()),
  missingItems: z.record(z.enum(MISSING_ITEMS), text()),
  /** One per status for an acknowledgement; `closed` for a confirmation. */
  nextSteps: z.record(z.enum(REQUEST_STATUSES), text('reference')),
  checklist: perKind(z.array(text()).min(1)),
  values: z.strictObject({
    notProvided: text(),
    noIdDocuments: text(),
    nothingMissing: text(),
    dateTime: text('date', 'time', 'zone', 'zoneName', 'offset'),
    idDocument: text('filename', 'sha256'),
    ourSupport: text(),
  }),
  verificationExplanation: text('supportEmail'),
  footer: text('reference', 'page', 'pages'),
  attachmentDescription: text(),
});

/** Every label and paragraph printed on a receipt in one language: templates/receipt.<lang>.json. */
export type ReceiptWording = z.infer<typeof receiptWordingSchema>;

export function loadReceiptWording(templatesDir: string, language: 'zh' | 'en'): ReceiptWording {
  const file = path.join(templatesDir, `receipt.${language}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'cannot read (ENOENT)' : (error as Error).message}`);
  }
  const parsed = receiptWordingSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${z.core.toDotPath(issue.path) || '(top)'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** Fills `{name}` placeholders; values are inserted as they are, never read as templates. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in "${template}"`);
    return value;
  });
}

function placeholdersIn(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (match) => match[1]);
}
