import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreBackup } from '../../src/app';
import { loadConfig } from '../../src/config';
import { startApp, type Harness } from '../support/app-harness';

const FIRST = ['zh-qq-gb18030-base64-table', 'en-applemail-login-slash-username-ambiguous-date-dated-signature-softfail'];
const DURING = [
  '01-en-gmail-nonnative-misspelled-acount-value-before-is-my-username-registed-in-2019-march-the-reason-is-jpeg',
  '01-en-gmail-uk-login-plus44-paren0-phone-ddmm-over-12-reason-for-cancellation-label-jpeg',
  '02-en-outlook-cp1252-qp-values-with-parenthesised-labels-after-username-date-pdf-disclaimer',
  '02-en-outlook-exchange-cp1252-table-user-id-us-ambiguous-date-cid-logo-disclaimer-pdf',
  '04-en-thunderbird-flowed-q-and-a-style-answers-1st-march-2020-reason-across-soft-break-pdf',
];

async function everyDocumentOpens(harness: Harness): Promise<number> {
  let opened = 0;
  for (const request of harness.app.queue.listRequests()) {
    for (let position = 1; position <= request.idDocuments.length; position++) {
      expect(await harness.app.review.openDocument(request.reference, position, 'os:test', 'cli')).not.toBeNull();
      opened++;
    }
  }
  return opened;
}

it('a backup taken while intake seals documents restores whole: each request with all its documents, or not at all', async () => {
  const desk = await startApp();
  for (const name of FIRST) desk.deliver(name);
  await desk.app.drainInbox();
  for (const name of DURING) desk.deliver(name);

  const target = join(mkdtempSync(join(tmpdir(), 'cancel-desk-backups-')), 'during-intake');
  const [, backedUp] = await Promise.all([desk.app.drainInbox(), desk.app.backup(target, { includeKey: true })]);
  expect(backedUp.ok).toBe(true);
  const total = desk.app.queue.listRequests().length;
  desk.app.close();

  const dataDir = join(mkdtempSync(join(tmpdir(), 'cancel-desk-restored-')), 'data');
  const restored = await restoreBackup(loadConfig({ DATA_DIR: dataDir }), target);
  expect(restored.ok).toBe(true);
  const reopened = await startApp({}, {}, dataDir);
  const requests = reopened.app.queue.listRequests().length;
  expect(requests).toBeGreaterThanOrEqual(FIRST.length);
  expect(requests).toBeLessThanOrEqual(total);
  expect(await everyDocumentOpens(reopened)).toBeGreaterThanOrEqual(FIRST.length);
  reopened.app.close();
});
