import awsCron from 'aws-cron-parser';

/**
 * AWS's six-field cron (minutes hours day-of-month month day-of-week year; days of week 1-7 =
 * SUN-SAT; `?`, `L`, `W`, `#`), evaluated in UTC. aws-cron-parser reads the fields (ranges, steps,
 * names, bounds); it assumes an expression AWS already accepted, so the syntax is checked here
 * first, and occurrences are found here in UTC (the library's day-of-week helpers use local time).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How far ahead an occurrence is looked for: schedules are at most a year apart, leap days aside. */
const SEARCH_DAYS = 5 * 366;

/** Why an expression is refused (RotateSecret turns it into the service's error). */
class CronSyntaxError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'CronSyntaxError';
  }
}

type Parsed = ReturnType<typeof awsCron.parse>;

interface CronSchedule {
  readonly hours: readonly number[];
  readonly minutes: readonly number[];
  readonly parsed: Parsed;
  /** `LW`: the last weekday of the month (which the library cannot read). */
  readonly lastWeekday: boolean;
}

const NAMES = {
  month: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  week: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
} as const;

/** A list of values and ranges, or one step expression: the forms the library reads. */
const NUMERIC =
  /^(?:\*|\d{1,4}(?:-\d{1,4})?(?:,\d{1,4}(?:-\d{1,4})?)*|(?:\*|\d{1,4}(?:-\d{1,4})?)\/\d{1,4})$/;
const DAY_OF_MONTH_SPECIAL = /^(?:L|L-\d{1,2}|\d{1,2}W|LW)$/;
const DAY_OF_WEEK_SPECIAL = /^(?:L|[1-7]L|[1-7]#[1-5])$/;

function withNumbers(field: string, names: readonly string[], first: number): string {
  return field.toUpperCase().replace(/[A-Z]{3}/g, (name) => {
    const index = names.indexOf(name);
    if (index < 0) throw new CronSyntaxError(`${name} is not a name cron() knows`);
    return String(index + first);
  });
}

/** Reads the fields of a `cron(...)` body; throws CronSyntaxError naming what is wrong. */
function parseAwsCron(body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new CronSyntaxError(
      'a cron() expression has six fields: minutes hours day-of-month month day-of-week year',
    );
  const [minutes = '', hours = '', dayOfMonth = '', monthField = '', weekField = '', year = ''] = fields;
  const month = withNumbers(monthField, NAMES.month, 1);
  const week = withNumbers(weekField, NAMES.week, 1);
  if ((dayOfMonth === '?') === (week === '?'))
    throw new CronSyntaxError('exactly one of day-of-month and day-of-week must be ?');
  const checks: [string, string, boolean][] = [
    ['minutes', minutes, NUMERIC.test(minutes)],
    ['hours', hours, NUMERIC.test(hours)],
    [
      'day-of-month',
      dayOfMonth,
      dayOfMonth === '?' || NUMERIC.test(dayOfMonth) || DAY_OF_MONTH_SPECIAL.test(dayOfMonth),
    ],
    ['month', monthField, NUMERIC.test(month)],
    ['day-of-week', weekField, week === '?' || NUMERIC.test(week) || DAY_OF_WEEK_SPECIAL.test(week)],
    ['year', year, NUMERIC.test(year)],
  ];
  for (const [name, value, ok] of checks)
    if (!ok) throw new CronSyntaxError(`the ${name} field ${JSON.stringify(value)} cannot be read`);
  const lastWeekday = dayOfMonth === 'LW';
  let parsed: Parsed;
  try {
    // A lone L in day-of-week is its last day, Saturday.
    const weekForLibrary = week === 'L' ? '7' : week;
    parsed = awsCron.parse(
      [minutes, hours, lastWeekday ? 'L' : dayOfMonth, month, weekForLibrary, year].join(' '),
    );
  } catch (error) {
    throw new CronSyntaxError((error as Error).message.replace(/^Invalid: /, ''));
  }
  return {
    hours: [...(parsed.hours as number[])].sort((a, b) => a - b),
    minutes: [...(parsed.minutes as number[])].sort((a, b) => a - b),
    parsed,
    lastWeekday,
  };
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 (Sunday) to 7 (Saturday), as AWS numbers days of the week. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function isWeekday(year: number, month: number, day: number): boolean {
  const d = weekday(year, month, day);
  return d >= 2 && d <= 6;
}

/** The weekday nearest to `day` inside its month (the `W` rule). */
function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = lastDayOfMonth(year, month);
  const target = Math.min(day, last);
  for (const offset of [0, -1, 1, -2, 2]) {
    const candidate = target + offset;
    if (candidate >= 1 && candidate <= last && isWeekday(year, month, candidate)) return candidate;
  }
  return undefined;
}

function dayMatches(cron: CronSchedule, year: number, month: number, day: number): boolean {
  const { parsed } = cron;
  if (!(parsed.years as unknown[]).includes(year) || !(parsed.months as unknown[]).includes(month))
    return false;
  const last = lastDayOfMonth(year, month);
  const dom = parsed.daysOfMonth as (number | string)[];
  if (dom.length > 0) {
    if (cron.lastWeekday) {
      for (let d = last; d > last - 3; d -= 1) if (isWeekday(year, month, d)) return d === day;
      return false;
    }
    if (dom[0] === 'L') return day === last - Number(dom[1]);
    if (dom[0] === 'W') return day === nearestWeekday(year, month, Number(dom[1]));
    return dom.includes(day);
  }
  const dow = parsed.daysOfWeek as (number | string)[];
  const today = weekday(year, month, day);
  if (dow[0] === 'L') return today === Number(dow[1]) && day + 7 > last;
  if (dow[0] === '#') return today === Number(dow[1]) && Math.ceil(day / 7) === Number(dow[2]);
  return dow.includes(today);
}

/** The first occurrence strictly after `after` (epoch ms), or undefined if none comes. */
function nextOccurrence(cron: CronSchedule, after: number): number | undefined {
  const firstDay = Math.floor(after / DAY_MS) * DAY_MS;
  for (let i = 0; i <= SEARCH_DAYS; i += 1) {
    const dayStart = firstDay + i * DAY_MS;
    const date = new Date(dayStart);
    if (!dayMatches(cron, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())) continue;
    for (const hour of cron.hours)
      for (const minute of cron.minutes) {
        const at = dayStart + hour * HOUR_MS + minute * 60_000;
        if (at > after) return at;
      }
  }
  return undefined;
}

export { CronSyntaxError, nextOccurrence, parseAwsCron };
export type { CronSchedule };
