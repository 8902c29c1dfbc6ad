// MariaDB has no dual passwords: on the real MariaDB server, dualPassword() is refused at
// createSecret with a named error before anything is written, and the adapter's capability refuses
// every method without changing anything (the conformance kit's dual-password cases).
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import { createMySqlAdapter } from '../../../src/adapters/mysql/index.js';
import type { MySqlSecret } from '../../../src/adapters/mysql/index.js';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import type { LocalSecretsManager } from '../../../src/local/index.js';
import { createRotationHandler, dualPassword, silentLogger } from '../../../src/index.js';
import { adapterConformanceCases } from '../../../src/testing/conformance.js';
import {
  createUser,
  describeWithMariaDb,
  dropUser,
  loginWorks,
  mariaDb,
  secretFor,
  uniqueName,
} from '../../support/mariadb.js';

describeWithMariaDb('MySQL adapter: dual passwords on MariaDB are refused', () => {
  const adapter = createMySqlAdapter();
  let local: LocalSecretsManager;
  let client: SecretsManagerClient;
  const users: string[] = [];

  beforeAll(async () => {
    local = await startLocalSecretsManager();
    client = new SecretsManagerClient(local.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await local?.stop();
    for (const user of users) await dropUser(mariaDb(), user);
  });

  describe('the conformance kit’s dual-password cases (the refused path)', () => {
    const cases = adapterConformanceCases<MySqlSecret>({
      adapter,
      async createUser(username, password) {
        users.push(username);
        await createUser(mariaDb(), username, password);
        return secretFor(mariaDb(), {}, { username, password });
      },
      dropUser: (username) => dropUser(mariaDb(), username),
      get unreachable() {
        return { ...secretFor(mariaDb()), port: 1 };
      },
    }).filter((c) => c.name.startsWith('dualPassword'));
    it('has them', () => expect(cases).toHaveLength(2));
    for (const c of cases) it(c.name, c.run);
  });

  it.each(['mariadb', 'mysql'])(
    'a rotation of a secret with engine "%s" on MariaDB stops at createSecret: DualPasswordUnsupportedError, no AWSPENDING value, the password unchanged',
    async (engine) => {
      const user = uniqueName('dual');
      users.push(user);
      await createUser(mariaDb(), user, 'Dual-Start-Pa55');
      const name = `dual/${user}`;
      await client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify(
            secretFor(
              mariaDb(),
              { engine: engine as MySqlSecret['engine'] },
              { username: user, password: 'Dual-Start-Pa55' },
            ),
          ),
        }),
      );
      const handler = createRotationHandler({
        adapter,
        strategy: dualPassword(),
        secretsManager: client,
        logger: silentLogger,
      });
      const fn = `arn:aws:lambda:us-east-1:123456789012:function:dual-${engine}`;
      local.registerFunction(fn, (event: SecretsManagerRotationEvent) =>
        handler(event, {} as Context, () => undefined),
      );
      await client.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fn }));
      const outcome = await local.rotations.waitFor(name);

      expect(outcome).toMatchObject({
        succeeded: false,
        failedStep: 'createSecret',
        error: { name: 'DualPasswordUnsupportedError' },
      });
      expect(outcome.error?.message).toMatch(/MariaDB .* has no dual passwords/);
      // Nothing was written: the only version with a value is the original.
      const { Versions = [] } = await client.send(
        new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
      );
      const values: string[] = [];
      for (const { VersionId } of Versions) {
        const value = await client
          .send(new GetSecretValueCommand({ SecretId: name, VersionId }))
          .then((v) => v.SecretString)
          .catch(() => undefined);
        if (value) values.push(value);
      }
      expect(values).toHaveLength(1);
      expect(await loginWorks(mariaDb(), user, 'Dual-Start-Pa55')).toBe(true);
    },
  );
});
