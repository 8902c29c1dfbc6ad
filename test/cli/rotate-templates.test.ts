// `rotation-kit rotate` knows every deployable template: the list matches templates/, and the Redis
// ones run against a real redis-server through the local Secrets Manager over HTTP (the Redshift
// ones share the PostgreSQL path, proven by test/e2e/redshift-templates.test.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { TEMPLATES, TEMPLATE_NAMES, templateWiring } from '../../src/cli/support/templates.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { describeWithRedis, redisTestDatabase, startRedisServer } from '../support/redis-server.js';
import type { StartedRedis } from '../support/redis-server.js';
import { expectNoSecrets, jsonOf, runCli } from './support/cli.js';

it('lists every template in templates/, with the adapter and strategy its index.ts wires', async () => {
  const dir = resolve(__dirname, '../../templates');
  const built = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  expect([...TEMPLATE_NAMES].sort()).toEqual(built.sort());
  for (const name of TEMPLATE_NAMES) {
    const source = readFileSync(join(dir, name, 'index.ts'), 'utf8');
    const { wiring, strategy } = await templateWiring(name);
    const [, factory, call] = /adapter: (\w+)\(.*\), strategy: (\w+)\(/.exec(wiring) ?? [];
    expect(source).toContain(`adapter: ${factory}(`);
    // A template without `strategy:` gets createRotationHandler's default, singleUser().
    const templateCall = /strategy: (\w+)\(/.exec(source)?.[1] ?? 'singleUser';
    expect(`${name}: ${templateCall}`).toBe(`${name}: ${call}`);
    expect(strategy.name).toBe(TEMPLATES[name].strategy);
  }
});

describeWithRedis('rotate with the Redis templates, on a real redis-server', () => {
  let redis: StartedRedis;
  let local: LocalSecretsManager;
  let client: SecretsManagerClient;
  const db = redisTestDatabase(() => redis, 'rk_cli');

  beforeAll(async () => {
    redis = await startRedisServer();
    local = await startLocalSecretsManager();
    client = new SecretsManagerClient(local.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await local?.stop();
    await redis?.stop();
  });

  async function userSecret(password: string): Promise<{ name: string; username: string }> {
    const username = db.uniqueUser();
    await db.createUser(username, password);
    const admin = await client.send(
      new CreateSecretCommand({
        Name: `${username}/admin`,
        SecretString: JSON.stringify(db.superuserSecret()),
      }),
    );
    const value = { ...db.userSecret(username, password), masterarn: admin.ARN };
    await client.send(new CreateSecretCommand({ Name: username, SecretString: JSON.stringify(value) }));
    return { name: username, username };
  }

  async function password(secretId: string, stage: string): Promise<string> {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
    );
    return (JSON.parse(SecretString as string) as { password: string }).password;
  }

  it('a Redis secret calls for redis-single-user: the new password logs in, the old one no longer does', async () => {
    const { name, username } = await userSecret('Start-Pa55-cli');
    const run = await runCli(['rotate', name, '--endpoint', local.endpoint, '--json']);
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toMatchObject({
      ok: true,
      template: 'redis-single-user',
      templateChosenBecause: 'engine "redis", a masterarn (superuser secret)',
    });
    const current = await password(name, 'AWSCURRENT');
    expect(await db.loginWorks(username, current)).toBe(true);
    expect(await db.loginWorks(username, 'Start-Pa55-cli')).toBe(false);
    expectNoSecrets(run, ['Start-Pa55-cli', current, db.superuserPassword()]);
  });

  it('--template redis-dual-password keeps the previous password working', async () => {
    const { name, username } = await userSecret('Start-Pa55-dual');
    const run = await runCli([
      'rotate',
      name,
      '--endpoint',
      local.endpoint,
      '--template',
      'redis-dual-password',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toMatchObject({ ok: true, template: 'redis-dual-password' });
    expect(await db.loginWorks(username, await password(name, 'AWSCURRENT'))).toBe(true);
    expect(await db.loginWorks(username, await password(name, 'AWSPREVIOUS'))).toBe(true);
  });
});
