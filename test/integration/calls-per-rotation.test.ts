// The Secrets Manager call budget of a rotation: a full postgres single-user rotation in a warm
// container makes at most 10 calls (AWS's own PostgreSQL template makes 14). Counted by an SDK
// middleware on the client the handler is given, against the local Secrets Manager over HTTP and the
// real PostgreSQL from globalSetup.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import { createPostgresAdapter } from '../../src/adapters/postgres/index.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { createRotationHandler, silentLogger, singleUser } from '../../src/index.js';
import { createRole, dropRoles, loginWorks, superuserSecret, uniqueRole } from '../support/postgres.js';
import { countCalls } from '../../src/testing/call-counter.js';

const CALL_BUDGET = 10;

describe('Secrets Manager calls per rotation', () => {
  let local: LocalSecretsManager;
  let admin: SecretsManagerClient;
  const role = uniqueRole('rk_calls');

  beforeAll(async () => {
    local = await startLocalSecretsManager();
    admin = new SecretsManagerClient(local.clientConfig);
    await createRole(role, 'Calls-Start-Pa55');
  });
  afterAll(async () => {
    admin?.destroy();
    await local?.stop();
    await dropRoles([role]);
  });

  it(`a warm postgres single-user rotation makes at most ${CALL_BUDGET} calls, listed per step`, async () => {
    let step = '(none)';
    const client = new SecretsManagerClient({ ...local.clientConfig, maxAttempts: 1 });
    const calls = countCalls(client, () => step);
    const handler = createRotationHandler({
      adapter: createPostgresAdapter(),
      strategy: singleUser(),
      secretsManager: client,
      logger: silentLogger,
    });
    const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:calls-per-rotation';
    local.registerFunction(functionArn, async (event: SecretsManagerRotationEvent) => {
      step = event.Step;
      await handler(event, {} as Context, () => undefined);
    });

    const { ARN } = await admin.send(
      new CreateSecretCommand({
        Name: `calls/${role}`,
        SecretString: JSON.stringify(superuserSecret({ username: role, password: 'Calls-Start-Pa55' })),
      }),
    );
    const { VersionId } = await admin.send(
      new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: functionArn }),
    );
    const outcome = await local.rotations.waitFor(ARN as string, { token: VersionId });
    client.destroy();
    expect(outcome.error).toBeUndefined();
    expect(outcome.succeeded).toBe(true);
    const { SecretString } = await admin.send(new GetSecretValueCommand({ SecretId: ARN }));
    expect(await loginWorks(JSON.parse(SecretString as string))).toBe(true);
    expect(await loginWorks(superuserSecret({ username: role, password: 'Calls-Start-Pa55' }))).toBe(false);

    const perStep: Record<string, string[]> = {};
    for (const call of calls) (perStep[call.step] ??= []).push(call.operation);
    // The happy path, call by call: a change here is a change to the budget, worth a look.
    expect(perStep).toEqual({
      createSecret: ['DescribeSecret', 'GetSecretValue', 'PutSecretValue'],
      setSecret: ['DescribeSecret'],
      testSecret: ['DescribeSecret'],
      finishSecret: ['DescribeSecret', 'UpdateSecretVersionStage', 'UpdateSecretVersionStage'],
    });
    expect(calls.length).toBeLessThanOrEqual(CALL_BUDGET);
  });
});
