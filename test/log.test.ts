import { ConfigError, loadConfig } from '../src/config';
import { createLogger, scrubText } from '../src/log';
import { FakeClock } from './support/fake-clock';

function capture(level?: Parameters<typeof createLogger>[2]) {
  const lines: string[] = [];
  const log = createLogger((line) => lines.push(line), new FakeClock('2026-11-27T09:00:00Z'), level);
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

it('writes one JSON line per event: level, time from the clock, event and the fields', () => {
  const { log, lines, parsed } = capture();
  log.info('mail_sent', { reference: 'CR-ABCDEFGH', attempts: 1 });
  expect(lines).toHaveLength(1);
  expect(lines[0].endsWith('\n')).toBe(true);
  expect(parsed()).toEqual([{ level: 'info', time: '2026-11-27T09:00:00.000Z', event: 'mail_sent', reference: 'CR-ABCDEFGH', attempts: 1 }]);
});

it('leaves out events below LOG_LEVEL', () => {
  const { log, parsed } = capture('warn');
  log.debug('a');
  log.info('b');
  log.warn('c');
  log.error('d');
  expect(parsed().map((line) => line.event)).toEqual(['c', 'd']);
});

it('logs debug events only when asked for', () => {
  const quiet = capture();
  quiet.log.debug('x');
  expect(quiet.lines).toEqual([]);
  const { log, parsed } = capture('debug');
  log.debug('imapflow', { msg: '* OK' });
  expect(parsed()).toEqual([expect.objectContaining({ level: 'debug', event: 'imapflow' })]);
});

it("censors cookies and authorization headers wherever a library's log object carries them", () => {
  const { log, lines } = capture();
  log.pinoFor('http').info({ req: { headers: { cookie: 'cd_session=SECRET1', authorization: 'Basic SECRET2', host: 'localhost' } } }, 'incoming request');
  expect(lines.join('')).not.toMatch(/SECRET/);
  expect(JSON.parse(lines[0])).toMatchObject({ component: 'http', req: { headers: { cookie: '[redacted]', authorization: '[redacted]', host: 'localhost' } } });
});

it('scrubs addresses and long base64 runs out of library text, keeping hex digests', () => {
  const digest = 'a'.repeat(64);
  const base64 = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=';
  expect(scrubText(`* 1 FETCH (FROM river.song42@example.com) ${base64} ${digest}`)).toBe(
    `* 1 FETCH (FROM ri***@example.com) [${base64.length} base64 characters left out] ${digest}`,
  );
});

it('refuses a LOG_LEVEL it does not know, trace included (imapflow logs message contents there)', () => {
  expect(() => loadConfig({ LOG_LEVEL: 'trace' })).toThrow(ConfigError);
  expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  expect(loadConfig({}).logLevel).toBe('info');
});
