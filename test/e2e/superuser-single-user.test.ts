/**
 * Single-user rotation by a superuser (the secret's `masterarn`): for users that may not change
 * their own password, and for a current password that no longer works. Real PostgreSQL, the local
 * Secrets Manager over HTTP, RotateSecret driving the four steps.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createPostgresAdapter } from '../../src/adapters/postgres';
import { createRotationHandler } from '../../src/rotation/handler';
import { singleUser } from '../../src/rotation/strategies/single-user';
import type { SingleUserOptions } from '../../src/rotation/strategies/single-user';
import { silentLogger } from '../../src/shared/logger';
import { startLocalSecretsManager } from '../../src/local';
import type { LocalSecretsManager } from '../../src/local';
import {
  createRole,
  dropRoles,
  loginWorks,
  randomPassword,
  superuserSecret,
  uniqueRole,
  userSecret,
} from '../support/postgres';

describe('single-user rotation by the masterarn superuser', () => {
  let server: LocalSecretsManager;
  let client: SecretsManagerClient;
  const roles: string[] = [];

  beforeAll(async () => {
    server = await startLocalSecretsManager();
    client = new SecretsManagerClient(server.clientConfig);
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
    await dropRoles(roles);
  });

  async function rotate(options: SingleUserOptions, storedPassword: (real: string) => string) {
    const role = uniqueRole('rk_su');
    roles.push(role);
    const real = randomPassword();
    await createRole(role, real);
    const master = await client.send(
      new CreateSecretCommand({ Name: `${role}-master`, SecretString: JSON.stringify(superuserSecret()) }),
    );
    const stored = userSecret(superuserSecret(), role, storedPassword(real));
    await client.send(
      new CreateSecretCommand({
        Name: role,
        SecretString: JSON.stringify({ ...stored, masterarn: master.ARN }),
      }),
    );
    const arn = `arn:aws:lambda:us-east-1:123456789012:function:${role}`;
    server.registerFunction(
      arn,
      createRotationHandler({
        adapter: createPostgresAdapter(),
        strategy: singleUser(options),
        secretsManager: client,
        logger: silentLogger,
        loginRetry: { totalMs: 0 },
      }) as never,
    );
    await client.send(new RotateSecretCommand({ SecretId: role, RotationLambdaARN: arn }));
    const outcome = await server.rotations.waitFor(role);
    return { role, real, outcome };
  }

  async function currentLogsIn(role: string): Promise<boolean> {
    const value = await client.send(new GetSecretValueCommand({ SecretId: role }));
    return loginWorks(JSON.parse(value.SecretString!));
  }

  it('sets the password of a user whose current password was lost (changedBy: self falls back)', async () => {
    const { role, real, outcome } = await rotate({}, () => 'this-password-was-lost');
    expect(outcome).toMatchObject({ succeeded: true });
    const described = await client.send(new DescribeSecretCommand({ SecretId: role }));
    expect(
      Object.values(described.VersionIdsToStages ?? {})
        .flat()
        .sort(),
    ).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    expect(await loginWorks(userSecret(superuserSecret(), role, real))).toBe(false);
    expect(await currentLogsIn(role)).toBe(true);
  });

  it('changedBy: superuser never needs the user to log in to change its password', async () => {
    const { role, real, outcome } = await rotate({ changedBy: 'superuser' }, (password) => password);
    expect(outcome).toMatchObject({ succeeded: true });
    expect(await loginWorks(userSecret(superuserSecret(), role, real))).toBe(false);
    expect(await currentLogsIn(role)).toBe(true);
  });

  it('without masterarn and with a lost password, fails in setSecret naming the cause', async () => {
    const role = uniqueRole('rk_su');
    roles.push(role);
    await createRole(role, randomPassword());
    await client.send(
      new CreateSecretCommand({
        Name: role,
        SecretString: JSON.stringify(userSecret(superuserSecret(), role, 'lost-and-no-superuser')),
      }),
    );
    const arn = `arn:aws:lambda:us-east-1:123456789012:function:${role}`;
    server.registerFunction(
      arn,
      createRotationHandler({
        adapter: createPostgresAdapter(),
        secretsManager: client,
        logger: silentLogger,
        loginRetry: { totalMs: 0 },
      }) as never,
    );
    await client.send(new RotateSecretCommand({ SecretId: role, RotationLambdaARN: arn }));
    const outcome = await server.rotations.waitFor(role);
    expect(outcome).toMatchObject({
      succeeded: false,
      failedStep: 'setSecret',
      error: { name: 'LoginFailedError' },
    });
    expect(outcome.error?.message).not.toContain('lost-and-no-superuser');
  });
});
