// The Secrets Manager call budget of a rotation, against the local Secrets Manager over HTTP and the
// real PostgreSQL from globalSetup, counted by an SDK middleware on the client the handler is given.
// A warm postgres single-user rotation (a container that rotated the secret before, as Lambda keeps
// it between scheduled rotations) makes 7 calls: one DescribeSecret per invocation, PutSecretValue,
// two UpdateSecretVersionStage. The password is made in the function and AWSCURRENT's value comes
// from the version cache (it was the previous rotation's AWSPENDING). AWS's own template makes 14.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import { createPostgresAdapter } from '../../src/adapters/postgres/index.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { alternatingUsers, createRotationHandler, silentLogger, singleUser } from '../../src/index.js';
import type { PasswordSource, RotationStrategy } from '../../src/index.js';
import { callsByStep, countCalls } from '../../src/testing/call-counter.js';
import { createRole, dropRoles, loginWorks, superuserSecret, uniqueRole } from '../support/postgres.js';

const WARM_SINGLE_USER_BUDGET = 7;

type CallsByStep = Record<string, string[]>;

describe('Secrets Manager calls per rotation', () => {
  let local: LocalSecretsManager;
  let admin: SecretsManagerClient;
  const roles: string[] = [];

  beforeAll(async () => {
    local = await startLocalSecretsManager();
    admin = new SecretsManagerClient(local.clientConfig);
  });
  afterAll(async () => {
    admin?.destroy();
    await local?.stop();
    await dropRoles(roles);
  });

  /** A new role and its secret (naming the superuser's secret in `masterarn` for multi-user). */
  async function newSecret(multiUser: boolean): Promise<{ arn: string; role: string }> {
    const role = uniqueRole('rk_calls');
    roles.push(role, `${role}_clone`);
    await createRole(role, 'Calls-Start-Pa55');
    const masterarn = multiUser
      ? (
          await admin.send(
            new CreateSecretCommand({
              Name: `calls/${role}/superuser`,
              SecretString: JSON.stringify(superuserSecret()),
            }),
          )
        ).ARN
      : undefined;
    const secret = {
      ...superuserSecret({ username: role, password: 'Calls-Start-Pa55' }),
      ...(masterarn ? { masterarn } : {}),
    };
    const { ARN } = await admin.send(
      new CreateSecretCommand({ Name: `calls/${role}`, SecretString: JSON.stringify(secret) }),
    );
    return { arn: ARN as string, role };
  }

  /**
   * One handler, as a Lambda container keeps it, rotating `secretArn` `rotations` times through
   * RotateSecret; returns each rotation's calls by step, after checking AWSCURRENT logs in.
   */
  async function rotateInOneContainer(
    { arn: secretArn, role }: { arn: string; role: string },
    options: { strategy: RotationStrategy; passwordSource?: PasswordSource; rotations: number },
  ): Promise<CallsByStep[]> {
    let step = '(none)';
    const client = new SecretsManagerClient({ ...local.clientConfig, maxAttempts: 1 });
    const calls = countCalls(client, () => step);
    const handler = createRotationHandler({
      adapter: createPostgresAdapter(),
      strategy: options.strategy,
      ...(options.passwordSource ? { passwordSource: options.passwordSource } : {}),
      secretsManager: client,
      logger: silentLogger,
    });
    const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:calls-${role}`;
    local.registerFunction(functionArn, async (event: SecretsManagerRotationEvent) => {
      step = event.Step;
      await handler(event, {} as Context, () => undefined);
    });
    const perRotation: CallsByStep[] = [];
    try {
      for (let i = 0; i < options.rotations; i++) {
        const before = calls.length;
        const { VersionId } = await admin.send(
          new RotateSecretCommand({ SecretId: secretArn, RotationLambdaARN: functionArn }),
        );
        const outcome = await local.rotations.waitFor(secretArn, { token: VersionId });
        expect(outcome.error).toBeUndefined();
        expect(outcome.succeeded).toBe(true);
        const { SecretString } = await admin.send(new GetSecretValueCommand({ SecretId: secretArn }));
        expect(await loginWorks(JSON.parse(SecretString as string))).toBe(true);
        perRotation.push(callsByStep(calls.slice(before)));
      }
    } finally {
      client.destroy();
    }
    return perRotation;
  }

  const total = (byStep: CallsByStep) => Object.values(byStep).flat().length;
  const FINISH = ['DescribeSecret', 'UpdateSecretVersionStage', 'UpdateSecretVersionStage'];

  it(`a warm postgres single-user rotation makes ${WARM_SINGLE_USER_BUDGET} calls, listed per step; the container's first makes 8`, async () => {
    const secret = await newSecret(false);
    const [first, warm] = await rotateInOneContainer(secret, { strategy: singleUser(), rotations: 2 });
    const start = superuserSecret({ username: secret.role, password: 'Calls-Start-Pa55' });
    expect(await loginWorks(start)).toBe(false);
    // The happy path, call by call: a change here is a change to the budget, worth a look.
    expect(first).toEqual({
      createSecret: ['DescribeSecret', 'GetSecretValue', 'PutSecretValue'],
      setSecret: ['DescribeSecret'],
      testSecret: ['DescribeSecret'],
      finishSecret: FINISH,
    });
    expect(warm).toEqual({
      createSecret: ['DescribeSecret', 'PutSecretValue'],
      setSecret: ['DescribeSecret'],
      testSecret: ['DescribeSecret'],
      finishSecret: FINISH,
    });
    expect(total(warm as CallsByStep)).toBe(WARM_SINGLE_USER_BUDGET);
  });

  it('a warm postgres multi-user rotation makes 8 calls: the superuser secret is read by label, never cached', async () => {
    const [first, warm] = await rotateInOneContainer(await newSecret(true), {
      strategy: alternatingUsers(),
      rotations: 2,
    });
    const withSuperuser = {
      setSecret: ['DescribeSecret', 'GetSecretValue'],
      testSecret: ['DescribeSecret'],
      finishSecret: FINISH,
    };
    expect(first).toEqual({
      createSecret: ['DescribeSecret', 'GetSecretValue', 'PutSecretValue'],
      ...withSuperuser,
    });
    expect(warm).toEqual({ createSecret: ['DescribeSecret', 'PutSecretValue'], ...withSuperuser });
    expect(total(warm as CallsByStep)).toBe(8);
  });

  it("passwordSource 'secrets-manager' adds GetRandomPassword: 8 calls warm", async () => {
    const [, warm] = await rotateInOneContainer(await newSecret(false), {
      strategy: singleUser(),
      passwordSource: 'secrets-manager',
      rotations: 2,
    });
    expect(warm?.createSecret).toEqual(['DescribeSecret', 'GetRandomPassword', 'PutSecretValue']);
    expect(total(warm as CallsByStep)).toBe(WARM_SINGLE_USER_BUDGET + 1);
  });
});
