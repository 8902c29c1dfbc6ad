import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { expectServiceError, uniqueName, useLocalSecretsManager } from './support/localServer.js';

const NOT_FOUND = "Secrets Manager can't find the specified secret.";

describe('local Secrets Manager: SecretId resolution', () => {
  const local = useLocalSecretsManager();
  const get = (SecretId: string) => local.client().send(new GetSecretValueCommand({ SecretId }));

  it('finds a secret by name, by full ARN and by partial ARN (without the random suffix)', async () => {
    const name = uniqueName('app/db');
    const { ARN } = await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const arn = ARN as string;
    for (const id of [name, arn, arn.slice(0, -7)]) expect((await get(id)).ARN).toBe(arn);
  });

  it('takes an ARN ending in -xxxxxx as complete: a secret named x-a1b2c3 is not found by its partial ARN', async () => {
    const name = `${uniqueName()}-a1b2c3`;
    const { ARN } = await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const arn = ARN as string;
    expect((await get(arn)).Name).toBe(name);
    await expectServiceError(get(arn.slice(0, -7)), 'ResourceNotFoundException', NOT_FOUND);
    expect((await get(name)).Name).toBe(name);
  });

  it('does not find a secret through an ARN with a wrong suffix, region or account', async () => {
    const name = uniqueName();
    const { ARN } = await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const arn = ARN as string;
    const wrongSuffix = `${arn.slice(0, -6)}${arn.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
    for (const id of [
      wrongSuffix,
      arn.replace('us-east-1', 'eu-west-1'),
      arn.replace('123456789012', '210987654321'),
      `arn:aws:secretsmanager:us-east-1:123456789012:secret:${uniqueName()}`,
    ])
      await expectServiceError(get(id), 'ResourceNotFoundException', NOT_FOUND);
  });

  it('refuses a SecretId that is neither an ARN nor a valid name, in any operation', async () => {
    const invalid =
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';
    await expectServiceError(get('bad name!'), 'ValidationException', invalid);
    await expectServiceError(
      local.client().send(new DescribeSecretCommand({ SecretId: 'x:y' })),
      'ValidationException',
      invalid,
    );
  });

  it('checks SecretId at 1-2048 characters and presence', async () => {
    const long = 'a'.repeat(2049);
    await expectServiceError(
      get(long),
      'ValidationException',
      `1 validation error detected: Value '${long}' at 'secretId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    await expectServiceError(get('a'.repeat(2048)), 'ResourceNotFoundException', NOT_FOUND);
    await expectServiceError(
      local.client().send(new GetSecretValueCommand({} as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    );
  });
});
