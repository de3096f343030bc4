import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/log';
import { createImapMailbox, UnsafeMailboxError } from '../../src/mailbox/imap-mailbox';
import { CAPABILITIES_WITHOUT_MOVE_AND_UIDPLUS, type DovecotServer, imapSettingsFor, startDovecot } from '../support/dovecot';

/** Servers without MOVE: imapflow then copies, flags \Deleted and expunges. */
let withoutEither: DovecotServer;
let uidplusOnly: DovecotServer;

beforeAll(async () => {
  [withoutEither, uidplusOnly] = await Promise.all([
    startDovecot({ capabilities: CAPABILITIES_WITHOUT_MOVE_AND_UIDPLUS }),
    startDovecot({ capabilities: [...CAPABILITIES_WITHOUT_MOVE_AND_UIDPLUS, 'UIDPLUS'] }),
  ]);
});

afterAll(async () => {
  await Promise.all([withoutEither?.stop(), uidplusOnly?.stop()]);
});

const quietLog = createLogger(() => undefined, systemClock);

const mail = (subject: string) => ['From: Customer <customer@example.org>', 'To: support@example.test', `Subject: ${subject}`, '', 'Please close my account.', ''].join('\r\n');

/** Subjects in a folder, as another client sees them. */
async function subjectsIn(dovecot: DovecotServer, folder: string): Promise<string[]> {
  return dovecot.withClient(async (client) => {
    if (!(await client.list()).some((entry) => entry.path === folder)) return [];
    await client.mailboxOpen(folder, { readOnly: true });
    const rows = await client.fetchAll('1:*', { envelope: true });
    return rows.map((row) => row.envelope?.subject ?? '');
  });
}

test('the test servers really advertise no MOVE, and UIDPLUS only where asked', async () => {
  const advertised = (dovecot: DovecotServer) => dovecot.withClient(async (client) => ['MOVE', 'UIDPLUS'].filter((name) => client.capabilities.has(name)));
  expect(await advertised(withoutEither)).toEqual([]);
  expect(await advertised(uidplusOnly)).toEqual(['UIDPLUS']);
});

test('refuses a server with neither MOVE nor UIDPLUS at session open, naming both', async () => {
  const opening = createImapMailbox(imapSettingsFor(withoutEither), quietLog).open();
  await expect(opening).rejects.toThrow(UnsafeMailboxError);
  await expect(opening).rejects.toMatchObject({ code: 'UnsafeMailbox', missingCapabilities: ['MOVE', 'UIDPLUS'], message: expect.stringMatching(/lacks MOVE and UIDPLUS/) });
});

test('a refused server keeps every message, a member of staff\'s deleted-flagged one included', async () => {
  await withoutEither.append(mail('ours'));
  await withoutEither.append(mail('flagged for deletion by staff'), 'INBOX', ['\\Deleted']);

  await expect(createImapMailbox(imapSettingsFor(withoutEither), quietLog).open()).rejects.toThrow(UnsafeMailboxError);

  expect(await subjectsIn(withoutEither, 'INBOX')).toEqual(['ours', 'flagged for deletion by staff']);
  expect(await subjectsIn(withoutEither, 'Processed')).toEqual([]);
});

test('with UIDPLUS but no MOVE, settling expunges only our message', async () => {
  await uidplusOnly.append(mail('flagged for deletion by staff'), 'INBOX', ['\\Deleted']);
  await uidplusOnly.append(mail('ours'));

  const session = await createImapMailbox(imapSettingsFor(uidplusOnly), quietLog).open();
  try {
    const pending = await session.pending();
    expect(pending).toHaveLength(2);
    await session.settle(pending[1], 'processed');
  } finally {
    await session.close();
  }

  expect(await subjectsIn(uidplusOnly, 'INBOX')).toEqual(['flagged for deletion by staff']);
  expect(await subjectsIn(uidplusOnly, 'Processed')).toEqual(['ours']);
});
