import type { RotationRules } from '../store/model.js';
import { CronSyntaxError, nextOccurrence, parseAwsCron } from './awsCron.js';
import type { CronSchedule } from './awsCron.js';

/**
 * Rotation schedules as the service reads `RotationRules` (docs/secrets-manager-semantics.md,
 * "Rotation schedules"): `AutomaticallyAfterDays` or `rate(N days)` count whole UTC days from the
 * day of the last rotation, the window opening at midnight; `rate(N hours)` opens a window every N
 * hours from 00:00 UTC, restarting each day, as an hours `cron()` does; `cron()` opens one at each
 * occurrence, in UTC. Windows are at least four hours apart. Without a `Duration` a window closes
 * after an hour for an hours schedule and at the end of the UTC day for a days schedule.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MIN_INTERVAL_MS = 4 * HOUR_MS;
/** How many upcoming windows the four-hour and Duration checks look at. */
const CHECKED_WINDOWS = 60;

/** A rotation window: the service starts the rotation at some instant in [start, end). */
interface RotationWindow {
  readonly start: number;
  readonly end: number;
}

/** Why RotationRules are refused; `both` is the case whose text the service is recorded saying. */
class ScheduleRuleError extends Error {
  constructor(
    detail: string,
    readonly both = false,
  ) {
    super(detail);
    this.name = 'ScheduleRuleError';
  }
}

type Schedule =
  | { readonly kind: 'days'; readonly days: number }
  | { readonly kind: 'hours'; readonly cron: CronSchedule }
  | { readonly kind: 'cron'; readonly cron: CronSchedule; readonly hourly: boolean };

function hoursCron(every: number): CronSchedule {
  return parseAwsCron(`0 0/${every} * * ? *`);
}

function readCron(body: string): Schedule {
  let cron: CronSchedule;
  try {
    cron = parseAwsCron(body);
  } catch (error) {
    if (error instanceof CronSyntaxError)
      throw new ScheduleRuleError(`the cron() expression is not valid: ${error.message}`);
    throw error;
  }
  const fields = body.trim().split(/\s+/);
  if (fields[0] !== '0')
    throw new ScheduleRuleError(
      'the minutes field of a cron() expression must be 0 (windows open on the hour)',
    );
  if (fields[5] !== '*') throw new ScheduleRuleError('the year field of a cron() expression must be *');
  return { kind: 'cron', cron, hourly: cron.hours.length > 1 };
}

/** Reads the schedule of `rules`; throws ScheduleRuleError when RotateSecret refuses them. */
function readSchedule(rules: RotationRules): Schedule {
  const { AutomaticallyAfterDays: days, ScheduleExpression: expression } = rules;
  if (days !== undefined && expression !== undefined)
    throw new ScheduleRuleError(
      'You cannot specify both rotation frequency and schedule expression together.',
      true,
    );
  if (days !== undefined) return { kind: 'days', days };
  if (expression === undefined)
    throw new ScheduleRuleError('RotationRules needs AutomaticallyAfterDays or ScheduleExpression');
  const rate = /^rate\((\d+) (hours?|days?)\)$/.exec(expression);
  if (rate) {
    const count = Number(rate[1]);
    if (rate[2]?.startsWith('day')) {
      if (count < 1 || count > 999) throw new ScheduleRuleError('rate() in days is 1 to 999 days');
      return { kind: 'days', days: count };
    }
    if (count < 4) throw new ScheduleRuleError('a secret rotates at most every four hours');
    if (count > 23) throw new ScheduleRuleError('rate() in hours is 4 to 23 hours; use days beyond');
    return { kind: 'hours', cron: hoursCron(count) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron?.[1] !== undefined) return readCron(cron[1]);
  throw new ScheduleRuleError(
    `the ScheduleExpression ${JSON.stringify(expression)} is not rate(N hours), rate(N days) or cron(...)`,
  );
}

function durationMs(rules: RotationRules): number | undefined {
  return rules.Duration === undefined ? undefined : Number(rules.Duration.slice(0, -1)) * HOUR_MS;
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function isHourly(schedule: Schedule): boolean {
  return schedule.kind === 'hours' || (schedule.kind === 'cron' && schedule.hourly);
}

/** The window that opens at `start`: the Duration, or an hour, or the rest of the UTC day. */
function windowAt(schedule: Schedule, rules: RotationRules, start: number): RotationWindow {
  const dayEnd = startOfDay(start) + DAY_MS;
  const length = durationMs(rules) ?? (isHourly(schedule) ? HOUR_MS : dayEnd - start);
  return { start, end: start + length };
}

/**
 * Checks `rules` as RotateSecret does: one readable schedule, windows at least four hours apart, a
 * Duration of at least an hour that neither runs into the next window nor, for a days schedule,
 * into the next UTC day.
 */
function checkRotationRules(rules: RotationRules, now: number): void {
  const schedule = readSchedule(rules);
  const duration = durationMs(rules);
  if (duration !== undefined && duration < HOUR_MS) throw new ScheduleRuleError('Duration is at least 1h');
  if (schedule.kind === 'days') {
    if (duration !== undefined && duration > DAY_MS)
      throw new ScheduleRuleError('the rotation window must not extend into the next UTC day');
    return;
  }
  let previous = nextOccurrence(schedule.cron, now);
  if (previous === undefined) throw new ScheduleRuleError('the cron() expression never occurs');
  for (let i = 0; i < CHECKED_WINDOWS; i += 1) {
    if (!isHourly(schedule) && duration !== undefined && previous + duration > startOfDay(previous) + DAY_MS)
      throw new ScheduleRuleError('the rotation window must not extend into the next UTC day');
    const next = nextOccurrence(schedule.cron, previous);
    if (next === undefined) break;
    if (next - previous < MIN_INTERVAL_MS)
      throw new ScheduleRuleError('a secret rotates at most every four hours');
    if (duration !== undefined && duration > next - previous)
      throw new ScheduleRuleError('the rotation window must not extend into the next rotation window');
    previous = next;
  }
}

/**
 * The next window after a rotation (or RotateSecret) at `from`: for a days schedule the UTC day N
 * days on; otherwise the schedule's next window opening after `from`.
 */
function nextWindow(rules: RotationRules, from: number): RotationWindow | undefined {
  const schedule = readSchedule(rules);
  if (schedule.kind === 'days') return windowAt(schedule, rules, startOfDay(from) + schedule.days * DAY_MS);
  const start = nextOccurrence(schedule.cron, from);
  return start === undefined ? undefined : windowAt(schedule, rules, start);
}

/** NextRotationDate of a window: its last second, as the service reports it (23:59:59 for a day). */
function reportedDate(window: RotationWindow): number {
  return window.end - 1000;
}

/** The window a NextRotationDate closes, under `rules`. */
function windowEndingAt(rules: RotationRules, nextRotation: number): RotationWindow | undefined {
  const schedule = readSchedule(rules);
  const end = nextRotation + 1000;
  if (schedule.kind === 'days') return windowAt(schedule, rules, startOfDay(nextRotation));
  // The latest opening before the end.
  let start: number | undefined;
  for (let at = nextOccurrence(schedule.cron, end - DAY_MS - 1); at !== undefined && at < end;)
    [start, at] = [at, nextOccurrence(schedule.cron, at)];
  return start === undefined ? undefined : { start, end };
}

/** DescribeSecret's NextRotationDate after a rotation at `from`; undefined if none is due. */
function nextRotationDate(rules: RotationRules | undefined, from: number): number | undefined {
  if (rules === undefined) return undefined;
  try {
    const window = nextWindow(rules, from);
    return window === undefined ? undefined : reportedDate(window);
  } catch (error) {
    // Rules from a data file written before they were checked: no date rather than a failure.
    if (error instanceof ScheduleRuleError) return undefined;
    throw error;
  }
}

/**
 * RotationRules as DescribeSecret and ListSecrets show them: with a `rate(N days)` schedule the
 * service also reports the interval as AutomaticallyAfterDays.
 */
function describedRules(rules: RotationRules | undefined): RotationRules | undefined {
  if (rules?.ScheduleExpression === undefined) return rules;
  const days = /^rate\((\d+) days?\)$/.exec(rules.ScheduleExpression);
  return days ? { AutomaticallyAfterDays: Number(days[1]), ...rules } : rules;
}

export {
  ScheduleRuleError,
  checkRotationRules,
  describedRules,
  nextRotationDate,
  nextWindow,
  windowEndingAt,
};
export type { RotationWindow };
