import Database from 'better-sqlite3';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runCli } from '../support/cli';
import { startDaemon, until, type RunningDaemon } from '../support/daemon';
import { smallPng } from '../support/document-samples';
import { requestMail } from '../support/request-mail';

jest.setTimeout(120_000);

const NOBODY = 65534;

/** A DATA_DIR set up by one `poll`, as a daemon would find it. */
async function dataDirAfterPoll(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-faults-'));
  const setUp = await runCli(['poll'], { env: { DATA_DIR: dataDir } });
  expect(setUp.code).toBe(0);
  mkdirSync(join(dataDir, 'inbox'), { recursive: true });
  return dataDir;
}

/**
 * File permissions bind only an unprivileged user: under root the daemon runs as nobody, owning its
 * DATA_DIR, so that a file it may not write is one it really cannot write.
 */
function asUnprivileged(dataDir: string): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  for (const path of [dataDir, ...readdirSync(dataDir, { recursive: true }).map((name) => join(dataDir, String(name)))]) chownSync(path, NOBODY, NOBODY);
  return { uid: NOBODY, gid: NOBODY };
}

const texts = (daemon: RunningDaemon) => daemon.lines.filter((line) => 'text' in line).map((line) => line.text);

it('stops at start with exit code 1 and one line when the database cannot be written', async () => {
  const dataDir = await dataDirAfterPoll();
  const as = asUnprivileged(dataDir);
  chmodSync(join(dataDir, 'cancel-desk.db'), 0o444);

  const daemon = startDaemon(dataDir, {}, as);

  expect(await daemon.exited).toBe(1);
  expect(texts(daemon)).toEqual([expect.stringMatching(/^cancel-desk: stopped: the database cannot be written: its file, folder or disk is read-only \(SQLITE_READONLY/)]);
  expect(daemon.lines.some((line) => line.event === 'daemon_started')).toBe(false);
});

it('stops at start with exit code 1 and one line when the database file is damaged', async () => {
  const dataDir = await dataDirAfterPoll();
  writeFileSync(join(dataDir, 'cancel-desk.db'), Buffer.alloc(8192, 0x41));

  const daemon = startDaemon(dataDir);

  expect(await daemon.exited).toBe(1);
  expect(texts(daemon)).toEqual([expect.stringMatching(/^cancel-desk: stopped: the database file is damaged or not a database: restore it from a backup \(SQLITE_NOTADB/)]);
});

it('stops at start with exit code 1 and one line when the vault key cannot be read', async () => {
  const dataDir = await dataDirAfterPoll();
  const as = asUnprivileged(dataDir);
  chmodSync(join(dataDir, 'vault.key'), 0o000);

  const daemon = startDaemon(dataDir, {}, as);

  expect(await daemon.exited).toBe(1);
  expect(texts(daemon)).toEqual([expect.stringMatching(/^cancel-desk: stopped: a file or folder under DATA_DIR is closed to this user .*vault\.key/)]);
});

it('stops a running daemon with exit code 1 and one daemon_fatal line when a mail cannot be stored, instead of serving on', async () => {
  const dataDir = await dataDirAfterPoll();
  mkdirSync(join(dataDir, 'vault'), { recursive: true });
  const as = asUnprivileged(dataDir);
  const daemon = startDaemon(dataDir, {}, as);
  await until(() => daemon.lines.some((line) => line.event === 'intake_finished'), 20_000);

  chmodSync(join(dataDir, 'vault'), 0o555);
  writeFileSync(join(dataDir, 'inbox', 'request.eml'), requestMail({ from: 'customer@example.net', messageId: 'request@example.net', idPhoto: smallPng() }));

  expect(await daemon.exited).toBe(1);
  const fatal = daemon.lines.filter((line) => line.event === 'daemon_fatal');
  expect(fatal).toEqual([expect.objectContaining({ level: 'error', job: 'intake', reason: 'permission_denied' })]);
  expect(daemon.lines.at(-1)).toMatchObject({ event: 'daemon_stopped' });
});

it('retries intake while another process keeps the database busy, logging why, and goes on once it is free', async () => {
  const dataDir = await dataDirAfterPoll();
  const daemon = startDaemon(dataDir);
  await until(() => daemon.lines.some((line) => line.event === 'intake_finished'), 20_000);
  const blocker = new Database(join(dataDir, 'cancel-desk.db'));
  blocker.exec('BEGIN IMMEDIATE');
  writeFileSync(join(dataDir, 'inbox', 'request.eml'), requestMail({ from: 'customer@example.net', messageId: 'request@example.net' }));

  await until(() => daemon.lines.some((line) => line.event === 'intake_failed'), 30_000);
  blocker.exec('ROLLBACK');
  blocker.close();
  await until(() => daemon.lines.some((line) => line.event === 'message_handled'), 30_000);
  daemon.kill('SIGTERM');

  expect(await daemon.exited).toBe(0);
  expect(daemon.lines.find((line) => line.event === 'intake_failed')).toMatchObject({ level: 'warn', reason: 'database_busy', retry: 'next run' });
});

/**
 * A disk that turns read-only under a running daemon, produced for real: DATA_DIR on a small ext4
 * image mounted with `errors=remount-ro`, then an ext4 error triggered through sysfs, after which the
 * kernel refuses every write (EROFS) as it does when a disk fails. Loop mounts need root, which the
 * suite has where it installs its system packages; without it this test says so and fails.
 */
it('stops a running daemon with exit code 1 and one daemon_fatal line when its disk turns read-only', async () => {
  const disk = mountScratchDisk();
  try {
    const dataDir = join(disk.mountPoint, 'data');
    const setUp = await runCli(['poll'], { env: { DATA_DIR: dataDir } });
    expect(setUp.code).toBe(0);
    const daemon = startDaemon(dataDir);
    await until(() => daemon.lines.some((line) => line.event === 'intake_finished'), 20_000);

    disk.failIntoReadOnly();

    expect(await daemon.exited).toBe(1);
    const fatal = daemon.lines.filter((line) => line.event === 'daemon_fatal');
    expect(fatal).toEqual([expect.objectContaining({ level: 'error', job: 'intake', reason: 'disk_io_error', error: expect.stringMatching(/^the disk failed to read or write the database \(SQLITE_IOERR/) })]);
    expect(daemon.lines.at(-1)).toMatchObject({ event: 'daemon_stopped' });
  } finally {
    disk.remove();
  }
}, 180_000);

function mountScratchDisk(): { mountPoint: string; failIntoReadOnly(): void; remove(): void } {
  if (process.getuid?.() !== 0) throw new Error('this test mounts a disk image: run the suite as root (as `npm test` does where it installs its packages)');
  const folder = mkdtempSync(join(tmpdir(), 'cancel-desk-disk-'));
  const image = join(folder, 'disk.img');
  const mountPoint = join(folder, 'mnt');
  mkdirSync(mountPoint);
  run('truncate', ['-s', '64M', image]);
  run('mkfs.ext4', ['-q', '-F', image]);
  run('mount', ['-o', 'loop,errors=remount-ro', image, mountPoint]);
  const device = run('findmnt', ['-n', '-o', 'SOURCE', mountPoint]).trim();
  return {
    mountPoint,
    failIntoReadOnly: () => writeFileSync(`/sys/fs/ext4/${basename(device)}/trigger_fs_error`, 'cancel-desk test: disk failed\n'),
    remove() {
      spawnSync('umount', [mountPoint]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  return result.stdout;
}
