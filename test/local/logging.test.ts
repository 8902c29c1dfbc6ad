import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager } from '../../src/local/index.js';
import { createJsonLogger } from '../../src/shared/logger.js';
import { clientFor, newToken, rawRequest, startCliServer } from './support/localServer.js';

/** Runs operations that carry secret values, including failing ones, and returns the values used. */
async function exercise(client: SecretsManagerClient, endpoint: string): Promise<string[]> {
  const values = Array.from({ length: 6 }, (_, i) => `s3cr3t-${i}-${newToken()}`);
  const [a, b, c, d, e, f] = values as [string, string, string, string, string, string];
  await client.send(new CreateSecretCommand({ Name: 'logged', SecretString: a }));
  const token = newToken();
  await client.send(
    new PutSecretValueCommand({ SecretId: 'logged', SecretString: b, ClientRequestToken: token }),
  );
  await client
    .send(new PutSecretValueCommand({ SecretId: 'logged', SecretString: c, ClientRequestToken: token }))
    .catch(() => undefined);
  await client.send(new UpdateSecretCommand({ SecretId: 'logged', SecretBinary: Buffer.from(d) }));
  await client.send(new GetSecretValueCommand({ SecretId: 'logged' }));
  await client.send(new BatchGetSecretValueCommand({ SecretIdList: ['logged'] }));
  await client.send(new CreateSecretCommand({ Name: 'logged', SecretString: e })).catch(() => undefined);
  await client
    .send(new CreateSecretCommand({ Name: 'x', SecretString: e.repeat(3000) }))
    .catch(() => undefined);
  await rawRequest(endpoint, 'secretsmanager.PutSecretValue', `{"SecretId":"logged","SecretString":"${f}"`);
  await client
    .send(new RotateSecretCommand({ SecretId: 'logged', RotationLambdaARN: 'arn:fn' }))
    .catch(() => undefined);
  const { RandomPassword } = await client.send(new GetRandomPasswordCommand({}));
  return [...values, RandomPassword as string, Buffer.from(d).toString('base64')];
}

describe('local Secrets Manager: secret values never reach the logs', () => {
  it('logs operations at debug level without any value, in-process', async () => {
    const lines: string[] = [];
    const server = await startLocalSecretsManager({
      logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
      functions: {
        'arn:fn': async () => {
          throw new Error('rotation failed');
        },
      },
    });
    const client = new SecretsManagerClient(server.clientConfig);
    try {
      const values = await exercise(client, server.endpoint);
      await server.rotations.waitFor('logged');
      const log = lines.join('\n');
      expect(log).toContain('"operation":"PutSecretValue"');
      expect(log).toContain('"errorType":"ResourceExistsException"');
      expect(log).toContain('rotation step failed');
      for (const value of values) expect(log).not.toContain(value);
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  it('rotation-kit serve --log-level debug prints no value either', async () => {
    const server = await startCliServer(['--log-level', 'debug']);
    const client = clientFor(server.endpoint);
    try {
      const values = await exercise(client, server.endpoint);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.output()).toContain('"operation":"GetSecretValue"');
      for (const value of values) expect(server.output()).not.toContain(value);
    } finally {
      client.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 30_000);
});
