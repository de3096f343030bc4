import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The text a reader would copy out of a PDF, by poppler's pdftotext. */
export function pdfText(pdf: Buffer | Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cancel-desk-pdf-')), 'receipt.pdf');
  writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdftotext is missing: apt-get install -y poppler-utils');
    throw error;
  }
}
