import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOverrides } from '../../src/app';
import { loadConfig } from '../../src/config';
import { inThreadRenderer } from '../../src/documents/receipt-renderer';
import { createLogger } from '../../src/log';
import { FakeClock } from './fake-clock';
import { FIXTURES } from './fixtures';

/** Hashes stay real scrypt, at a cost that keeps fixture set-up fast; production cost is tested by its own hash record. */
export const CHEAP_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

export interface Harness {
  app: App;
  dataDir: string;
  clock: FakeClock;
  logs: Record<string, unknown>[];
  /** Drops a fixture into the embedded inbox, as an operator or a mail delivery agent would. */
  deliver(fixture: string, as?: string): void;
  deliverRaw(name: string, raw: Buffer | string): void;
  files(folder: string): string[];
}

export async function startApp(env: Record<string, string> = {}, overrides: AppOverrides = {}, dataDir = mkdtempSync(join(tmpdir(), 'cancel-desk-'))): Promise<Harness> {
  const clock = new FakeClock();
  const logs: Record<string, unknown>[] = [];
  const config = loadConfig({ DATA_DIR: dataDir, TIME_ZONE: 'Asia/Shanghai', MAIL_FROM: 'Support <support@example.test>', TRUSTED_AUTHSERV_ID: 'mx.example.test', ...env });
  const log = createLogger((line) => logs.push(JSON.parse(line) as Record<string, unknown>), clock);
  const app = await createApp(config, clock, log, { receipts: inThreadRenderer(), passwordCost: CHEAP_PASSWORD_COST, ...overrides });
  return {
    app,
    dataDir,
    clock,
    logs,
    deliver(fixture, as = `${fixture}.eml`) {
      mkdirSync(join(dataDir, 'inbox'), { recursive: true });
      copyFileSync(join(FIXTURES, `${fixture}.eml`), join(dataDir, 'inbox', as));
    },
    deliverRaw(name, raw) {
      mkdirSync(join(dataDir, 'inbox'), { recursive: true });
      writeFileSync(join(dataDir, 'inbox', name), raw);
    },
    files(folder) {
      try {
        return readdirSync(join(dataDir, folder), { withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => entry.name)
          .sort();
      } catch {
        return [];
      }
    },
  };
}
