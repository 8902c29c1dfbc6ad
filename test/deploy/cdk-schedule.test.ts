import { Duration, Token } from 'aws-cdk-lib';
import { rotationRulesOf } from '../../src/cdk/schedule.js';
import { ConfigurationError } from '../../src/shared/errors.js';

// Secrets Manager's rules (user guide, "Rotation schedules"), checked at synth without synthesizing.
describe('rotation schedules: what Secrets Manager accepts', () => {
  it.each([
    ['rate(30 days)', undefined],
    ['rate(4 hours)', Duration.hours(4)],
    ['rate(1 day)', Duration.hours(24)],
    ['rate(999 days)', undefined],
    ['cron(0 4 ? * SUN *)', Duration.hours(20)],
    ['cron(0 4/12 * * ? *)', Duration.hours(8)],
    ['cron(0 2/10 * * ? *)', Duration.hours(2)],
    ['cron(0 16 L * ? *)', undefined],
    ['cron(0 0 ? * SUN#1 *)', undefined],
    ['cron(0 0 ? * 6L *)', undefined],
    ['cron(0 8 1/7 * ? *)', undefined],
    ['cron(0 1,22 ? * MON *)', Duration.hours(2)],
    ['cron(0 3 1-15 JAN,JUL ? *)', undefined],
  ])('accepts %s (window %s)', (expression, window) => {
    expect(rotationRulesOf({ scheduleExpression: expression, window }).rotationRules).toEqual({
      scheduleExpression: expression,
      ...(window && { duration: `${window.toHours()}h` }),
    });
  });

  it('turns automaticallyAfter into a rate, 30 days by default, and rotates on creation by default', () => {
    expect(rotationRulesOf({})).toEqual({
      rotationRules: { scheduleExpression: 'rate(30 days)' },
      rotateImmediatelyOnUpdate: true,
    });
    expect(rotationRulesOf({ automaticallyAfter: Duration.days(1) }).rotationRules.scheduleExpression).toBe(
      'rate(1 day)',
    );
    expect(rotationRulesOf({ automaticallyAfter: Duration.hours(36) }).rotationRules.scheduleExpression).toBe(
      'rate(36 hours)',
    );
    expect(rotationRulesOf({ rotateImmediatelyOnUpdate: false }).rotateImmediatelyOnUpdate).toBe(false);
  });

  it('leaves an expression it cannot read (a token) to the service', () => {
    const expression = Token.asString({ Ref: 'Schedule' });
    expect(
      rotationRulesOf({ scheduleExpression: expression, window: Duration.hours(24) }).rotationRules,
    ).toEqual({
      scheduleExpression: expression,
      duration: '24h',
    });
  });

  it.each([
    [{ automaticallyAfter: Duration.hours(3) }, 'automaticallyAfter', 'whole hours from 4 hours to 999 days'],
    [{ automaticallyAfter: Duration.minutes(270) }, 'automaticallyAfter', 'whole hours'],
    [{ automaticallyAfter: Duration.days(1000) }, 'automaticallyAfter', '999 days'],
    [
      { automaticallyAfter: Duration.days(1), scheduleExpression: 'rate(1 day)' },
      'scheduleExpression',
      'not both',
    ],
    [{ scheduleExpression: 'rate(3 hours)' }, 'scheduleExpression', 'a rate from 4 hours'],
    [{ scheduleExpression: 'rate(1000 days)' }, 'scheduleExpression', 'a rate from 4 hours to 999 days'],
    [{ scheduleExpression: 'rate(5 minutes)' }, 'scheduleExpression', 'rate(N hours|days) or cron('],
    [{ scheduleExpression: 'cron(0 4 * * ?)' }, 'scheduleExpression', '5 fields'],
    [{ scheduleExpression: 'cron(30 4 * * ? *)' }, 'scheduleExpression', 'minutes must be 0'],
    [{ scheduleExpression: 'cron(0 4 * * ? 2027)' }, 'scheduleExpression', 'year must be *'],
    [
      { scheduleExpression: 'cron(0 4 * * MON *)' },
      'scheduleExpression',
      'exactly one of day-of-month and day-of-week must be ?',
    ],
    [{ scheduleExpression: 'cron(0 4 ? * ? *)' }, 'scheduleExpression', 'exactly one of'],
    [{ scheduleExpression: 'cron(0 24 * * ? *)' }, 'scheduleExpression', 'hours "24" is not a value 0-23'],
    [{ scheduleExpression: 'cron(0 4 32 * ? *)' }, 'scheduleExpression', 'day-of-month "32"'],
    [
      { scheduleExpression: 'cron(0 4 * 13 ? *)' },
      'scheduleExpression',
      'month "13" is not a value 1-12 or JAN-DEC',
    ],
    [{ scheduleExpression: 'cron(0 4 ? * FUNDAY *)' }, 'scheduleExpression', 'day-of-week "FUNDAY"'],
    [{ scheduleExpression: 'cron(0 * * * ? *)' }, 'scheduleExpression', 'windows open 1 hours apart'],
    [{ scheduleExpression: 'cron(0 1,22 * * ? *)' }, 'scheduleExpression', 'windows open 3 hours apart'],
    [{ scheduleExpression: 'rate(6 hours)', window: Duration.hours(7) }, 'window', 'at most 6 hours'],
    [{ scheduleExpression: 'cron(0 4/12 * * ? *)', window: Duration.hours(9) }, 'window', 'at most 8 hours'],
    [
      { scheduleExpression: 'cron(0 4,12 * * ? *)', window: Duration.hours(9) },
      'window',
      'at most 8 hours: the window must close before the next one opens',
    ],
    [
      { scheduleExpression: 'cron(0 22 * * ? *)', window: Duration.hours(3) },
      'window',
      'a window opening at 22:00 must close by midnight UTC',
    ],
    [{ window: Duration.minutes(90) }, 'window', 'whole hours from 1 to 24'],
    [{ window: Duration.hours(25) }, 'window', 'whole hours from 1 to 24'],
  ])('refuses %j, naming %s', (options, setting, expected) => {
    const attempt = () => rotationRulesOf(options);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(`Setting "${setting}" is invalid: expected`);
    expect(attempt).toThrow(expected);
  });

  it('prefixes the prop names of addSecret', () => {
    expect(() => rotationRulesOf({ window: Duration.hours(30) }, 'schedule.')).toThrow(
      'Setting "schedule.window"',
    );
  });
});
