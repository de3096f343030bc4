import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadReceiptWording } from '../../src/documents/receipt-wording';
import { TEMPLATES_DIR } from './sample-facts';

function withTemplate(edit: (template: Record<string, any>) => void): string {
  const template = JSON.parse(readFileSync(path.join(TEMPLATES_DIR, 'receipt.en.json'), 'utf8'));
  edit(template);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'receipt-wording-'));
  writeFileSync(path.join(dir, 'receipt.en.json'), JSON.stringify(template));
  return dir;
}

test('loads the shipped Chinese and English templates', () => {
  expect(loadReceiptWording(TEMPLATES_DIR, 'zh').labels.reason).toBe('注销原因');
  expect(loadReceiptWording(TEMPLATES_DIR, 'en').labels.reason).toBe('Reason');
});

test('names a missing key', () => {
  const dir = withTemplate((template) => delete template.status.pending_review);
  expect(() => loadReceiptWording(dir, 'en')).toThrow(/status\.pending_review/);
});

test('names a misspelt key', () => {
  const dir = withTemplate((template) => (template.labels.reasn = 'Reason'));
  expect(() => loadReceiptWording(dir, 'en')).toThrow(/reasn/);
});

test('rejects a placeholder the text cannot be given', () => {
  const dir = withTemplate((template) => (template.labels.sender = 'Sent from {sender}'));
  expect(() => loadReceiptWording(dir, 'en')).toThrow(/labels\.sender/);
});

test('rejects blank text', () => {
  const dir = withTemplate((template) => (template.checklist.acknowledgement[1] = '  '));
  expect(() => loadReceiptWording(dir, 'en')).toThrow(/checklist\.acknowledgement\[1\]/);
});
