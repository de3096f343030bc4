import { csvLine } from '../../src/review/csv';

it('quotes a cell holding a comma, a quote or a line break, doubling its quotes', () => {
  expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines'])).toBe('plain,"a,b","say ""hi""","two\nlines"');
});

it.each(['=HYPERLINK("http://evil.example")', '+8613800138000', '-2+3', '@SUM(A1:A2)', '\tpadded'])('makes %j read as text in a spreadsheet', (cell) => {
  expect(csvLine([cell])).toMatch(/^"?'/);
});

it('leaves other cells alone and writes null as an empty cell', () => {
  expect(csvLine(['CR-ABCDEFGH23', 'a=b', null, '1+1'])).toBe("CR-ABCDEFGH23,a=b,,1+1");
});
