import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** The settings the process starts with: its environment laid over the `.env` file, when there is one. */
export interface SettingsSource {
  values: Record<string, string>;
  /** The file read, or null when there was none. */
  file: string | null;
  /** The names whose value came from the file (the environment did not set them). */
  fromFile: ReadonlySet<string>;
}

export type SettingsRead = { ok: true; source: SettingsSource } | { ok: false; problem: string };

/**
 * Reads `ENV_FILE` (default `.env` in the working directory) with Node's own parser. The process
 * environment wins over the file, so a service manager or container can override any line of it.
 * A missing default `.env` is normal; a missing file that ENV_FILE names is a mistake.
 */
export function readSettings(environment: NodeJS.ProcessEnv, workingDirectory: string): SettingsRead {
  const named = environment.ENV_FILE !== undefined && environment.ENV_FILE !== '';
  const file = resolve(workingDirectory, named ? environment.ENV_FILE! : '.env');
  const fromEnvironment = Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return { ok: true, source: { values: fromEnvironment, file: null, fromFile: new Set() } };
    return { ok: false, problem: `ENV_FILE: cannot read ${file}: ${code ?? (error as Error).message}` };
  }
  const fileValues = parseEnv(text) as Record<string, string>;
  const fromFile = new Set(Object.keys(fileValues).filter((name) => !(name in fromEnvironment)));
  return { ok: true, source: { values: { ...fileValues, ...fromEnvironment }, file, fromFile } };
}
