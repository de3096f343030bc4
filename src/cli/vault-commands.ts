import { existsSync } from 'node:fs';
import { systemClock } from '../clock';
import type { Config } from '../config';
import { createLogger } from '../log';
import { keyRefusal, parseCommandLine, readStream, refuse, UsageError, type Command } from './command-line';

/** `cancel-desk vault …`: the key the ID documents are sealed under. */
export const vaultCommands: Record<string, Command> = {
  'rotate-key': rotateKeyCommand,
};

async function rotateKeyCommand(args: string[], config: Config): Promise<number> {
  const { values } = parseCommandLine({ args, options: { 'new-key-stdin': { type: 'boolean' } } });
  if (config.vaultKey !== null && !values['new-key-stdin']) {
    throw new UsageError('vault rotate-key: VAULT_KEY is set, so bring the new key: `openssl rand -base64 32 | cancel-desk vault rotate-key --new-key-stdin`');
  }
  if (config.vaultKey === null && values['new-key-stdin']) throw new UsageError('vault rotate-key: --new-key-stdin is for VAULT_KEY; without it a new key file is generated');
  // Imported here: every other command (`parse` first) starts without the composition root.
  const { databasePath, rotateKey } = await import('../app');
  if (!existsSync(databasePath(config))) return refuse(`no database at ${databasePath(config)}: nothing is sealed, so there is no key to rotate`);
  let newKey: Buffer | null = null;
  if (values['new-key-stdin']) {
    newKey = Buffer.from((await readStream(process.stdin)).toString('utf8').trim(), 'base64');
    if (newKey.length !== 32) return refuse('the new key must be 32 random bytes in base64 (openssl rand -base64 32); nothing was changed');
  }
  const log = createLogger((line) => process.stderr.write(line), systemClock);
  let rotated;
  try {
    rotated = await rotateKey(config, systemClock, log, newKey);
  } catch (error) {
    return keyRefusal(error);
  }
  process.stdout.write(
    `${rotated.resumed ? 'finished the unfinished rotation: ' : ''}${rotated.rewrapped} data keys wrapped again; the vault key is now ${rotated.to} (was ${rotated.from})\n` +
      (config.vaultKey !== null ? 'set VAULT_KEY to the new key now: the old one no longer opens anything\n' : 'back up the new vault.key now: the old one no longer opens anything\n'),
  );
  return 0;
}
