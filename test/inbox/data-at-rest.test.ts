import { createLogger } from '../../src/log';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { startConsole } from '../../src/console/start-console';
import { FIXTURES } from '../support/fixtures';
import { startApp, type Harness } from '../support/app-harness';

const WITH_IDS = ['zh-qq-gb18030-base64-table', 'en-applemail-login-slash-username-ambiguous-date-dated-signature-softfail', 'zh-gmail-son-for-elderly-mother-her-account-dashed-phone-two-ids'];

function walk(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

/** The ID documents the fixtures carry, as the bytes an attacker would look for. */
async function idDocumentBytes(): Promise<Buffer[]> {
  const parsed = await Promise.all(WITH_IDS.map((name) => simpleParser(readFileSync(join(FIXTURES, `${name}.eml`)))));
  return parsed.flatMap((mail) => mail.attachments.map((attachment) => attachment.content)).filter((content) => content.length >= 64);
}

describe('looking in DATA_DIR after a full poll and the console\'s first start', () => {
  let harness: Harness;
  let paths: string[];
  beforeAll(async () => {
    harness = await startApp({ WEB_PORT: '0' });
    // The first cycle makes the inbox; mail delivered into it afterwards.
    await harness.app.drainInbox();
    for (const name of WITH_IDS) harness.deliver(name);
    await harness.app.drainInbox();
    await harness.app.flushOutbox();
    const web = await startConsole(harness.app, harness.clock, createLogger((line) => harness.logs.push(JSON.parse(line) as Record<string, unknown>), harness.clock));
    await web.close();
    harness.app.close();
    paths = walk(harness.dataDir);
  });

  it('every file cancel-desk made is readable by its user only, every folder too', () => {
    expect(paths.length).toBeGreaterThan(8);
    const modes = Object.fromEntries(paths.map((path) => [path.slice(harness.dataDir.length + 1), (statSync(path).mode & 0o777).toString(8)]));
    const expected = Object.fromEntries(paths.map((path) => [path.slice(harness.dataDir.length + 1), statSync(path).isDirectory() ? '700' : '600']));
    expect(modes).toEqual(expected);
  });

  it('no ID document is readable anywhere: processed mail keeps only a stub, outgoing mail carries none', async () => {
    const documents = await idDocumentBytes();
    expect(documents.length).toBeGreaterThanOrEqual(3);
    expect(harness.files('inbox/processed')).toHaveLength(WITH_IDS.length);
    for (const path of paths.filter((candidate) => statSync(candidate).isFile())) {
      const content = readFileSync(path);
      for (const document of documents) expect({ path, found: content.includes(document.subarray(0, 64)) }).toEqual({ path, found: false });
    }
  });

  it("the first admin's password is in a file the log names, not in the log", () => {
    const [created] = harness.logs.filter((line) => line.event === 'first_admin_created');
    const password = readFileSync(String(created.passwordFile), 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(harness.logs)).not.toContain(password);
  });
});
