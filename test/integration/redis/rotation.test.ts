// Real rotations of Redis ACL users: the local Secrets Manager runs RotateSecret and invokes the
// template's handler (templates/redis-single-user/index.ts, loaded as a Lambda would load it) step
// by step, against a real redis-server. Nothing is mocked.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent, SecretsManagerRotationHandler } from 'aws-lambda';
import { createRedisAdapter } from '../../../src/adapters/redis/adapter.js';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import type { LocalSecretsManager } from '../../../src/local/index.js';
import { alternatingUsers, createRotationHandler, silentLogger } from '../../../src/index.js';
import { describeWithRedis, loginWorks, redisCall, startRedisServer } from '../../support/redis-server.js';
import type { StartedRedis } from '../../support/redis-server.js';

const APP_RULES = ['~app:*', 'resetchannels', '&app-events', '-@all', '+get', '+set', '+ping'];

/** The handler as the local service calls it: the event only, as a Lambda runtime would pass it. */
const asFunction =
  (handler: SecretsManagerRotationHandler) =>
  (event: SecretsManagerRotationEvent): unknown =>
    handler(event, {} as Context, () => undefined);

async function valueOf(client: SecretsManagerClient, secretId: string, stage = 'AWSCURRENT') {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
  );
  return JSON.parse(SecretString as string) as Record<string, unknown> & {
    username: string;
    password: string;
  };
}

/** `ACL GETUSER` as an object, without the password hashes. */
async function aclWithoutPasswords(redis: StartedRedis, user: string): Promise<Record<string, unknown>> {
  const reply = (await redisCall(redis, ['ACL', 'GETUSER', user])) as unknown[];
  const acl: Record<string, unknown> = {};
  for (let i = 0; i < reply.length; i += 2) acl[String(reply[i])] = reply[i + 1];
  delete acl.passwords;
  return acl;
}

describeWithRedis('Redis ACL users: real rotations through the local Secrets Manager', () => {
  let redis: StartedRedis;
  let local: LocalSecretsManager;
  let client: SecretsManagerClient;
  let entryHandler: SecretsManagerRotationHandler;
  let dualHandler: SecretsManagerRotationHandler;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    redis = await startRedisServer({ users: 'aclfile' });
    local = await startLocalSecretsManager();
    client = new SecretsManagerClient(local.clientConfig);
    // The entry reads its settings at load time, as a Lambda does at cold start.
    process.env.SECRETS_MANAGER_ENDPOINT = local.endpoint;
    process.env.ROTATION_KIT_REDIS_PERSIST = 'acl-save';
    ({ handler: entryHandler } = await import('../../../templates/redis-single-user/index.js'));
    ({ handler: dualHandler } = await import('../../../templates/redis-dual-password/index.js'));
  });
  afterAll(async () => {
    process.env = savedEnv;
    client?.destroy();
    await local?.stop();
    await redis?.stop();
  });

  /** A secret for a Redis user, as JSON, pointing at the test server. */
  const secretJson = (username: string, password: string, extra: object = {}) =>
    JSON.stringify({
      engine: 'redis',
      host: redis.host,
      port: redis.port,
      username,
      password,
      sslmode: 'disable',
      ...extra,
    });

  async function createSecret(name: string, value: string): Promise<string> {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    return ARN as string;
  }

  async function rotate(secretId: string, functionArn: string) {
    await client.send(new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: functionArn }));
    return local.rotations.waitFor(secretId);
  }

  /** Rotates while capturing what the handler writes to stdout (its log lines), to check for passwords. */
  async function rotateCapturingStdout(secretId: string, functionArn: string) {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      return { outcome: await rotate(secretId, functionArn), lines };
    } finally {
      write.mockRestore();
    }
  }

  it('single user, changed by the superuser: the entry rotates, logs no password, and the change survives a restart', async () => {
    await redisCall(redis, ['ACL', 'SETUSER', 'app', 'reset', 'on', '>Start-Pa55', ...APP_RULES]);
    const aclBefore = await aclWithoutPasswords(redis, 'app');
    const adminArn = await createSecret(
      'redis/admin',
      secretJson(redis.admin.username, redis.admin.password),
    );
    await createSecret('redis/app', secretJson('app', 'Start-Pa55', { masterarn: adminArn }));
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:redis-acl-entry';
    local.registerFunction(fn, asFunction(entryHandler));

    const { outcome, lines } = await rotateCapturingStdout('redis/app', fn);
    expect(outcome).toMatchObject({
      succeeded: true,
      completedSteps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    });

    const current = await valueOf(client, 'redis/app');
    const previous = await valueOf(client, 'redis/app', 'AWSPREVIOUS');
    expect(previous.password).toBe('Start-Pa55');
    expect(current).toMatchObject({ engine: 'redis', username: 'app', masterarn: adminArn });
    expect(current.password).not.toBe('Start-Pa55');
    expect(await loginWorks(redis, 'app', current.password)).toBe(true);
    expect(await loginWorks(redis, 'app', 'Start-Pa55')).toBe(false);
    // Only the password changed: the user's permissions are as before.
    expect(await aclWithoutPasswords(redis, 'app')).toEqual(aclBefore);

    const log = lines.join('');
    expect(log).toContain('"loggedInWith":"masterarn"');
    for (const secret of [current.password, 'Start-Pa55', redis.admin.password])
      expect(log).not.toContain(secret);

    // REDIS_ACL_PERSIST=acl-save wrote the change to the ACL file: a restart keeps it.
    await redis.restart();
    expect(await loginWorks(redis, 'app', current.password)).toBe(true);
    expect(await loginWorks(redis, 'app', 'Start-Pa55')).toBe(false);
  });

  it('a rotation whose superuser secret is wrong fails at setSecret, changes nothing, and logs no password', async () => {
    await redisCall(redis, ['ACL', 'SETUSER', 'app2', 'reset', 'on', '>Keep-Pa55', ...APP_RULES]);
    const badAdminArn = await createSecret(
      'redis/bad-admin',
      secretJson(redis.admin.username, 'Not-The-Admin-Pa55'),
    );
    await createSecret('redis/app2', secretJson('app2', 'Keep-Pa55', { masterarn: badAdminArn }));
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:redis-acl-entry-2';
    local.registerFunction(fn, asFunction(entryHandler));

    const { outcome, lines } = await rotateCapturingStdout('redis/app2', fn);
    expect(outcome).toMatchObject({
      succeeded: false,
      failedStep: 'setSecret',
      error: { name: 'LoginFailedError' },
    });
    expect((await valueOf(client, 'redis/app2')).password).toBe('Keep-Pa55');
    expect(await loginWorks(redis, 'app2', 'Keep-Pa55')).toBe(true);
    const pending = await valueOf(client, 'redis/app2', 'AWSPENDING');
    const log = lines.join('');
    expect(log).toContain('LoginFailedError');
    for (const secret of [pending.password, 'Keep-Pa55', 'Not-The-Admin-Pa55'])
      expect(log).not.toContain(secret);
  });

  it('alternating users: the clone gets the same ACL, and each rotation leaves the previous credentials working', async () => {
    await redisCall(redis, ['ACL', 'SETUSER', 'svc', 'reset', 'on', '>Svc-Start-Pa55', ...APP_RULES]);
    const adminArn = await createSecret(
      'redis/admin-alt',
      secretJson(redis.admin.username, redis.admin.password),
    );
    await createSecret('redis/svc', secretJson('svc', 'Svc-Start-Pa55', { masterarn: adminArn }));
    const handler = createRotationHandler({
      adapter: createRedisAdapter({ persist: 'acl-save' }),
      strategy: alternatingUsers(),
      secretsManager: client,
      logger: silentLogger,
    });
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:redis-acl-alternating';
    local.registerFunction(fn, asFunction(handler));

    expect(await rotate('redis/svc', fn)).toMatchObject({ succeeded: true });
    const first = await valueOf(client, 'redis/svc');
    expect(first.username).toBe('svc_clone');
    expect(await loginWorks(redis, 'svc_clone', first.password)).toBe(true);
    expect(await loginWorks(redis, 'svc', 'Svc-Start-Pa55')).toBe(true);
    expect(await aclWithoutPasswords(redis, 'svc_clone')).toEqual(await aclWithoutPasswords(redis, 'svc'));

    expect(await rotate('redis/svc', fn)).toMatchObject({ succeeded: true });
    const second = await valueOf(client, 'redis/svc');
    expect(second.username).toBe('svc');
    expect(await loginWorks(redis, 'svc', second.password)).toBe(true);
    expect(await loginWorks(redis, 'svc', 'Svc-Start-Pa55')).toBe(false);
    expect(await loginWorks(redis, 'svc_clone', first.password)).toBe(true);
  });

  it('dual password (template redis-dual-password): after each of three rotations AWSCURRENT and AWSPREVIOUS log in, the one before does not, and the ACL is unchanged', async () => {
    await redisCall(redis, ['ACL', 'SETUSER', 'dual', 'reset', 'on', '>Dual-Start-Pa55', ...APP_RULES]);
    const aclBefore = await aclWithoutPasswords(redis, 'dual');
    const adminArn = await createSecret(
      'redis/admin-dual',
      secretJson(redis.admin.username, redis.admin.password),
    );
    await createSecret('redis/dual', secretJson('dual', 'Dual-Start-Pa55', { masterarn: adminArn }));
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:redis-dual-password';
    local.registerFunction(fn, asFunction(dualHandler));

    const passwords = ['Dual-Start-Pa55'];
    for (let rotation = 1; rotation <= 3; rotation++) {
      const { outcome, lines } = await rotateCapturingStdout('redis/dual', fn);
      expect(outcome).toMatchObject({ succeeded: true });
      const current = await valueOf(client, 'redis/dual');
      for (const secret of [current.password, ...passwords, redis.admin.password])
        expect(lines.join('')).not.toContain(secret);
      const previous = await valueOf(client, 'redis/dual', 'AWSPREVIOUS');
      expect(previous.password).toBe(passwords.at(-1));
      passwords.push(current.password);
      expect(current).toMatchObject({ username: 'dual', masterarn: adminArn });
      expect([rotation, await loginWorks(redis, 'dual', current.password)]).toEqual([rotation, true]);
      expect([rotation, await loginWorks(redis, 'dual', previous.password)]).toEqual([rotation, true]);
      for (const retired of passwords.slice(0, -2)) {
        expect([rotation, await loginWorks(redis, 'dual', retired)]).toEqual([rotation, false]);
      }
      const acl = (await redisCall(redis, ['ACL', 'GETUSER', 'dual'])) as unknown[];
      expect(acl[acl.indexOf('passwords') + 1]).toHaveLength(2);
      expect(await aclWithoutPasswords(redis, 'dual')).toEqual(aclBefore);
    }
    // ROTATION_KIT_REDIS_PERSIST=acl-save: both passwords survive a restart.
    await redis.restart();
    expect(await loginWorks(redis, 'dual', passwords.at(-1) as string)).toBe(true);
    expect(await loginWorks(redis, 'dual', passwords.at(-2) as string)).toBe(true);
  });
});
