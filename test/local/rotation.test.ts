import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager } from '../../src/local/index.js';
import { expectServiceError, newToken, uniqueName, useLocalSecretsManager } from './support/localServer.js';
import { startInvokeEndpoint, templateRotationFunction } from './support/rotationFunctions.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate';

describe('local Secrets Manager: RotateSecret runs the rotation as AWS does', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();
  const functions: { destroy(): void }[] = [];
  afterAll(() => functions.forEach((f) => f.destroy()));

  /** A secret with a value, and a fresh template function registered under its own ARN. */
  async function setUp(failAt?: string) {
    const name = uniqueName();
    const original = newToken();
    const { ARN } = await client().send(
      new CreateSecretCommand({
        Name: name,
        SecretString: '{"password":"old"}',
        ClientRequestToken: original,
      }),
    );
    const fn = templateRotationFunction(local.server().clientConfig, failAt);
    functions.push(fn);
    const arn = `${FN}-${name}`;
    local.server().registerFunction(arn, fn.handler);
    return { name, arn: ARN as string, original, fn, functionArn: arn };
  }

  it('answers at once with the token, then invokes the four steps in order with the ARN and token', async () => {
    const { name, arn, original, fn, functionArn } = await setUp();
    const token = newToken();
    const rotated = await client().send(
      new RotateSecretCommand({
        SecretId: name,
        ClientRequestToken: token,
        RotationLambdaARN: functionArn,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    expect(rotated).toMatchObject({ ARN: arn, Name: name, VersionId: token });
    const outcome = await local.server().rotations.waitFor(name);
    expect(outcome).toMatchObject({
      secretArn: arn,
      token,
      succeeded: true,
      completedSteps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    });
    expect(fn.events).toEqual(
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((Step) => ({
        Step,
        SecretId: arn,
        ClientRequestToken: token,
      })),
    );
    // The function saw the placeholder RotateSecret made: AWSPENDING on the token, before any value.
    expect(fn.observed[0]?.stages).toEqual({ [original]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });

    const described = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({
      [original]: ['AWSPREVIOUS'],
      [token]: ['AWSPENDING', 'AWSCURRENT'],
    });
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: functionArn,
      RotationRules: { AutomaticallyAfterDays: 30 },
    });
    expect(described.LastRotatedDate).toBeInstanceOf(Date);
    // The last second of the UTC day 30 days after the rotation's day.
    const rotatedDay = Math.floor((described.LastRotatedDate as Date).getTime() / 86_400_000);
    expect((described.NextRotationDate as Date).getTime()).toBe((rotatedDay + 31) * 86_400_000 - 1000);
    const current = await client().send(new GetSecretValueCommand({ SecretId: name }));
    expect(current.VersionId).toBe(token);
    expect(current.SecretString).not.toBe('{"password":"old"}');
  });

  it('leaves the placeholder without a value until createSecret fills it', async () => {
    const { name, functionArn } = await setUp('createSecret');
    const token = newToken();
    await client().send(
      new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: functionArn }),
    );
    await local.server().rotations.waitFor(name, { token });
    await expectServiceError(
      client().send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    );
  });

  it('stops at the first failing step, reports it, and leaves the secret as AWS would', async () => {
    const { name, original, fn, functionArn } = await setUp('testSecret');
    const token = newToken();
    await client().send(
      new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: functionArn }),
    );
    const outcome = await local.server().rotations.waitFor(name);
    expect(outcome).toMatchObject({
      succeeded: false,
      completedSteps: ['createSecret', 'setSecret'],
      failedStep: 'testSecret',
      error: { name: 'Error', message: 'testSecret failed on purpose' },
    });
    expect(fn.events.map((e) => e.Step)).toEqual(['createSecret', 'setSecret', 'testSecret']);
    const described = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [original]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    expect(described.LastRotatedDate).toBeUndefined();
    expect(described.RotationEnabled).toBe(true);
    // The pending value was written by createSecret; AWSCURRENT did not move.
    expect((await client().send(new GetSecretValueCommand({ SecretId: name }))).VersionId).toBe(original);

    await expectServiceError(
      client().send(new RotateSecretCommand({ SecretId: name })),
      'InvalidRequestException',
      "A previous rotation isn't complete. That rotation will be reattempted.",
    );
    // CancelRotateSecret reports the unfinished version and leaves AWSPENDING where it is.
    const cancelled = await client().send(new CancelRotateSecretCommand({ SecretId: name }));
    expect(cancelled.VersionId).toBe(token);
    const after = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(after.RotationEnabled).toBe(false);
    expect(after.RotationLambdaARN).toBe(functionArn);
    expect(after.VersionIdsToStages?.[token]).toEqual(['AWSPENDING']);
  });

  it('rotates again after a successful rotation (AWSPENDING on the current version is not unfinished)', async () => {
    const { name, functionArn } = await setUp();
    await client().send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: functionArn }));
    expect((await local.server().rotations.waitFor(name)).succeeded).toBe(true);
    const second = newToken();
    // The stored function ARN is reused when none is given.
    await client().send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: second }));
    const outcome = await local.server().rotations.waitFor(name, { token: second });
    expect(outcome.succeeded).toBe(true);
    expect((await client().send(new GetSecretValueCommand({ SecretId: name }))).VersionId).toBe(second);
  });

  it('with RotateImmediately=false only runs testSecret against a copy of the current value, then removes it', async () => {
    const { name, original, fn, functionArn } = await setUp();
    const token = newToken();
    await client().send(
      new RotateSecretCommand({
        SecretId: name,
        ClientRequestToken: token,
        RotationLambdaARN: functionArn,
        RotateImmediately: false,
      }),
    );
    const outcome = await local.server().rotations.waitFor(name);
    expect(outcome).toMatchObject({
      succeeded: true,
      rotateImmediately: false,
      completedSteps: ['testSecret'],
    });
    expect(fn.events.map((e) => e.Step)).toEqual(['testSecret']);
    const described = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [original]: ['AWSCURRENT'] });
    expect(described.RotationEnabled).toBe(true);
    expect(described.LastRotatedDate).toBeUndefined();
  });

  it('refuses to rotate without a function ARN, and saves nothing for a function it cannot invoke', async () => {
    const { name } = await setUp();
    await expectServiceError(
      client().send(new RotateSecretCommand({ SecretId: name })),
      'InvalidRequestException',
      'No Lambda rotation function ARN is associated with this secret.',
    );
    await expectServiceError(
      client().send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: `${FN}-unregistered` })),
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    );
    const described = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
    expect(Object.keys(described.VersionIdsToStages ?? {})).toHaveLength(1);
  });

  it('checks RotationRules: AutomaticallyAfterDays 1-1000, Duration like 4h', async () => {
    const { name, functionArn } = await setUp();
    const rotate = (RotationRules: object) =>
      client().send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: functionArn,
          RotationRules,
          RotateImmediately: false,
        }),
      );
    await expectServiceError(
      rotate({ AutomaticallyAfterDays: 1001 }),
      'ValidationException',
      "1 validation error detected: Value '1001' at 'rotationRules.automaticallyAfterDays' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    await expectServiceError(
      rotate({ AutomaticallyAfterDays: 0 }),
      'ValidationException',
      "1 validation error detected: Value '0' at 'rotationRules.automaticallyAfterDays' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await expectServiceError(
      rotate({ Duration: '4d' }),
      'ValidationException',
      "1 validation error detected: Value '4d' at 'rotationRules.duration' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+h",
    );
    await expectServiceError(
      client().send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: 'x'.repeat(2049) })),
      'ValidationException',
      `1 validation error detected: Value '${'x'.repeat(2049)}' at 'rotationLambdaARN' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    await rotate({ AutomaticallyAfterDays: 1000, Duration: '24h' });
    await local.server().rotations.waitFor(name);
    await rotate({ AutomaticallyAfterDays: 1 });
    await local.server().rotations.waitFor(name);
  });
});

describe('local Secrets Manager: rotation through an HTTP invoke URL (Lambda RIE style)', () => {
  it('POSTs each step to the URL and reads an errorType/errorMessage answer as a failure', async () => {
    const server = await startLocalSecretsManager();
    const client = new SecretsManagerClient(server.clientConfig);
    const good = templateRotationFunction(server.clientConfig);
    const bad = templateRotationFunction(server.clientConfig, 'setSecret');
    const goodEndpoint = await startInvokeEndpoint(good.handler);
    const badEndpoint = await startInvokeEndpoint(bad.handler);
    try {
      server.registerFunction(`${FN}-http`, goodEndpoint.url);
      await client.send(new CreateSecretCommand({ Name: 'via-http', SecretString: 'v' }));
      await client.send(new RotateSecretCommand({ SecretId: 'via-http', RotationLambdaARN: `${FN}-http` }));
      expect((await server.rotations.waitFor('via-http')).succeeded).toBe(true);
      expect(good.events.map((e) => e.Step)).toEqual([
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ]);

      // A RotationLambdaARN that is itself an invoke URL needs no registration.
      await client.send(new CreateSecretCommand({ Name: 'via-url', SecretString: 'v' }));
      await client.send(new RotateSecretCommand({ SecretId: 'via-url', RotationLambdaARN: badEndpoint.url }));
      const outcome = await server.rotations.waitFor('via-url');
      expect(outcome).toMatchObject({
        succeeded: false,
        failedStep: 'setSecret',
        error: { name: 'Error', message: 'setSecret failed on purpose' },
      });

      // An endpoint that is not listening fails the first step.
      await goodEndpoint.stop();
      await client.send(new CreateSecretCommand({ Name: 'via-nothing', SecretString: 'v' }));
      await client.send(
        new RotateSecretCommand({ SecretId: 'via-nothing', RotationLambdaARN: `${FN}-http` }),
      );
      const unreachable = await server.rotations.waitFor('via-nothing');
      expect(unreachable).toMatchObject({
        succeeded: false,
        failedStep: 'createSecret',
        error: { name: 'InvokeFailed' },
      });
    } finally {
      await badEndpoint.stop();
      good.destroy();
      bad.destroy();
      client.destroy();
      await server.stop();
    }
  });
});
