import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Destination, Mailbox, MailboxSession, PendingMessage } from './mailbox';

const MAIL_EXTENSION = '.eml';

/**
 * A folder of `.eml` files, for a mail system that drops messages into a directory and for local
 * runs. Writers should create a file under a name starting with '.' or ending in '.tmp' and rename
 * it when complete, so a half-written mail is never listed.
 */
export function createDirectoryMailbox(inboxDir: string): Mailbox {
  const inbox = path.resolve(inboxDir);
  const folders: Record<Destination, string> = {
    processed: path.join(inbox, 'processed'),
    quarantine: path.join(inbox, 'quarantine'),
  };

  const session: MailboxSession = {
    // File names never get reused for other mail behind our back.
    generation: 'files',
    async pending() {
      const entries = await fs.readdir(inbox, { withFileTypes: true });
      const listed: Array<PendingMessage & { mtimeMs: number }> = [];
      for (const entry of entries) {
        if (!entry.isFile() || !isCompleteMail(entry.name)) continue;
        let stat;
        try {
          stat = await fs.stat(path.join(inbox, entry.name));
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
      return fs.readFile(path.join(inbox, fileNameOf(message)));
    },

    async settle(message, destination) {
      const fileName = fileNameOf(message);
      const source = path.join(inbox, fileName);
      const target = await firstFreeName(folders[destination], fileName);
      try {
        await fs.rename(source, target);
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
      await fs.mkdir(folders.processed, { recursive: true });
      await fs.mkdir(folders.quarantine, { recursive: true });
      return session;
    },
  };
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
async function firstFreeName(folder: string, fileName: string): Promise<string> {
  const extension = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  for (let attempt = 0; ; attempt++) {
    const candidate = path.join(folder, attempt === 0 ? fileName : `${stem}-${attempt}${extension}`);
    try {
      await fs.lstat(candidate);
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
