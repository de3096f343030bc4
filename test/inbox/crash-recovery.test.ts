import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { FIXTURES } from '../support/fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

jest.setTimeout(600_000);

const REQUEST = 'en-iphone-heic-prose';
const AUTO_REPLY = 'machine-ooo-auto-submitted';
const CRASHER = join(__dirname, '..', 'support', 'crash-at-step.js');

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.stop());

function freshDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-crash-'));
  mkdirSync(join(dataDir, 'inbox'));
  for (const name of [REQUEST, AUTO_REPLY]) copyFileSync(join(FIXTURES, `${name}.eml`), join(dataDir, 'inbox', `${name}.eml`));
  return dataDir;
}

function env(dataDir: string, crashAt: number): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    MAIL_FROM: 'Support <support@example.test>',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'false',
    CRASH_AT_STEP: String(crashAt),
  };
}

async function poll(dataDir: string, crashAt = 0) {
  return runCli(['poll'], { env: env(dataDir, crashAt), preload: CRASHER });
}

/**
 * The process is SIGKILLed before each step that changes durable state in turn (every file rename
 * or write, every SQL statement, both sides of every commit), then restarted; whatever the step,
 * the outcome must be the one of an undisturbed run.
 */
it('loses nothing and sends no second acknowledgement outside the SMTP hand-off, whichever step the process dies at', async () => {
  const clean = await poll(freshDataDir());
  expect(clean.code).toBe(0);
  const steps = Number(/steps-total (\d+)/.exec(clean.stderr)![1]);
  expect(steps).toBeGreaterThan(10);
  smtp.received.length = 0;

  const duplicatesAt: string[] = [];
  for (let crashAt = 1; crashAt <= steps; crashAt++) {
    const dataDir = freshDataDir();
    const crashed = await poll(dataDir, crashAt);
    expect({ crashAt, signal: crashed.signal }).toEqual({ crashAt, signal: 'SIGKILL' });
    const recovered = await poll(dataDir);
    expect({ crashAt, code: recovered.code }).toEqual({ crashAt, code: 0 });

    const listed = await runCli(['queue', 'list', '--json'], { env: env(dataDir, 0) });
    const requests = JSON.parse(listed.stdout) as { reference: string }[];
    expect({ crashAt, requests: requests.length, inbox: readdirSync(join(dataDir, 'inbox')).filter((name) => name.endsWith('.eml')) }).toEqual({
      crashAt,
      requests: 1,
      inbox: [],
    });
    const acknowledgements = smtp.received.filter((mail) => mail.raw.toString('latin1').includes(requests[0].reference));
    expect({ crashAt, atLeastOnce: acknowledgements.length >= 1 }).toEqual({ crashAt, atLeastOnce: true });
    if (acknowledgements.length > 1) duplicatesAt.push(/crash-at-step (\d+ \w+)/.exec(crashed.stderr)![1]);
    expect(smtp.received).toHaveLength(acknowledgements.length);
    smtp.received.length = 0;
  }
  // A death between claiming a mail and sending it leaves a lease whose process is gone: the next
  // poll takes it over at once, so that mail still goes out once. Only a death after the server
  // accepted the mail and before the commit that marks it sent may send it twice: the steps of that one transaction (BEGIN, UPDATE outbox, SELECT its owner, INSERT event,
  // INSERT the copy into the conversation, COMMIT), in a row.
  expect(duplicatesAt.map((step) => step.split(' ')[1])).toEqual(['begin', 'sql', 'sql', 'sql', 'sql', 'sql']);
  const [first, last] = [duplicatesAt[0], duplicatesAt.at(-1)!].map((step) => Number(step.split(' ')[0]));
  expect(last - first).toBe(5);
});
