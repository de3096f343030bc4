import { analyseMessage } from '../../src/intake/analyse-message';
import { fixtureNames, fixturePolicy, fixtureToday, loadFixture } from '../support/fixtures';

const names = fixtureNames();
const A_YEAR_LATER = '2027-11-27';

it('has at least 50 fixtures imitating real clients and machines', () => {
  expect(names.length).toBeGreaterThanOrEqual(50);
});

describe.each(names)('%s', (name) => {
  const { raw, expected } = loadFixture(name);
  let actual: Awaited<ReturnType<typeof analyseMessage>>['result'];

  beforeAll(async () => {
    actual = (await analyseMessage(raw, fixturePolicy, fixtureToday)).result;
  });

  it.each(Object.keys(expected) as (keyof typeof expected)[])('gives the expected %s', (field) => {
    expect(actual[field]).toEqual(expected[field]);
  });

  // A mail is what it is whenever it is read: `parse` run, or a queue drained, a year late reads the
  // dates against the day the mail was written, not the day it runs.
  it('reads the same fields a year later', async () => {
    expect((await analyseMessage(raw, fixturePolicy, A_YEAR_LATER)).result.fields).toEqual(expected.fields);
  });
});

