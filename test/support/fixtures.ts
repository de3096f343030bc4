import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLimits, type IntakePolicy } from '../../src/intake/intake-policy';
import type { IntakeResult } from '../../src/intake/intake-result';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'intake');

/** The configuration every fixture's expectation was written for (see test/fixtures/README.md). */
export const fixturePolicy: IntakePolicy = {
  limits: defaultLimits,
  trustedAuthservId: 'mx.example.test',
  ownAddresses: ['support@example.test'],
  messageIdDomain: 'example.test',
};

export const fixtureToday = '2026-11-27';

export interface Fixture {
  name: string;
  raw: Buffer;
  expected: IntakeResult;
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.eml'))
    .map((file) => file.slice(0, -'.eml'.length))
    .sort();
}

export function loadFixture(name: string): Fixture {
  return {
    name,
    raw: readFileSync(join(FIXTURES, `${name}.eml`)),
    expected: JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as IntakeResult,
  };
}
