import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isCalendarDay } from '../clock';

/**
 * Which days the back office works: weekdays, minus public holidays, plus the weekend days a
 * holiday calendar moves work to (mainland China's 调休). Edited by the operator as JSON.
 */
export interface HolidayCalendar {
  /** Days of the week off, 0 = Sunday … 6 = Saturday. */
  weekend: number[];
  holidays: Set<string>;
  /** Weekend days that are working days. */
  workingWeekendDays: Set<string>;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const day = z.string().refine(isCalendarDay, 'must be a day, YYYY-MM-DD');
const calendarSchema = z.object({
  about: z.string().optional(),
  weekend: z.array(z.enum(WEEKDAYS)).default(['saturday', 'sunday']),
  holidays: z.array(day).default([]),
  workingWeekendDays: z.array(day).default([]),
});

export class HolidayCalendarError extends Error {}

/** Reads and checks the operator's calendar once, at start; a broken file names itself and what is wrong. */
export function loadHolidayCalendar(file: string): HolidayCalendar {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HolidayCalendarError(`${file}: ${(error as Error).message}`);
  }
  const parsed = calendarSchema.safeParse(json);
  if (!parsed.success) throw new HolidayCalendarError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return {
    weekend: parsed.data.weekend.map((name) => WEEKDAYS.indexOf(name)),
    holidays: new Set(parsed.data.holidays),
    workingWeekendDays: new Set(parsed.data.workingWeekendDays),
  };
}

export function isWorkingDay(dayIso: string, calendar: HolidayCalendar): boolean {
  if (calendar.holidays.has(dayIso)) return false;
  if (calendar.workingWeekendDays.has(dayIso)) return true;
  return !calendar.weekend.includes(new Date(`${dayIso}T00:00:00Z`).getUTCDay());
}

/**
 * The last day of the reply promise: the `workingDays`-th working day after the day a request came
 * in (that day itself does not count, whatever the hour). `receivedDay` is a calendar day in the
 * desk's time zone.
 */
export function dueDay(receivedDay: string, workingDays: number, calendar: HolidayCalendar): string {
  let cursor = new Date(`${receivedDay}T00:00:00Z`);
  for (let counted = 0; counted < workingDays; ) {
    cursor = new Date(cursor.getTime() + 86_400_000);
    if (isWorkingDay(cursor.toISOString().slice(0, 10), calendar)) counted++;
  }
  return cursor.toISOString().slice(0, 10);
}
