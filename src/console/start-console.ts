import { chmod, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { App } from '../app';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { buildConsole } from './build-console';

export interface RunningConsole {
  /** Where it listens, e.g. http://127.0.0.1:8080 (the real port when WEB_PORT=0). */
  url: string;
  close(): Promise<void>;
}

const SESSION_SWEEP_MS = 60 * 60 * 1000;

/**
 * Starts the web console on WEB_HOST:WEB_PORT. On the very first start (no staff at all) an `admin`
 * account is created and its one-time password written, once, to a file only this user can read
 * (never to the log, which is kept and shipped elsewhere); the log names the file.
 */
export async function startConsole(app: App, clock: Clock, log: Logger): Promise<RunningConsole> {
  const { web } = app.config;
  const firstPassword = await app.staff.ensureFirstAdmin();
  if (firstPassword !== null) {
    const passwordFile = join(app.config.dataDir, 'first-admin-password');
    await writeFile(passwordFile, `${firstPassword}\n`, { mode: 0o600 });
    await chmod(passwordFile, 0o600);
    log.warn('first_admin_created', {
      name: 'admin',
      passwordFile,
      signIn: `http://${web.host.includes(':') ? `[${web.host}]` : web.host}:${web.port}/login`,
      advice: 'the one-time password is in passwordFile: sign in as admin, change it on the Password page, delete the file, and add each staff member on the Staff page (or cancel-desk staff add NAME [--admin])',
    });
  }
  const server = buildConsole({
    review: app.review,
    triage: app.triage,
    staff: app.staff,
    sessions: app.sessions,
    signInAttempts: app.signInAttempts,
    clock,
    log,
    templatesDir: join(app.config.templatesDir, 'web'),
    timeZone: app.config.timeZone,
    secureCookie: web.secureCookie,
    sessionMs: web.sessionMs,
    trustedProxies: web.trustedProxies,
    publicOrigin: web.publicOrigin,
    health: () => app.health(),
    metrics: () => app.metrics(),
  });
  await server.listen({ host: web.host, port: web.port });
  // The address actually bound, not a guess: Fastify's own answer for 0.0.0.0 is one loopback URL.
  const bound = server.server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  const sweepNow = () => {
    app.sessions.removeExpired();
    app.signInAttempts.removeForgotten();
  };
  sweepNow();
  const sweep = setInterval(sweepNow, SESSION_SWEEP_MS);
  sweep.unref();
  log.info('console_listening', { url, host: bound.address, port: bound.port, secureCookie: web.secureCookie, trustedProxies: web.trustedProxies });
  return {
    url,
    async close() {
      clearInterval(sweep);
      await server.close();
      log.info('console_stopped', {});
    },
  };
}

/** `cancel-desk serve`: the console alone, until SIGTERM or SIGINT. */
export async function serveConsole(app: App, clock: Clock, log: Logger): Promise<void> {
  // Listening before the signal handlers are in place would let an early SIGTERM kill it uncleanly.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  process.once('SIGTERM', () => stop());
  process.once('SIGINT', () => stop());
  const running = await startConsole(app, clock, log);
  await stopped;
  await running.close();
}
