import { AFRelationship, type Color, PDFDocument, type PDFFont, grayscale } from 'pdf-lib';

import {
  CONTENT_WIDTH,
  FlowWriter,
  MARGIN,
  type Marker,
  type PlacedLine,
  type TextStyle,
} from './pdf-flow';
import {
  type AttachedFacts,
  FACTS_ATTACHMENT_NAME,
  type ReceiptFacts,
  receiptFields,
} from './receipt-facts';
import { compressPdfStreamsNatively } from './native-deflate';
import { loadReceiptFonts, receiptFontkit, sharedFontkit } from './receipt-fonts';
import { type ReceiptWording, fillPlaceholders } from './receipt-wording';
import { type TextWidths, textWidths } from './text-width';
import { formatDay, zonedParts } from './zoned-time';
import { verificationCode } from './verification-code';

compressPdfStreamsNatively();

const INK = grayscale(0.1);
const MUTED = grayscale(0.4);
const HAIRLINE = grayscale(0.8);
const LABEL_WIDTH = 140;
const VALUE_X = MARGIN + LABEL_WIDTH;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH;

interface ReceiptFont {
  font: PDFFont;
  widths: TextWidths;
}

function styles(regular: ReceiptFont, bold: ReceiptFont) {
  const style = ({ font, widths }: ReceiptFont, size: number, color: Color, leading: number): TextStyle => ({
    font,
    size,
    color,
    leading,
    widths,
  });
  return {
    title: style(bold, 19, INK, 1.4),
    intro: style(regular, 10, MUTED, 1.55),
    caption: style(regular, 9, MUTED, 1.5),
    reference: style(bold, 18, INK, 1.35),
    label: style(regular, 9.5, MUTED, 1.55),
    value: style(regular, 10.5, INK, 1.55),
    heading: style(bold, 12, INK, 1.6),
    body: style(regular, 10.5, INK, 1.55),
    code: style(bold, 15, INK, 1.5),
    footer: style(regular, 8, MUTED, 1.5),
  } satisfies Record<string, TextStyle>;
}

/** Who issues the receipt, printed at its head; not a signed fact. */
export interface Letterhead {
  name: string;
  supportEmail: string | null;
  logo: { bytes: Buffer; type: 'png' | 'jpeg' } | null;
}

const NO_LETTERHEAD: Letterhead = { name: '', supportEmail: null, logo: null };

/**
 * The A4 receipt (acknowledgement or closure confirmation) in the customer's language. The facts and
 * their verification code are attached as `receipt-facts.json` for `verifyReceipt`.
 */
export async function renderReceiptPdf(
  facts: ReceiptFacts,
  key: Buffer,
  wording: ReceiptWording,
  letterhead: Letterhead = NO_LETTERHEAD,
): Promise<Uint8Array> {
  if (facts.kind === 'confirmation' && (facts.status !== 'closed' || facts.closedAt === undefined)) {
    throw new Error(`a closure confirmation needs status closed and the time of closing, not ${facts.status}`);
  }
  const code = verificationCode(facts, key);
  const issuedAt = new Date(facts.issuedAt);
  const title = wording.documentTitle[facts.kind];

  const doc = await PDFDocument.create();
  doc.registerFontkit(receiptFontkit);
  const fonts = await loadReceiptFonts();
  const style = styles(
    { font: await doc.embedFont(fonts.regular, { subset: true }), widths: textWidths(sharedFontkit.create(fonts.regular)) },
    { font: await doc.embedFont(fonts.bold, { subset: true }), widths: textWidths(sharedFontkit.create(fonts.bold)) },
  );

  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setSubject(facts.reference);
  doc.setLanguage(facts.language === 'zh' ? 'zh-CN' : 'en');
  doc.setCreationDate(issuedAt);
  doc.setModificationDate(issuedAt);
  const attached: AttachedFacts = { facts: receiptFields(facts), verificationCode: code };
  await doc.attach(Buffer.from(JSON.stringify(attached, null, 2), 'utf8'), FACTS_ATTACHMENT_NAME, {
    mimeType: 'application/json',
    description: wording.attachmentDescription,
    creationDate: issuedAt,
    modificationDate: issuedAt,
    afRelationship: AFRelationship.Data,
  });

  const flow = new FlowWriter(doc);
  if (letterhead.logo) {
    flow.image(letterhead.logo.type === 'png' ? await doc.embedPng(letterhead.logo.bytes) : await doc.embedJpg(letterhead.logo.bytes), 36);
    flow.gap(8);
  }
  if (letterhead.name) flow.paragraph(asText(letterhead.name), style.caption);
  if (letterhead.logo || letterhead.name) flow.gap(10);
  flow.paragraph(title, style.title);
  flow.gap(4);
  flow.paragraph(
    fillPlaceholders(wording.intro[facts.kind], { reference: facts.reference }),
    style.intro,
  );
  flow.gap(14);
  flow.paragraph(wording.labels.reference, style.caption);
  flow.paragraph(facts.reference, style.reference);
  flow.gap(10);
  flow.rule(HAIRLINE);
  flow.gap(8);

  const row = (label: string, values: string[], marker?: Marker) => {
    flow.columns([
      FlowWriter.lines(label, style.label, MARGIN, LABEL_WIDTH - 12),
      valueLines(values, style.value, marker),
    ]);
    flow.gap(5);
  };
  const stated = (value: string | null) =>
    value === null ? wording.values.notProvided : asText(value);
  const when = (iso: string) =>
    fillPlaceholders(wording.values.dateTime, zonedParts(iso, facts.timeZone, facts.language));

  const received = when(facts.receivedAt);
  const issued = when(facts.issuedAt);
  row(wording.labels.receivedAt, [received]);
  row(wording.labels.status, [wording.status[facts.status]]);
  if (facts.closedAt !== undefined) row(wording.labels.closedAt, [when(facts.closedAt)]);
  if (facts.dueDate !== undefined) row(wording.labels.dueDate, [formatDay(facts.dueDate, facts.language)]);
  row(wording.labels.sender, [asText(facts.sender)]);
  // The receipt goes to the account's own address: the customer reads back exactly what we recorded.
  row(wording.labels.username, [stated(facts.username)]);
  row(wording.labels.registrationDate, [stated(facts.registrationDate)]);
  row(wording.labels.reason, [stated(facts.reason)]);
  if (facts.idDocuments.length === 0) {
    row(wording.labels.idDocuments, [wording.values.noIdDocuments]);
  } else {
    row(
      wording.labels.idDocuments,
      facts.idDocuments.map((document) =>
        fillPlaceholders(wording.values.idDocument, {
          filename: asText(document.filename),
          sha256: document.sha256.slice(0, 12).toLowerCase(),
        }),
      ),
      'bullet',
    );
  }
  if (facts.missing.length === 0) {
    row(wording.labels.missing, [wording.values.nothingMissing]);
  } else {
    row(wording.labels.missing, facts.missing.map((item) => wording.missingItems[item]), 'bullet');
  }
  // Issued the minute it was received says nothing new: the row is left out then.
  if (issued !== received) row(wording.labels.issuedAt, [issued]);

  const section = (heading: string) => {
    flow.gap(12);
    // A heading alone at the foot of a page reads as a mistake: keep two lines with it.
    flow.makeRoom(
      style.heading.size * style.heading.leading + 2 * style.body.size * style.body.leading,
    );
    flow.paragraph(heading, style.heading);
    flow.gap(2);
  };

  section(wording.sections.nextSteps);
  const nextStep =
    facts.kind === 'confirmation' ? wording.nextSteps.closed : wording.nextSteps[facts.status];
  flow.paragraph(fillPlaceholders(nextStep, { reference: facts.reference }), style.body);

  section(wording.sections.checklist);
  for (const item of wording.checklist[facts.kind]) {
    flow.columns([FlowWriter.lines(item, style.body, MARGIN, CONTENT_WIDTH, 'checkbox')]);
    flow.gap(2);
  }

  const explanation = FlowWriter.lines(
    fillPlaceholders(wording.verificationExplanation, { supportEmail: letterhead.supportEmail ?? wording.values.ourSupport }),
    style.caption,
    MARGIN,
    CONTENT_WIDTH,
  );
  section(wording.sections.verification);
  flow.makeRoom(
    style.code.size * style.code.leading +
      explanation.length * style.caption.size * style.caption.leading,
  );
  flow.paragraph(code, style.code);
  flow.columns([explanation]);

  flow.footers(
    (page, pages) =>
      fillPlaceholders(wording.footer, {
        reference: facts.reference,
        page: String(page),
        pages: String(pages),
      }),
    style.footer,
  );
  return doc.save();
}

function valueLines(values: string[], style: TextStyle, marker?: Marker): PlacedLine[] {
  return values.flatMap((value) => FlowWriter.lines(value, style, VALUE_X, VALUE_WIDTH, marker));
}

/**
 * The customer's words are printed as plain text: control characters become spaces and invisible
 * formatting characters (bidi overrides, zero-width joiners) go, so they cannot disguise the line.
 */
function asText(value: string): string {
  return value.replace(/\p{Cc}/gu, ' ').replace(/\p{Cf}/gu, '');
}

