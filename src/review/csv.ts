/** RFC 4180 CSV, both ways: what spreadsheets and account systems write, and what they read safely. */

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

/**
 * Records with the line each starts on. Quoted fields may hold commas, doubled quotes and line
 * breaks; a UTF-8 byte order mark (Excel writes one) is dropped; blank lines are skipped. A malformed
 * record becomes an error and parsing goes on at the next line.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let at = 0;
  let line = 1;
  const endOfRecord = () => at >= input.length || input[at] === '\n' || input[at] === '\r';

  while (at < input.length) {
    const start = line;
    const fields: string[] = [];
    let error: string | null = null;
    for (;;) {
      let field = '';
      if (input[at] === '"') {
        at++;
        for (;;) {
          if (at >= input.length) {
            error = 'a quoted field is never closed';
            break;
          }
          if (input[at] === '"') {
            if (input[at + 1] !== '"') break;
            at++;
          } else if (input[at] === '\n') {
            line++;
          }
          field += input[at++];
        }
        at++;
        if (!error && !endOfRecord() && input[at] !== ',') error = 'text after a closing quote';
      } else {
        while (!endOfRecord() && input[at] !== ',') {
          if (input[at] === '"') error ??= 'a quote inside a field that does not start with one';
          field += input[at++];
        }
      }
      fields.push(field);
      if (error) while (!endOfRecord()) at++;
      if (input[at] !== ',') break;
      at++;
    }
    if (input[at] === '\r' && input[at + 1] === '\n') at++;
    if (at < input.length) {
      at++;
      line++;
    }
    if (error) records.push({ line: start, error });
    else if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
  }
  return records;
}

/**
 * One CSV line (no line break). A cell starting with = + - @ (or a tab or carriage return) gets a
 * leading apostrophe, so that a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvLine(cells: (string | null)[]): string {
  return cells
    .map((cell) => {
      const text = cell === null ? '' : /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}
