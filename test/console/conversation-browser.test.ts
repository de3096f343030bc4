/**
 * The conversation on a request page in real headless Chromium: a customer's follow-up arrives
 * through the real intake, staff see it marked new, answer it with a free reply, and the reply goes
 * out in the thread. A screenshot of the page is written to $TMPDIR/cancel-desk-console/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startConsole, type RunningConsole } from '../../src/console/start-console';
import { createLogger } from '../../src/log';
import { startApp, type Harness } from '../support/app-harness';
import { CHEAP_PASSWORD_COST, deliverAll, FIXTURE, PASSWORD, README_SCREENSHOTS } from './support/console-harness';

jest.setTimeout(60_000);

const SCREENSHOTS = join(tmpdir(), 'cancel-desk-console');
const CUSTOMER = 'hannah.okafor.93@gmail.com';

let harness: Harness;
let web: RunningConsole;
let browser: Browser;
let reference: string;

beforeAll(async () => {
  harness = await startApp({ WEB_PORT: '0' }, { passwordCost: CHEAP_PASSWORD_COST });
  await harness.app.staff.add('alice', PASSWORD);
  reference = (await deliverAll(harness, [FIXTURE.pdf]))[FIXTURE.pdf];
  await harness.app.flushOutbox();
  const acknowledgement = harness.app.queue.findRequest(reference)!.messages.find((message) => message.direction === 'out')!;
  harness.clock.advance(3 * 60 * 60 * 1000);
  harness.deliverRaw(
    'follow-up.eml',
    [
      'Authentication-Results: mx.example.test; dkim=pass header.d=gmail.com; spf=pass smtp.mailfrom=gmail.com; dmarc=pass header.from=gmail.com',
      `From: Hannah Okafor <${CUSTOMER}>`,
      'To: support@example.test',
      `Subject: Re: ${acknowledgement.subject}`,
      'Message-ID: <follow-up-browser@gmail.com>',
      `In-Reply-To: ${acknowledgement.messageId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Could you also refund the remaining balance of 23.50 on the account?',
      '',
    ].join('\r\n'),
  );
  await harness.app.drainInbox();
  await harness.app.flushOutbox();
  web = await startConsole(harness.app, harness.clock, createLogger(() => undefined, harness.clock));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  harness?.app.close();
});

async function signedIn(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 2400 } })).newPage();
  await page.goto(`${web.url}/login`);
  await page.fill('#name', 'alice');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${web.url}/requests`), page.click('button:has-text("Sign in")')]);
  return page;
}

it('shows the follow-up as new in the queue and the conversation, and sends a free reply in the thread', async () => {
  const page = await signedIn();
  await page.goto(`${web.url}/requests?status=all&unread=1`);
  expect(await page.textContent(`tr:has(a:has-text("${reference}")) .badge.unread`)).toBe('Unread reply');

  await page.click(`a.ref:has-text("${reference}")`);
  await page.waitForSelector('#conversation');
  const fresh = page.locator('.thread .message-new');
  expect(await fresh.count()).toBe(1);
  expect(await fresh.textContent()).toContain('refund the remaining balance of 23.50');
  // Our short "added to your request" mail answered it, not a second receipt.
  expect(await page.locator('#latest').textContent()).toContain('We have added your message to your request');

  await page.fill('#reply-message', 'We will refund the 23.50 within 7 working days.');
  await Promise.all([page.waitForURL(/done=reply/), page.click('form.write-reply button')]);
  expect(await page.textContent('.notice-ok')).toContain('Your reply to the customer is queued');
  await harness.app.flushOutbox();
  await page.reload();
  expect(await page.locator('#latest').textContent()).toContain('We will refund the 23.50 within 7 working days.');
  await page.screenshot({ path: join(SCREENSHOTS, 'conversation.png'), fullPage: true });
  mkdirSync(README_SCREENSHOTS, { recursive: true });
  await page.locator('#conversation').screenshot({ path: join(README_SCREENSHOTS, 'conversation.png') });

  const sent = harness.app.queue.findRequest(reference)!.messages.at(-1)!;
  const mail = await simpleParser(readFileSync(join(harness.dataDir, 'outgoing', `${sent.messageId!.replace(/[^A-Za-z0-9.@_-]/g, '')}.eml`)));
  expect(mail.subject).toBe(`[${reference}] About your account cancellation request`);
  expect(mail.inReplyTo).toBe(harness.app.queue.findRequest(reference)!.messageId);
  expect(mail.text).toContain('We will refund the 23.50 within 7 working days.');
  expect(harness.app.queue.findRequest(reference)!.unreadSince).toBeNull();
});
