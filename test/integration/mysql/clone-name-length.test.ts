// Alternating users on MariaDB: the alternate user's name (`<user>_clone`) must fit the server's
// user-name limit, checked by createSecret before AWSPENDING is written; otherwise every setSecret
// fails and the secret is stuck. The limit is proven on the real server, then a rotation is run.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createMySqlAdapter } from '../../../src/adapters/mysql/index.js';
import type { MySqlSecret } from '../../../src/adapters/mysql/secret.js';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import type { LocalSecretsManager } from '../../../src/local/index.js';
import { alternatingUsers, createRotationHandler, silentLogger } from '../../../src/index.js';
import { createRotationHarness } from '../../../src/testing/harness.js';
import {
  asAdmin,
  createUser,
  describeWithMariaDb,
  dropUser,
  loginWorks,
  mariaDb,
  secretFor,
} from '../../support/mariadb.js';

/** MariaDB's user-name limit (the first test proves it on the server; the adapter's MAX_USERNAME_CHARS). */
const LIMIT = 128;
const SUFFIX = '_clone';

/** A unique user name of exactly `length` characters. */
const nameOf = (length: number) => `rk${Date.now().toString(36)}`.padEnd(length, 'x');

describeWithMariaDb("MySQL adapter: the alternate user name fits MariaDB's limit", () => {
  let local: LocalSecretsManager;
  let admin: SecretsManagerClient;
  const users: string[] = [];
  beforeAll(async () => {
    local = await startLocalSecretsManager();
    admin = new SecretsManagerClient(local.clientConfig);
  });
  afterAll(async () => {
    admin?.destroy();
    await local?.stop();
    for (const user of users) await dropUser(mariaDb(), user);
  });

  it(`the server stores a user name of ${LIMIT} characters and refuses ${LIMIT + 1}`, async () => {
    await asAdmin(mariaDb(), async (connection) => {
      const longest = nameOf(LIMIT);
      users.push(longest);
      await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [longest, '%', 'Long-Pa55']);
      await expect(
        connection.query('CREATE USER ?@? IDENTIFIED BY ?', [nameOf(LIMIT + 1), '%', 'Long-Pa55']),
      ).rejects.toThrow(/too long for user name/);
    });
  });

  async function rotate(length: number) {
    const server = mariaDb();
    const username = nameOf(length);
    users.push(username);
    if (length + SUFFIX.length <= LIMIT) users.push(username + SUFFIX);
    await createUser(server, username, 'Start-Pa55-1', { grants: ['GRANT SELECT ON mysql.user TO ?@?'] });
    const stamp = `${length}-${Date.now()}`;
    const { ARN: masterarn } = await admin.send(
      new CreateSecretCommand({
        Name: `clone-length/master-${stamp}`,
        SecretString: JSON.stringify(secretFor(server)),
      }),
    );
    const secret = secretFor(
      server,
      { masterarn: masterarn as string },
      { username, password: 'Start-Pa55-1' },
    );
    const name = `clone-length/${stamp}`;
    await admin.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
    const adapter = createMySqlAdapter();
    const harness = createRotationHarness({
      server: local,
      adapter,
      functionArn: `arn:aws:lambda:us-east-1:123456789012:function:clone-length-${length}`,
      createHandler: (deps) =>
        createRotationHandler({
          ...deps,
          strategy: alternatingUsers(),
          logger: silentLogger,
          loginRetry: { totalMs: 0 },
        }),
    });
    const started = await harness.start(name);
    return { ...started, harness, server, username, secret, adapter };
  }

  it(`createSecret refuses a user whose alternate would exceed ${LIMIT} characters, writing no AWSPENDING value`, async () => {
    const { arn, token, outcome, server, username } = await rotate(LIMIT - SUFFIX.length + 1);
    expect(outcome).toMatchObject({
      succeeded: false,
      failedStep: 'createSecret',
      error: { name: 'SecretShapeError' },
    });
    expect(outcome.error?.message).toMatch(/"username" is invalid: expected at most 128 characters/);
    await expect(
      admin.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await loginWorks(server, username, 'Start-Pa55-1')).toBe(true);
  });

  it(`an alternate of exactly ${LIMIT} characters is created and the rotation completes`, async () => {
    const { arn, token, outcome, harness, adapter } = await rotate(LIMIT - SUFFIX.length);
    expect(outcome).toMatchObject({ succeeded: true });
    const final = await harness.snapshot(arn);
    expect(final.versions[token]).toEqual(['AWSCURRENT']);
    expect([...final.byStage.AWSCURRENT!.username]).toHaveLength(LIMIT);
    expect(await adapter.canLogin(final.byStage.AWSCURRENT as MySqlSecret)).toBe(true);
  });
});
