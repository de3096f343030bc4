import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dueDay, HolidayCalendarError, isWorkingDay, loadHolidayCalendar, type HolidayCalendar } from '../../src/review/working-days';

const SHIPPED = loadHolidayCalendar(join(__dirname, '..', '..', 'templates', 'holidays.json'));
const PLAIN: HolidayCalendar = { weekend: [0, 6], holidays: new Set(), workingWeekendDays: new Set() };

function calendarFile(json: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cancel-desk-holidays-')), 'holidays.json');
  writeFileSync(file, json);
  return file;
}

it('counts working days from the day after the request came in', () => {
  expect(dueDay('2026-11-30', 3, PLAIN)).toBe('2026-12-03'); // Monday → Thursday
});

it('skips the weekend', () => {
  expect(dueDay('2026-12-03', 3, PLAIN)).toBe('2026-12-08'); // Thursday → Tuesday
  expect(dueDay('2026-12-05', 1, PLAIN)).toBe('2026-12-07'); // Saturday → Monday
});

it('skips public holidays and counts the weekend days a holiday moved work to (调休)', () => {
  // National Day 2026: 1–7 October off, Saturday 10 October worked.
  expect(dueDay('2026-09-30', 3, SHIPPED)).toBe('2026-10-10');
  expect(isWorkingDay('2026-10-10', SHIPPED)).toBe(true);
  expect(isWorkingDay('2026-10-05', SHIPPED)).toBe(false);
  // Spring Festival 2026: 15–23 February off, Saturday 14 February worked.
  expect(dueDay('2026-02-12', 3, SHIPPED)).toBe('2026-02-24'); // Friday 13, Saturday 14, then Tuesday 24
});

it('ships mainland China holidays for this year and the next', () => {
  expect([...SHIPPED.holidays].some((day) => day.startsWith('2026-'))).toBe(true);
  expect([...SHIPPED.holidays].some((day) => day.startsWith('2027-'))).toBe(true);
});

it('takes another weekend from the file', () => {
  const fridaySaturday = loadHolidayCalendar(calendarFile('{"weekend": ["friday", "saturday"]}'));
  expect(dueDay('2026-12-03', 1, fridaySaturday)).toBe('2026-12-06'); // Thursday → Sunday
});

it('refuses a broken calendar, naming the file and the problem', () => {
  const bad = calendarFile('{"holidays": ["2026-02-30"]}');
  expect(() => loadHolidayCalendar(bad)).toThrow(HolidayCalendarError);
  expect(() => loadHolidayCalendar(bad)).toThrow(/holidays\.json: holidays\.0: must be a day/);
  expect(() => loadHolidayCalendar(calendarFile('{'))).toThrow(/holidays\.json: /);
});
