import { analyseMessage } from '../../src/intake/analyse-message';
import { fixtureNames, fixturePolicy, fixtureToday, loadFixture } from '../support/fixtures';

const names = fixtureNames();

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
});
