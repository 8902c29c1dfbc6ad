import { Token } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import type { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationError } from '../shared/errors.js';
import { parseCron } from './cron-expression.js';

/** When a secret rotates: the secret's `RotationRules` and `RotateImmediatelyOnUpdate`. */
interface RotationScheduleOptions {
  /**
   * Time between rotations, whole hours from 4 hours to 999 days; becomes `rate(N days)` or
   * `rate(N hours)`. Not with `scheduleExpression`. @default Duration.days(30)
   */
  readonly automaticallyAfter?: Duration;
  /**
   * A Secrets Manager `rate(N hours|days)` or `cron(0 H DoM Month DoW *)` expression (UTC), e.g.
   * `cron(0 4 ? * SUN *)` for Sundays, window opening at 04:00. Not with `automaticallyAfter`.
   * @default - rate(30 days)
   */
  readonly scheduleExpression?: string;
  /**
   * The rotation window (`RotationRules.Duration`), whole hours from 1 to 24. It must close before
   * the next window opens and before the end of the UTC day it opens on.
   * @default - Secrets Manager's: one hour for a schedule in hours, the rest of the day otherwise
   */
  readonly window?: Duration;
  /** Rotate once as soon as the schedule is created or changed. @default true */
  readonly rotateImmediatelyOnUpdate?: boolean;
}

/** The service's minimum time between rotations, and the user guide's longest rate. */
const MIN_INTERVAL_HOURS = 4;
const MAX_RATE_DAYS = 999;
const DEFAULT_EXPRESSION = 'rate(30 days)';

/** When windows open on a day, and how long until the next one opens (hours). */
interface WindowTimes {
  /** Latest opening hour in a day (the window must close by midnight UTC). */
  readonly lastOpening: number;
  /** Shortest time from one opening to the next. */
  readonly shortestGap: number;
}

/**
 * The `RotationRules` for a schedule, validated as the service would (4-hour minimum, cron syntax,
 * window inside the interval and the day). `prefix` names the props in errors (`schedule.` for
 * addSecret).
 */
function rotationRulesOf(
  options: RotationScheduleOptions,
  prefix = '',
): { rotationRules: CfnRotationSchedule.RotationRulesProperty; rotateImmediatelyOnUpdate: boolean } {
  const setting = (name: keyof RotationScheduleOptions) => `${prefix}${name}`;
  if (options.automaticallyAfter && options.scheduleExpression !== undefined) {
    throw new ConfigurationError(
      setting('scheduleExpression'),
      'not both automaticallyAfter and scheduleExpression',
    );
  }
  const expression = options.automaticallyAfter
    ? rateOf(options.automaticallyAfter, setting('automaticallyAfter'))
    : (options.scheduleExpression ?? DEFAULT_EXPRESSION);
  const times = Token.isUnresolved(expression)
    ? undefined
    : windowTimesOf(
        expression,
        setting(options.automaticallyAfter ? 'automaticallyAfter' : 'scheduleExpression'),
      );
  const duration = options.window && windowOf(options.window, times, setting('window'));
  return {
    rotationRules: { scheduleExpression: expression, ...(duration && { duration }) },
    rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate ?? true,
  };
}

function rateOf(interval: Duration, setting: string): string {
  const hours = interval.toMilliseconds() / 3_600_000;
  if (!Number.isInteger(hours) || hours < MIN_INTERVAL_HOURS || hours > MAX_RATE_DAYS * 24) {
    throw new ConfigurationError(
      setting,
      `whole hours from ${MIN_INTERVAL_HOURS} hours to ${MAX_RATE_DAYS} days`,
    );
  }
  if (hours % 24 === 0) return hours === 24 ? 'rate(1 day)' : `rate(${hours / 24} days)`;
  return `rate(${hours} hours)`;
}

function windowTimesOf(expression: string, setting: string): WindowTimes {
  const rate = /^rate\((\d+) (hours?|days?)\)$/.exec(expression);
  if (rate) {
    const [, value, unit] = rate as unknown as [string, string, string];
    const hours = Number(value) * (unit.startsWith('day') ? 24 : 1);
    if (hours < MIN_INTERVAL_HOURS || hours > MAX_RATE_DAYS * 24) {
      throw new ConfigurationError(
        setting,
        `a rate from ${MIN_INTERVAL_HOURS} hours to ${MAX_RATE_DAYS} days (Secrets Manager's limits), not ${expression}`,
      );
    }
    // A rate's windows open at midnight UTC.
    return { lastOpening: 0, shortestGap: hours };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) {
    throw new ConfigurationError(
      setting,
      `rate(N hours|days) or cron(Minutes Hours Day-of-month Month Day-of-week Year), not ${expression}`,
    );
  }
  const fail = (problem: string): never => {
    throw new ConfigurationError(setting, `a Secrets Manager cron expression: in ${expression}, ${problem}`);
  };
  const { hours, everyDay } = parseCron(cron[1]!, fail);
  const gaps = hours.slice(1).map((hour, i) => hour - hours[i]!);
  // Only a daily schedule is sure to run again the next day; otherwise the next day may not run.
  if (everyDay) gaps.push(24 - hours[hours.length - 1]! + hours[0]!);
  const shortestGap = Math.min(24, ...gaps);
  if (shortestGap < MIN_INTERVAL_HOURS) {
    fail(
      `windows open ${shortestGap} hours apart; Secrets Manager rotates at most every ${MIN_INTERVAL_HOURS} hours`,
    );
  }
  return { lastOpening: hours[hours.length - 1]!, shortestGap };
}

function windowOf(window: Duration, times: WindowTimes | undefined, setting: string): string {
  const hours = window.toMilliseconds() / 3_600_000;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24) {
    throw new ConfigurationError(setting, 'whole hours from 1 to 24');
  }
  if (times && hours > times.shortestGap) {
    throw new ConfigurationError(
      setting,
      `at most ${times.shortestGap} hours: the window must close before the next one opens`,
    );
  }
  if (times && times.lastOpening + hours > 24) {
    throw new ConfigurationError(
      setting,
      `at most ${24 - times.lastOpening} hours: a window opening at ${times.lastOpening}:00 must close by midnight UTC`,
    );
  }
  return `${hours}h`;
}

export { rotationRulesOf };
export type { RotationScheduleOptions };
