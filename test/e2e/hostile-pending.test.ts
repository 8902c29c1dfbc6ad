// A tampered AWSPENDING version, or a superuser secret of another server, must never redirect a
// password change: setSecret compares every key the adapter connects by (TLS may only get
// stricter), and the superuser must name the secret's own server (engine, host, port). Against the
// local Secrets Manager over HTTP and the real PostgreSQL from globalSetup.
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createPostgresAdapter } from '../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../src/adapters/postgres/index.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { createRotationHandler, silentLogger, singleUser } from '../../src/index.js';
import type { RotationStrategy } from '../../src/index.js';
import { createRotationHarness } from '../../src/testing/harness.js';
import {
  createRole,
  dropRoles,
  loginWorks,
  randomPassword,
  superuserSecret,
  uniqueRole,
  userSecret,
} from '../support/postgres.js';
import { closedPort } from './support/single-user-rotation.js';

let local: LocalSecretsManager;
let admin: SecretsManagerClient;
const roles: string[] = [];
// The test server has no TLS: the adapter option keeps every session plaintext, so a secret may
// say `sslmode: require` and the guard still compares what the versions ask for.
const adapter = createPostgresAdapter({ tls: { mode: 'disable' } });

beforeAll(async () => {
  local = await startLocalSecretsManager();
  admin = new SecretsManagerClient(local.clientConfig);
});
afterAll(async () => {
  admin?.destroy();
  await local?.stop();
  await dropRoles(roles);
});

/** A role, its secret, and a rotation stopped at setSecret (createSecret done, AWSPENDING written). */
async function stoppedRotation(current: Partial<PostgresSecret>, strategy: RotationStrategy = singleUser()) {
  const role = uniqueRole('rk_hostile');
  roles.push(role);
  const secret = { ...userSecret(superuserSecret(), role, randomPassword()), ...current };
  await createRole(role, secret.password);
  const name = `hostile/${role}`;
  await admin.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
  const harness = createRotationHarness({
    server: local,
    adapter,
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${role}`,
    createHandler: (deps) =>
      createRotationHandler({ ...deps, strategy, logger: silentLogger, loginRetry: { totalMs: 0 } }),
  });
  const { arn, token, outcome } = await harness.start(name, {
    fault: { target: 'database', call: 1, when: 'before', step: 'setSecret' },
  });
  expect(outcome.completedSteps).toEqual(['createSecret']);
  return { harness, arn, token, secret };
}

/** What an attacker with PutSecretValue writes: a version staged AWSPENDING, with a new password. */
async function hostilePending(arn: string, secret: PostgresSecret, change: Record<string, unknown>) {
  const hostile = { ...secret, password: randomPassword(), ...change };
  const { VersionId } = await admin.send(
    new PutSecretValueCommand({
      SecretId: arn,
      SecretString: JSON.stringify(hostile),
      VersionStages: ['AWSPENDING'],
    }),
  );
  return { versionId: VersionId as string, hostile };
}

describe('setSecret refuses an AWSPENDING version that changes a connection key', () => {
  it.each<[string, Partial<PostgresSecret>, () => Promise<Record<string, unknown>>]>([
    ['port', {}, async () => ({ port: await closedPort() })],
    ['dbname', {}, async () => ({ dbname: 'template1' })],
    ['engine', {}, async () => ({ engine: 'aurora-postgresql' })],
    ['sslmode', { sslmode: 'require' }, async () => ({ sslmode: 'disable' })],
    ['sslmode', { sslmode: 'verify-full' }, async () => ({ ssl: false, sslmode: undefined })],
  ])('a changed "%s" (current %j)', async (key, current, change) => {
    const { harness, arn, secret } = await stoppedRotation(current);
    const { versionId, hostile } = await hostilePending(arn, secret, await change());
    const result = await harness.invoke(arn, versionId, 'setSecret');
    expect(result).toMatchObject({ ok: false, error: { name: 'UnsafeChangeError' }, databaseCalls: 0 });
    expect(result.error?.message).toContain(key === 'sslmode' ? 'weaker TLS' : `"${key}"`);
    expect(await loginWorks(secret)).toBe(true);
    expect(await loginWorks({ ...secret, password: hostile.password })).toBe(false);
  });

  it('reads a port written as a string (as AWS writes it), accepts stricter TLS: the rotation completes', async () => {
    const port = String(superuserSecret().port) as unknown as number;
    const { harness, arn, secret } = await stoppedRotation({ port, sslmode: 'require' });
    const { versionId, hostile } = await hostilePending(arn, secret, { sslmode: 'verify-full' });
    await harness.completeFrom(arn, versionId, 'setSecret');
    const final = await harness.snapshot(arn);
    expect(final.versions[versionId]).toEqual(['AWSCURRENT']);
    expect(final.byStage.AWSCURRENT).toMatchObject({ port: Number(port), sslmode: 'verify-full' });
    expect(await loginWorks({ ...secret, port: Number(port), password: hostile.password })).toBe(true);
    expect(await loginWorks({ ...secret, port: Number(port) })).toBe(false);
  });
});

describe('the superuser fallback uses only a superuser of the same server', () => {
  it.each<[string, () => Promise<Partial<PostgresSecret>>]>([
    ['port', async () => ({ port: await closedPort() })],
    ['engine', async () => ({ engine: 'aurora-postgresql' })],
  ])('refuses a masterarn secret with another "%s", changing nothing', async (key, change) => {
    const master = { ...superuserSecret(), ...(await change()) };
    const masterName = `hostile-master/${uniqueRole('m')}`;
    const { ARN: masterarn } = await admin.send(
      new CreateSecretCommand({ Name: masterName, SecretString: JSON.stringify(master) }),
    );
    const { harness, arn, token, secret } = await stoppedRotation(
      { masterarn: masterarn as string },
      singleUser({ changedBy: 'superuser' }),
    );
    const result = await harness.invoke(arn, token, 'setSecret');
    expect(result).toMatchObject({ ok: false, error: { name: 'UnsafeChangeError' } });
    expect(result.error?.message).toContain(`superuser (masterarn) secret names a different "${key}"`);
    expect(await loginWorks(secret)).toBe(true);
  });
});
