/**
 * Dates and times as a customer reads them: in the desk's time zone, named the way people name it
 * in their language ("北京时间", "China Standard Time"), never as a bare offset when a zone is set.
 */

const LOCALE = { zh: 'zh-CN', en: 'en-GB' } as const;

/** What people call a zone in Chinese, where it differs from the standard long name. */
const COMMON_ZH_NAMES: Record<string, string> = { 'Asia/Shanghai': '北京时间', 'Asia/Chongqing': '北京时间', 'Asia/Harbin': '北京时间', PRC: '北京时间' };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone and style for the life of the process: building one costs more than using it. */
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let found = formatters.get(key);
  if (!found) formatters.set(key, (found = make()));
  return found;
}

export function zoneName(timeZone: string, language: 'zh' | 'en'): string {
  if (language === 'zh' && COMMON_ZH_NAMES[timeZone]) return COMMON_ZH_NAMES[timeZone];
  const parts = formatter(`name:${timeZone}:${language}`, () => new Intl.DateTimeFormat(LOCALE[language === 'zh' ? 'zh' : 'en'], { timeZone, timeZoneName: 'long' })).formatToParts(new Date(0));
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** `{date}`, `{time}`, `{zone}`, `{zoneName}` and `{offset}` of an instant, as seen in `timeZone`. */
export function zonedParts(iso: string, timeZone: string, language: 'zh' | 'en'): Record<'date' | 'time' | 'zone' | 'zoneName' | 'offset', string> {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an ISO 8601 date-time: ${iso}`);
  const parts = formatter(
    `parts:${timeZone}`,
    () => new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' }),
  ).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  // 'GMT+08:00', or plain 'GMT' for a zero offset.
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}`, zone: timeZone, zoneName: zoneName(timeZone, language), offset };
}

/** A calendar day ('YYYY-MM-DD') written out with its weekday: "Thursday 3 December 2026", "2026年12月3日星期四". */
export function formatDay(day: string, language: 'zh' | 'en'): string {
  return formatter(`day:${language}`, () => new Intl.DateTimeFormat(LOCALE[language], { dateStyle: 'full', timeZone: 'UTC' })).format(new Date(`${day}T00:00:00Z`));
}
