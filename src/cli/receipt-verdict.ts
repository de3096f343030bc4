/** What `verify-receipt` prints. Pure. */
import type { ReceiptVerification } from '../documents/verify-receipt';

const REFUSALS: Record<Extract<ReceiptVerification, { genuine: false }>['reason'], string> = {
  no_facts: 'the PDF carries no recorded facts to verify (not a receipt of ours, or they were removed)',
  code_mismatch: "the facts recorded inside the PDF do not match their verification code: altered, or issued under another DATA_DIR's key",
  unreadable: 'not a readable PDF, or its recorded facts are unreadable',
};

/**
 * The verdict, and what it covers: the facts recorded inside the PDF (its attached
 * receipt-facts.json), which are printed in full, never the page's pixels, which anyone can redraw.
 */
export function receiptVerdict(verdict: ReceiptVerification): string {
  if (!verdict.genuine) return `NOT genuine: ${REFUSALS[verdict.reason] ?? verdict.reason}\n`;
  const { facts } = verdict;
  const lines = [
    `genuine: ${facts.kind} ${facts.reference} for ${facts.sender}, status ${facts.status}, issued ${facts.issuedAt}`,
    'Verified: the facts recorded inside this PDF, which this desk signed. Not verified: the printed page;',
    'check that it says the same as these facts:',
    `  reference:          ${facts.reference}`,
    `  kind:               ${facts.kind}`,
    `  status:             ${facts.status}`,
    `  sender:             ${facts.sender}`,
    `  username:           ${facts.username ?? '-'}`,
    `  registration date:  ${facts.registrationDate ?? '-'}`,
    `  reason:             ${facts.reason ?? '-'}`,
    ...facts.idDocuments.map((document, index) => `  ID document ${index + 1}:      ${document.filename} (SHA-256 ${document.sha256})`),
    ...(facts.missing.length > 0 ? [`  missing:            ${facts.missing.join(', ')}`] : []),
    `  received:           ${facts.receivedAt}`,
    `  issued:             ${facts.issuedAt}`,
    ...(facts.closedAt ? [`  closed:             ${facts.closedAt}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
