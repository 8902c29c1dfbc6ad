import {
  CreateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RotationRulesType } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { expectServiceError, uniqueName } from './support/localServer.js';
import { templateRotationFunction } from './support/rotationFunctions.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate';
/** Thursday 3 December 2026, 17:42 UTC: every date below follows from it. */
const START = Date.UTC(2026, 11, 3, 17, 42);
const utc = (iso: string) => new Date(iso).getTime();

/**
 * One server per test, on a clock that stands still unless the test moves it, so every date is
 * exact and "30 days pass" takes no time.
 */
async function withServer(
  run: (ctx: {
    server: LocalSecretsManager;
    client: SecretsManagerClient;
    /** A secret with a value and a template rotation function failing `failures` times at createSecret. */
    secret(failures?: number): Promise<{ name: string; events: SecretsManagerRotationEvent[] }>;
  }) => Promise<void>,
): Promise<void> {
  const server = await startLocalSecretsManager({ clock: () => START });
  const client = new SecretsManagerClient(server.clientConfig);
  const cleanups: (() => void)[] = [];
  try {
    await run({
      server,
      client,
      secret: async (failures = 0) => {
        const name = uniqueName('scheduled');
        await client.send(new CreateSecretCommand({ Name: name, SecretString: '{"password":"old"}' }));
        const fn = templateRotationFunction(server.clientConfig);
        cleanups.push(fn.destroy);
        let failed = 0;
        server.registerFunction(`${FN}-${name}`, async (event) => {
          if (event.Step === 'createSecret' && failed < failures) {
            failed += 1;
            fn.events.push(event);
            throw new Error('createSecret failed on purpose');
          }
          await fn.handler(event);
        });
        return { name, events: fn.events };
      },
    });
  } finally {
    cleanups.forEach((cleanup) => cleanup());
    client.destroy();
    await server.stop();
  }
}

async function configure(
  client: SecretsManagerClient,
  name: string,
  RotationRules: RotationRulesType,
  RotateImmediately = true,
) {
  return client.send(
    new RotateSecretCommand({
      SecretId: name,
      RotationLambdaARN: `${FN}-${name}`,
      RotationRules,
      RotateImmediately,
    }),
  );
}

describe('local Secrets Manager: RotationRules are checked as RotateSecret checks them', () => {
  const cases: [string, RotationRulesType, string][] = [
    [
      'both AutomaticallyAfterDays and ScheduleExpression',
      { AutomaticallyAfterDays: 10, ScheduleExpression: 'rate(10 days)' },
      'You cannot specify both rotation frequency and schedule expression together.',
    ],
    [
      'a rate under four hours',
      { ScheduleExpression: 'rate(3 hours)' },
      'The RotationRules are invalid: a secret rotates at most every four hours.',
    ],
    [
      'a cron() whose windows come every three hours',
      { ScheduleExpression: 'cron(0 0/3 * * ? *)' },
      'The RotationRules are invalid: a secret rotates at most every four hours.',
    ],
    [
      'a cron() of five fields',
      { ScheduleExpression: 'cron(0 4 * * ?)' },
      'The RotationRules are invalid: the cron() expression is not valid: a cron() expression has six fields: minutes hours day-of-month month day-of-week year.',
    ],
    [
      'a cron() with both day fields set',
      { ScheduleExpression: 'cron(0 4 * * MON *)' },
      'The RotationRules are invalid: the cron() expression is not valid: exactly one of day-of-month and day-of-week must be ?.',
    ],
    [
      'a cron() off the hour',
      { ScheduleExpression: 'cron(30 4 * * ? *)' },
      'The RotationRules are invalid: the minutes field of a cron() expression must be 0 (windows open on the hour).',
    ],
    [
      'an hour out of range',
      { ScheduleExpression: 'cron(0 24 * * ? *)' },
      'The RotationRules are invalid: the cron() expression is not valid: number 24 is not between 0 and 23.',
    ],
    [
      'a window running into the next UTC day',
      { ScheduleExpression: 'cron(0 20 * * ? *)', Duration: '5h' },
      'The RotationRules are invalid: the rotation window must not extend into the next UTC day.',
    ],
    [
      'a window running into the next window',
      { ScheduleExpression: 'rate(6 hours)', Duration: '7h' },
      'The RotationRules are invalid: the rotation window must not extend into the next rotation window.',
    ],
    [
      'an expression that is neither rate() nor cron()',
      { ScheduleExpression: 'weekly' },
      'The RotationRules are invalid: the ScheduleExpression "weekly" is not rate(N hours), rate(N days) or cron(...).',
    ],
  ];

  it.each(cases)('refuses %s with InvalidParameterException, saving nothing', async (_, rules, message) =>
    withServer(async ({ client, secret }) => {
      const { name } = await secret();
      await expectServiceError(configure(client, name, rules), 'InvalidParameterException', message);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.RotationEnabled).toBeUndefined();
      expect(described.RotationRules).toBeUndefined();
    }),
  );

  it('reads AWS cron syntax: names, ?, L, W, LW and #, in UTC', async () =>
    withServer(async ({ client, secret }) => {
      const expected: [string, string][] = [
        ['cron(0 16 L * ? *)', '2026-12-31T23:59:59Z'], // last day of the month, window to midnight
        ['cron(0 10 ? FEB,MAY,AUG,NOV TUE#2 *)', '2027-02-09T23:59:59Z'], // second Tuesday
        ['cron(0 8 ? * 6L *)', '2026-12-25T23:59:59Z'], // last Friday (days of week 1-7 = SUN-SAT)
        ['cron(0 8 6W * ? *)', '2026-12-07T23:59:59Z'], // the 6th is a Sunday: Monday the 7th
        ['cron(0 0 LW * ? *)', '2026-12-31T23:59:59Z'], // last weekday of the month
        ['cron(0 2 ? * MON-FRI *)', '2026-12-04T23:59:59Z'], // next weekday
      ];
      for (const [ScheduleExpression, next] of expected) {
        const { name } = await secret();
        await configure(client, name, { ScheduleExpression }, false);
        const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
        expect([ScheduleExpression, described.NextRotationDate?.getTime()]).toEqual([
          ScheduleExpression,
          utc(next),
        ]);
      }
    }));
});

describe('local Secrets Manager: NextRotationDate as the service computes it', () => {
  it('AutomaticallyAfterDays: the last second of the UTC day N days after today', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { AutomaticallyAfterDays: 30 });
      await server.rotations.waitFor(name);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.RotationRules).toEqual({ AutomaticallyAfterDays: 30 });
      expect(described.NextRotationDate?.getTime()).toBe(utc('2027-01-02T23:59:59Z'));
    }));

  it('rate(N days) with a Duration: the window opens at midnight; AutomaticallyAfterDays is reported too', async () =>
    withServer(async ({ client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { ScheduleExpression: 'rate(10 days)', Duration: '3h' }, false);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.RotationRules).toEqual({
        AutomaticallyAfterDays: 10,
        ScheduleExpression: 'rate(10 days)',
        Duration: '3h',
      });
      expect(described.NextRotationDate?.getTime()).toBe(utc('2026-12-13T02:59:59Z'));
    }));

  it('rate(N hours): windows every N hours from midnight UTC, an hour long by default', async () =>
    withServer(async ({ client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { ScheduleExpression: 'rate(4 hours)' }, false);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.RotationRules).toEqual({ ScheduleExpression: 'rate(4 hours)' });
      expect(described.NextRotationDate?.getTime()).toBe(utc('2026-12-03T20:59:59Z'));
    }));
});
