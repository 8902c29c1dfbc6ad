import { join } from 'node:path';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RotationRulesType } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { ConfigurationError } from '../../src/shared/errors.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { expectServiceError, uniqueName, withTempDir } from './support/localServer.js';
import { templateRotationFunction } from './support/rotationFunctions.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate';
/** Thursday 3 December 2026, 17:42 UTC: every date below follows from it. */
const START = Date.UTC(2026, 11, 3, 17, 42);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
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
    /** What the server warned about (a scheduled rotation it could not start, for one). */
    warnings: string[];
  }) => Promise<void>,
): Promise<void> {
  const warnings: string[] = [];
  const ignore = () => undefined;
  const logger = {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (message: string) => void warnings.push(message),
  };
  const server = await startLocalSecretsManager({ clock: () => START, logger });
  const client = new SecretsManagerClient(server.clientConfig);
  const cleanups: (() => void)[] = [];
  try {
    await run({
      server,
      client,
      warnings,
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

  it('with AutomaticallyAfterDays, a new AWSCURRENT value from PutSecretValue counts as a rotation', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { AutomaticallyAfterDays: 7 }, false);
      await server.rotations.waitFor(name);
      await server.clock.advance({ days: 3 });
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: '{"password":"manual"}' }));
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.NextRotationDate?.getTime()).toBe(utc('2026-12-13T23:59:59Z'));
      expect(described.LastRotatedDate).toBeUndefined();
    }));
});

describe('local Secrets Manager: the clock the test controls runs the schedules', () => {
  it('"61 days pass": AutomaticallyAfterDays 30 rotates at the opening of each window, as RotateSecret would', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name, events } = await secret();
      const configured = await configure(client, name, { AutomaticallyAfterDays: 30 }, false);
      await server.rotations.waitFor(name, { token: configured.VersionId });
      const outcomes = await server.clock.advance({ days: 61 });
      expect(outcomes.map((o) => [o.succeeded, o.completedSteps.length])).toEqual([
        [true, 4],
        [true, 4],
      ]);
      // rotations.waitFor sees the scheduled rotation (the latest one).
      const latest = await server.rotations.waitFor(name);
      expect(latest.token).toBe(outcomes[1]?.token);
      expect(new Set(events.map((e) => e.ClientRequestToken)).size).toBe(3);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      // Windows open at midnight of 2 January and 1 February; the server's time is now 2 February.
      expect(described.LastRotatedDate?.getTime()).toBe(utc('2027-02-01T00:00:00Z'));
      expect(described.NextRotationDate?.getTime()).toBe(utc('2027-03-03T23:59:59Z'));
      expect(server.clock.now()).toBe(START + 61 * DAY);
      const current = await client.send(new GetSecretValueCommand({ SecretId: name }));
      expect(current.VersionId).toBe(outcomes[1]?.token);
    }));

  it('a cron() schedule rotates at each occurrence, inside its Duration', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { ScheduleExpression: 'cron(0 4/12 * * ? *)', Duration: '3h' }, false);
      await server.rotations.waitFor(name);
      const rotatedAt: number[] = [];
      server.rotations.onFinished(() => rotatedAt.push(server.clock.now()));
      const outcomes = await server.clock.advance({ hours: 24 });
      expect(outcomes.every((o) => o.succeeded)).toBe(true);
      expect(rotatedAt).toEqual([utc('2026-12-04T04:00:00Z'), utc('2026-12-04T16:00:00Z')]);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.NextRotationDate?.getTime()).toBe(utc('2026-12-05T06:59:59Z'));
    }));

  it('a failed scheduled rotation is retried with the same token later in its window', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name, events } = await secret(1);
      await configure(client, name, { ScheduleExpression: 'rate(1 day)', Duration: '6h' }, false);
      await server.rotations.waitFor(name);
      const outcomes = await server.clock.advance({ hours: 12 });
      expect(outcomes.map((o) => [o.succeeded, o.failedStep])).toEqual([
        [false, 'createSecret'],
        [true, undefined],
      ]);
      expect(outcomes[1]?.token).toBe(outcomes[0]?.token);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      // The window of 4 December is 00:00-06:00; the retry came a third of it later.
      expect(described.LastRotatedDate?.getTime()).toBe(utc('2026-12-04T02:00:00Z'));
      expect(events.filter((e) => e.Step === 'createSecret')).toHaveLength(2);
    }));

  it('a rotation still failing when its window closes is left as it stands, NextRotationDate in the past', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name } = await secret(Number.POSITIVE_INFINITY);
      await configure(client, name, { ScheduleExpression: 'rate(1 day)', Duration: '6h' }, false);
      await server.rotations.waitFor(name);
      const outcomes = await server.clock.advance({ days: 3 });
      expect(outcomes.map((o) => o.succeeded)).toEqual([false, false, false]);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.NextRotationDate?.getTime()).toBe(utc('2026-12-04T05:59:59Z'));
      expect(Object.values(described.VersionIdsToStages ?? {})).toContainEqual(['AWSPENDING']);
      await expectServiceError(
        client.send(new RotateSecretCommand({ SecretId: name })),
        'InvalidRequestException',
        "A previous rotation isn't complete. That rotation will be reattempted.",
      );
      // A schedule change while that rotation is pending is refused the same way, and changes nothing.
      await expectServiceError(
        client.send(
          new RotateSecretCommand({
            SecretId: name,
            RotationRules: { AutomaticallyAfterDays: 7 },
            RotateImmediately: false,
          }),
        ),
        'InvalidRequestException',
        "A previous rotation isn't complete. That rotation will be reattempted.",
      );
      const after = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(after.RotationRules).toEqual(described.RotationRules);
      expect(after.NextRotationDate).toEqual(described.NextRotationDate);
    }));

  it('a window that closed while the server was down is not started late after a restart', () =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      const name = uniqueName('missed');
      let invocations = 0;
      const failing = async () => {
        invocations += 1;
        throw new Error('createSecret failed on purpose');
      };
      let server = await startLocalSecretsManager({ dataFile, clock: () => START });
      let client = new SecretsManagerClient(server.clientConfig);
      server.registerFunction(FN, failing);
      await client.send(new CreateSecretCommand({ Name: name, SecretString: '{"password":"old"}' }));
      await client.send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: FN,
          RotationRules: { ScheduleExpression: 'rate(1 day)', Duration: '6h' },
          RotateImmediately: false,
        }),
      );
      await server.rotations.waitFor(name);
      expect((await server.clock.advance({ days: 1 })).map((o) => o.succeeded)).toEqual([
        false,
        false,
        false,
      ]);
      client.destroy();
      await server.stop();

      // Two days later (the window of 4 December closed long ago), from the same data file.
      invocations = 0;
      server = await startLocalSecretsManager({ dataFile, clock: () => START + 3 * DAY });
      client = new SecretsManagerClient(server.clientConfig);
      server.registerFunction(FN, failing);
      try {
        expect(await server.clock.advance({ hours: 1 })).toEqual([]);
        expect(invocations).toBe(0);
      } finally {
        client.destroy();
        await server.stop();
      }
    }));

  it('CancelRotateSecret stops the schedule', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { AutomaticallyAfterDays: 1 }, false);
      await server.rotations.waitFor(name);
      await client.send(new CancelRotateSecretCommand({ SecretId: name }));
      expect(await server.clock.advance({ days: 5 })).toEqual([]);
    }));

  it('a replicated secret is rotated once, in its primary region; the replica follows and is never rotated itself', async () =>
    withServer(async ({ server, client, secret, warnings }) => {
      const { name, events } = await secret();
      await configure(client, name, { AutomaticallyAfterDays: 30 }, false);
      await server.rotations.waitFor(name);
      await client.send(
        new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'eu-west-1' }] }),
      );
      const replicaClient = new SecretsManagerClient({ ...server.clientConfig, region: 'eu-west-1' });
      try {
        const outcomes = await server.clock.advance({ days: 31 });
        expect(outcomes.map((o) => o.succeeded)).toEqual([true]);
        expect(outcomes[0]?.secretArn).toContain(':us-east-1:');
        expect(new Set(events.map((e) => e.SecretId))).toEqual(new Set([outcomes[0]?.secretArn]));
        const primary = await client.send(new GetSecretValueCommand({ SecretId: name }));
        const replica = await replicaClient.send(new GetSecretValueCommand({ SecretId: name }));
        expect(replica.VersionId).toBe(outcomes[0]?.token);
        expect(replica.SecretString).toBe(primary.SecretString);
        // Not even tried on the replica (it would refuse RotateSecret, and the server would warn).
        expect(warnings).toEqual([]);
      } finally {
        replicaClient.destroy();
      }
    }));

  it('rejects a negative span, and a clockSpeed below 1, with a named error', async () => {
    await withServer(async ({ server }) => {
      expect(() => server.clock.advance(-1)).toThrow(ConfigurationError);
    });
    await expect(startLocalSecretsManager({ clockSpeed: 0.5 })).rejects.toThrow(ConfigurationError);
  });

  it('clockSpeed runs the server time faster than its base clock', async () => {
    let base = START;
    const server = await startLocalSecretsManager({ clock: () => base, clockSpeed: 3600 });
    try {
      base += 1000; // one second of the base clock...
      expect(server.clock.now()).toBe(START + HOUR); // ...is an hour of the server's
    } finally {
      await server.stop();
    }
  });
});

describe('local Secrets Manager: RotateImmediately=false and schedule changes', () => {
  it('runs only testSecret now and leaves the rotation to the schedule', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name, events } = await secret();
      const configured = await configure(client, name, { AutomaticallyAfterDays: 2 }, false);
      const tested = await server.rotations.waitFor(name);
      expect(tested.completedSteps).toEqual(['testSecret']);
      expect(events.map((e) => [e.Step, e.ClientRequestToken])).toEqual([
        ['testSecret', configured.VersionId],
      ]);
      const [scheduled] = await server.clock.advance({ days: 2 });
      expect(scheduled?.completedSteps).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    }));

  it('a new schedule given with RotateImmediately=false replaces the scheduled window (a documented choice)', async () =>
    withServer(async ({ server, client, secret }) => {
      const { name } = await secret();
      await configure(client, name, { AutomaticallyAfterDays: 2 }, false);
      await server.rotations.waitFor(name);
      await configure(client, name, { ScheduleExpression: 'cron(0 12 ? * TUE *)' }, false);
      await server.rotations.waitFor(name);
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.NextRotationDate?.getTime()).toBe(utc('2026-12-08T23:59:59Z'));
      const rotatedAt: number[] = [];
      server.rotations.onFinished(() => rotatedAt.push(server.clock.now()));
      await server.clock.advance({ days: 7 });
      expect(rotatedAt).toEqual([utc('2026-12-08T12:00:00Z')]);
    }));
});
