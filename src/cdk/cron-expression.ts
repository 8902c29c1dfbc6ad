/**
 * Secrets Manager's six-field cron syntax (`cron(Minutes Hours Day-of-month Month Day-of-week Year)`),
 * as its user guide ("Rotation schedules") states it: minutes must be 0 (windows open on the hour),
 * year must be `*`, hours 0-23, day-of-month 1-31 with `, - * ? / L`, month 1-12 or JAN-DEC with
 * `, - * /`, day-of-week 1-7 or SUN-SAT with `# , - * ? / L`; one of the two day fields is `?`
 * (AWS cron). Parsing yields the hours a day's rotation windows open at, for the 4-hour minimum and
 * the window checks in schedule.ts.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronSchedule {
  /** Hours (UTC, ascending, no duplicates) at which a rotation window opens on a day it runs. */
  readonly hours: readonly number[];
  /** Whether it runs every day, so the last window of a day is followed by the next day's first. */
  readonly everyDay: boolean;
}

/** Throws: says which field is wrong and what it takes. */
type Fail = (problem: string) => never;

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Items other than values, ranges and increments this field accepts (`L`, `?`, `n#k`, `nL`). */
  readonly special?: (item: string) => boolean;
}

const HOURS: FieldRule = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldRule = { name: 'day-of-month', min: 1, max: 31, special: (item) => item === 'L' };
const MONTH: FieldRule = { name: 'month', min: 1, max: 12, names: MONTHS };
const DAY_OF_WEEK: FieldRule = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: WEEKDAYS,
  special: (item) => {
    if (item === 'L') return true;
    const nth = /^(.+)#([1-5])$/.exec(item);
    if (nth) return valueOf(DAY_OF_WEEK, nth[1]!) !== undefined;
    const last = /^(.+)L$/.exec(item);
    return last !== null && valueOf(DAY_OF_WEEK, last[1]!) !== undefined;
  },
};

function valueOf(rule: FieldRule, text: string): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const value = Number(text);
    return value >= rule.min && value <= rule.max ? value : undefined;
  }
  const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? rule.min + index : undefined;
}

/** The values a field selects, or undefined for `L`-style items that select by calendar. */
function valuesOf(rule: FieldRule, field: string, fail: Fail): Set<number> | undefined {
  const values = new Set<number>();
  let calendar = false;
  for (const item of field.split(',')) {
    if (rule.special?.(item)) {
      calendar = true;
      continue;
    }
    const match = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) fail(invalid(rule, item));
    const [, span, stepText] = match as unknown as [string, string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) fail(invalid(rule, item));
    let from: number | undefined;
    let to: number | undefined;
    if (span === '*') {
      from = rule.min;
      to = rule.max;
    } else {
      const [start, end] = span.split('-');
      from = valueOf(rule, start!);
      // `a/n` runs from a to the end of the field.
      to = end !== undefined ? valueOf(rule, end) : stepText !== undefined ? rule.max : from;
    }
    if (from === undefined || to === undefined || to < from) fail(invalid(rule, item));
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return calendar ? undefined : values;
}

function invalid(rule: FieldRule, item: string): string {
  const names = rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : '';
  return `${rule.name} "${item}" is not a value ${rule.min}-${rule.max}${names}`;
}

/** Parses the inside of `cron(...)`; calls `fail` with the field that is wrong. */
function parseCron(fields: string, fail: Fail): CronSchedule {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) {
    fail(`it has ${parts.length} fields, not the six Minutes Hours Day-of-month Month Day-of-week Year`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (minutes !== '0') fail(`minutes must be 0 (windows open on the hour), not "${minutes}"`);
  if (year !== '*') fail(`year must be *, not "${year}"`);
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('exactly one of day-of-month and day-of-week must be ?');
  }
  const hourValues = valuesOf(HOURS, hours, fail);
  if (!hourValues || hourValues.size === 0) fail(invalid(HOURS, hours));
  if (dayOfMonth !== '?') valuesOf(DAY_OF_MONTH, dayOfMonth, fail);
  if (dayOfWeek !== '?') valuesOf(DAY_OF_WEEK, dayOfWeek, fail);
  valuesOf(MONTH, month, fail);
  const everyDay = (dayOfMonth === '*' && dayOfWeek === '?') || (dayOfMonth === '?' && dayOfWeek === '*');
  return { hours: [...hourValues].sort((a, b) => a - b), everyDay };
}

export { parseCron };
export type { CronSchedule };
