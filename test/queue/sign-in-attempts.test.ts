import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/queue/database';
import { SignInAttempts, waitAfter } from '../../src/queue/sign-in-attempts';
import { FakeClock } from '../support/fake-clock';

it('counts attempts from two processes on one database together, before any password is checked', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'cancel-desk-signin-')), 'cancel-desk.db');
  const clock = new FakeClock();
  const policy = loadConfig({}).web.signIn;
  const [daemon, serve] = [openDatabase(path), openDatabase(path)];
  try {
    const attempts = [new SignInAttempts(daemon, clock, policy), new SignInAttempts(serve, clock, policy)];
    const allowed = Array.from({ length: 10 }, (_, index) => attempts[index % 2].reserve('alice', '198.51.100.1').allowed);
    expect(allowed).toEqual([true, true, true, true, true, false, false, false, false, false]);
  } finally {
    daemon.close();
    serve.close();
  }
});

it('waits nothing under the limit, then the first wait, doubling, up to a day', () => {
  const minute = 60_000;
  expect([4, 5, 6, 7, 8].map((failures) => waitAfter(failures, 5, 15 * minute) / minute)).toEqual([0, 15, 30, 60, 120]);
  expect(waitAfter(500, 5, 15 * minute)).toBe(24 * 60 * minute);
});
