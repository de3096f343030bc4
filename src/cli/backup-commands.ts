import type { Config } from '../config';
import { parseCommandLine, refuse, UsageError, withApp } from './command-line';

/** `cancel-desk backup DIR [--include-key]`: safe while the daemon runs. */
export async function backupCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { 'include-key': { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('backup <new folder> [--include-key]');
  const includeKey = values['include-key'] === true;
  return withApp(config, async (app) => {
    const outcome = await app.backup(positionals[0], { includeKey });
    if (!outcome.ok) return refuse(outcome.message);
    const { manifest } = outcome;
    process.stdout.write(
      `backed up the database and ${manifest.vaultFiles.length} vault files to ${positionals[0]}; vault key fingerprint ${manifest.keyFingerprint}\n` +
        (includeKey
          ? 'the vault key IS in this backup (vault.key): keep the backup as secret as the key itself\n'
          : 'the vault key is NOT in this backup: keep it elsewhere (vault.key or VAULT_KEY); without it nothing in the backup can be read\n'),
    );
    return 0;
  });
}

/** `cancel-desk restore DIR`: into an empty DATA_DIR only. */
export async function restoreCommand(args: string[], config: Config): Promise<number> {
  const { positionals } = parseCommandLine({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('restore <backup folder>');
  // Imported here: every other command (`parse` first) starts without the composition root.
  const { restoreBackup } = await import('../app');
  const outcome = await restoreBackup(config, positionals[0]);
  if (!outcome.ok) return refuse(outcome.message);
  process.stdout.write(`restored the database and ${outcome.manifest.vaultFiles.length} vault files into ${config.dataDir}; vault key fingerprint ${outcome.manifest.keyFingerprint}\n`);
  return 0;
}
