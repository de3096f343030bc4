import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Harness } from './app-harness';
import { runCli } from './cli';
import { FIXTURES, loadFixture } from './fixtures';

/** Complete requests, so pending_review: one in Chinese, one in English, both with a valid ID photo. */
export const ZH_REQUEST = 'zh-qq-gb18030-base64-table';
export const EN_REQUEST = 'en-gmail-terminate-bulleted-list';
/** Forgot the ID document: needs_info from the start. */
export const INCOMPLETE_REQUEST = 'en-forgot-attachment-dmy-date';

export const STAFF_PASSWORD = 'correct horse battery staple';

/** Delivers each fixture through the real intake, a minute apart, and returns the references in that order. */
export async function intake(harness: Harness, ...fixtures: string[]): Promise<string[]> {
  const references: string[] = [];
  for (const fixture of fixtures) {
    harness.deliver(fixture);
    await harness.app.drainInbox();
    const sender = loadFixture(fixture).expected.from;
    references.push(harness.app.queue.listRequests().find((request) => request.email === sender)!.reference);
    harness.clock.advance(60_000);
  }
  return references;
}

export async function addStaff(harness: Harness, ...names: string[]): Promise<void> {
  for (const name of names) await harness.app.staff.add(name, STAFF_PASSWORD);
}

/** A data directory whose inbox held these fixtures, after one `cancel-desk poll`; the env to run the CLI on it. */
export async function polledDataDir(fixtures: string[]): Promise<{ dataDir: string; env: Record<string, string> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-review-cli-'));
  mkdirSync(join(dataDir, 'inbox'));
  for (const fixture of fixtures) copyFileSync(join(FIXTURES, `${fixture}.eml`), join(dataDir, 'inbox', `${fixture}.eml`));
  const env = { DATA_DIR: dataDir, MAIL_FROM: 'Support <support@example.test>', TRUSTED_AUTHSERV_ID: 'mx.example.test' };
  const poll = await runCli(['poll'], { env });
  if (poll.code !== 0) throw new Error(`poll failed: ${poll.stderr}`);
  return { dataDir, env };
}

/** The reference intake gave the request from this fixture's sender. */
export async function referenceOf(env: Record<string, string>, fixture: string): Promise<string> {
  const listed = JSON.parse((await runCli(['queue', 'list', '--json'], { env })).stdout) as { reference: string; email: string }[];
  return listed.find((request) => request.email === loadFixture(fixture).expected.from)!.reference;
}
