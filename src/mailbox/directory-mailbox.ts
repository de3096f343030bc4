import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Destination, Mailbox, MailboxSession, PendingMessage } from './mailbox';

const MAIL_EXTENSION = '.eml';

/**
 * A folder of `.eml` files, for a mail system that drops messages into a directory and for local
 * runs. Writers should create a file under a name starting with '.' or ending in '.tmp' and rename
 * it when complete, so a half-written mail is never listed.
 *
 * A processed mail is not kept: its outcome is committed by then (text and fields in the database,
 * ID documents sealed in the vault), so processed/ gets a stub naming it by size and SHA-256 and the
 * mail itself is deleted. Quarantined mail is kept whole for staff to look at, readable by this user only.
 */
export function createDirectoryMailbox(inboxDir: string): Mailbox {
  // The calls below are the synchronous ones on purpose: each is a small file on a local disk, and
  // here an asynchronous call costs about fifteen times the CPU of its twin (the hand-off to libuv's
  // thread pool and back), several times per mail.
  const inbox = path.resolve(inboxDir);
  const folders: Record<Destination, string> = {
    processed: path.join(inbox, 'processed'),
    quarantine: path.join(inbox, 'quarantine'),
  };

  /** The stub of each mail read and not yet settled: settling it need not read the mail again. File names are never reused for other mail. */
  const stubs = new Map<string, string>();

  const session: MailboxSession = {
    // File names never get reused for other mail behind our back.
    generation: 'files',
    async pending() {
      const entries = fs.readdirSync(inbox, { withFileTypes: true });
      const listed: Array<PendingMessage & { mtimeMs: number }> = [];
      for (const entry of entries) {
        if (!entry.isFile() || !isCompleteMail(entry.name)) continue;
        let stat;
        try {
          stat = fs.statSync(path.join(inbox, entry.name));
        } catch (error) {
          if (isMissing(error)) continue; // settled or removed since readdir
          throw error;
        }
        listed.push({ key: entry.name, size: stat.size, mtimeMs: stat.mtimeMs });
      }
      listed.sort((a, b) => a.mtimeMs - b.mtimeMs || compareNames(a.key, b.key));
      return listed.map(({ key, size }) => ({ key, size }));
    },

    async read(message) {
      const raw = fs.readFileSync(path.join(inbox, fileNameOf(message)));
      stubs.set(message.key, stubOf(fileNameOf(message), raw));
      return raw;
    },

    async settle(message, destination) {
      const fileName = fileNameOf(message);
      const source = path.join(inbox, fileName);
      const target = firstFreeName(folders[destination], fileName);
      const stub = stubs.get(message.key);
      stubs.delete(message.key);
      try {
        if (destination === 'processed') {
          fs.writeFileSync(target, stub ?? stubOf(fileName, fs.readFileSync(source)), { flag: 'wx', mode: 0o600 });
          try {
            fs.unlinkSync(source);
          } catch (error) {
            // Gone meanwhile (settled elsewhere): its stub is not ours to leave.
            if (isMissing(error)) fs.rmSync(target, { force: true });
            throw error;
          }
        } else {
          fs.renameSync(source, target);
          fs.chmodSync(target, 0o600);
        }
      } catch (error) {
        if (isMissing(error)) throw new Error(`message ${fileName} is no longer in ${inbox}`, { cause: error });
        throw error;
      }
    },

    async close() {
      // Nothing is held open between calls.
    },
  };

  return {
    description: `directory:${inbox}`,
    async open() {
      fs.mkdirSync(folders.processed, { recursive: true, mode: 0o700 });
      fs.mkdirSync(folders.quarantine, { recursive: true, mode: 0o700 });
      return session;
    },
  };
}

/** What processed/ keeps of a mail: enough to match it against a copy elsewhere, nothing of its content. */
function stubOf(fileName: string, raw: Buffer): string {
  return [
    'This mail was processed by cancel-desk and is not kept here: its text is in the queue database,',
    'its ID documents are sealed in the vault.',
    `file: ${fileName}`,
    `bytes: ${raw.length}`,
    `sha256: ${createHash('sha256').update(raw).digest('hex')}`,
    '',
  ].join('\n');
}

function isCompleteMail(fileName: string): boolean {
  return (
    !fileName.startsWith('.') &&
    !fileName.toLowerCase().endsWith('.tmp') &&
    fileName.toLowerCase().endsWith(MAIL_EXTENSION)
  );
}

/** Keys come back from the caller: refuse anything that could point outside the inbox. */
function fileNameOf(message: PendingMessage): string {
  const { key } = message;
  if (key !== path.basename(key) || key.includes('\\') || !isCompleteMail(key)) {
    throw new Error(`"${key}" is not a mail file name in this inbox`);
  }
  return key;
}

/**
 * rename() replaces an existing target without a word, so pick a name nobody uses yet. Only this
 * service writes into processed/ and quarantine/, so the gap between the check and the rename
 * cannot be raced by another writer.
 */
function firstFreeName(folder: string, fileName: string): string {
  const extension = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  for (let attempt = 0; ; attempt++) {
    const candidate = path.join(folder, attempt === 0 ? fileName : `${stem}-${attempt}${extension}`);
    try {
      fs.lstatSync(candidate);
    } catch (error) {
      if (isMissing(error)) return candidate;
      throw error;
    }
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
