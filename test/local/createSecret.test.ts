import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
} from '@aws-sdk/client-secrets-manager';
import { expectServiceError, newToken, uniqueName, useLocalSecretsManager } from './support/localServer.js';

const tooLong = (member: string, value: string | undefined, max: number) =>
  `1 validation error detected: ${value === undefined ? 'Value' : `Value '${value}'`} at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
const tooShort = (member: string, value: string | undefined, min: number) =>
  `1 validation error detected: ${value === undefined ? 'Value' : `Value '${value}'`} at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`;
const INVALID_NAME =
  'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';

describe('local Secrets Manager: CreateSecret', () => {
  const local = useLocalSecretsManager({ accountId: '111122223333', region: 'eu-west-1' });
  const send = (input: ConstructorParameters<typeof CreateSecretCommand>[0]) =>
    local.client().send(new CreateSecretCommand(input));

  it('creates a secret with a value as one AWSCURRENT version whose id is the token', async () => {
    const name = uniqueName();
    const token = newToken();
    const created = await send({ Name: name, SecretString: 'value', ClientRequestToken: token });
    expect(created.VersionId).toBe(token);
    expect(created.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}-[A-Za-z0-9]{6}$`),
    );
    const described = await local.client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [token]: ['AWSCURRENT'] });
  });

  it('creates no version when no value is given: no VersionId, no VersionIdsToStages', async () => {
    const name = uniqueName();
    const created = await send({ Name: name });
    expect(created.VersionId).toBeUndefined();
    const described = await local.client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toBeUndefined();
    const versions = await local.client().send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(versions.Versions).toEqual([]);
    await expectServiceError(
      local.client().send(new GetSecretValueCommand({ SecretId: name })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
  });

  it('stores SecretBinary as bytes and returns them unchanged', async () => {
    const name = uniqueName();
    const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
    await send({ Name: name, SecretBinary: bytes });
    const value = await local.client().send(new GetSecretValueCommand({ SecretId: name }));
    expect(Buffer.from(value.SecretBinary as Uint8Array)).toEqual(Buffer.from(bytes));
    expect(value.SecretString).toBeUndefined();
  });

  it('accepts names of 1 and 512 characters from the allowed alphabet, refuses 513', async () => {
    await send({ Name: 'a' });
    const long = `x${uniqueName()}`.padEnd(512, 'n');
    await send({ Name: long });
    const tooLongName = long.slice(0, -1) + 'nn';
    await expectServiceError(
      send({ Name: tooLongName }),
      'ValidationException',
      tooLong('name', tooLongName, 512),
    );
    await send({ Name: `${uniqueName()}/_+=.@-Az09` });
  });

  it('refuses an empty name and names with characters outside the alphabet (including !)', async () => {
    await expectServiceError(send({ Name: '' }), 'ValidationException', tooShort('name', '', 1));
    for (const name of ['has space', 'bang!', 'colon:x', 'ünï', 'star*'])
      await expectServiceError(send({ Name: name }), 'ValidationException', INVALID_NAME);
  });

  it('accepts a name that ends like an ARN suffix (-a1b2c3)', async () => {
    const name = `${uniqueName()}-a1b2c3`;
    const created = await send({ Name: name, SecretString: 'v' });
    expect(created.Name).toBe(name);
  });

  it('checks ClientRequestToken: 32 and 64 characters pass, 31 and 65 fail', async () => {
    await send({ Name: uniqueName(), ClientRequestToken: 't'.repeat(32), SecretString: 'v' });
    await send({ Name: uniqueName(), ClientRequestToken: 't'.repeat(64), SecretString: 'v' });
    const short = 't'.repeat(31);
    await expectServiceError(
      send({ Name: uniqueName(), ClientRequestToken: short }),
      'ValidationException',
      tooShort('clientRequestToken', short, 32),
    );
    const long = 't'.repeat(65);
    await expectServiceError(
      send({ Name: uniqueName(), ClientRequestToken: long }),
      'ValidationException',
      tooLong('clientRequestToken', long, 64),
    );
  });

  it('checks Description and KmsKeyId up to 2048 characters', async () => {
    await send({ Name: uniqueName(), Description: 'd'.repeat(2048), KmsKeyId: 'k'.repeat(2048) });
    const description = 'd'.repeat(2049);
    await expectServiceError(
      send({ Name: uniqueName(), Description: description }),
      'ValidationException',
      tooLong('description', description, 2048),
    );
    const key = 'k'.repeat(2049);
    await expectServiceError(
      send({ Name: uniqueName(), KmsKeyId: key }),
      'ValidationException',
      tooLong('kmsKeyId', key, 2048),
    );
  });

  it('checks SecretString and SecretBinary at 1-65536, never echoing the value', async () => {
    await send({ Name: uniqueName(), SecretString: 's'.repeat(65536) });
    await send({ Name: uniqueName(), SecretBinary: new Uint8Array(65536) });
    await expectServiceError(
      send({ Name: uniqueName(), SecretString: 's'.repeat(65537) }),
      'ValidationException',
      tooLong('secretString', undefined, 65536),
    );
    await expectServiceError(
      send({ Name: uniqueName(), SecretBinary: new Uint8Array(65537) }),
      'ValidationException',
      tooLong('secretBinary', undefined, 65536),
    );
    await expectServiceError(
      send({ Name: uniqueName(), SecretString: '' }),
      'ValidationException',
      tooShort('secretString', undefined, 1),
    );
  });

  it('reports every model violation of a request in one ValidationException', async () => {
    const description = 'd'.repeat(2049);
    await expectServiceError(
      send({ Name: '', Description: description }),
      'ValidationException',
      `2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '${description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
  });

  it('refuses SecretString and SecretBinary together', async () => {
    await expectServiceError(
      send({ Name: uniqueName(), SecretString: 'a', SecretBinary: Uint8Array.from([1]) }),
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  });

  it('accepts 50 tags, refuses 51', async () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    const name = uniqueName();
    await send({ Name: name, Tags: tags(50) });
    const described = await local.client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.Tags).toHaveLength(50);
    await expectServiceError(
      send({ Name: uniqueName(), Tags: tags(51) }),
      'InvalidParameterException',
      'The request failed because the secret would have more than 50 tags.',
    );
  });

  it('checks tag keys at 127 and values at 255 characters', async () => {
    await send({ Name: uniqueName(), Tags: [{ Key: 'k'.repeat(127), Value: 'v'.repeat(255) }] });
    const key = 'k'.repeat(128);
    await expectServiceError(
      send({ Name: uniqueName(), Tags: [{ Key: key, Value: 'v' }] }),
      'ValidationException',
      tooLong('tags.1.member.key', key, 127),
    );
    const value = 'v'.repeat(256);
    await expectServiceError(
      send({
        Name: uniqueName(),
        Tags: [
          { Key: 'ok', Value: 'v' },
          { Key: 'k', Value: value },
        ],
      }),
      'ValidationException',
      tooLong('tags.2.member.value', value, 255),
    );
  });

  it('refuses tag keys with the reserved aws: prefix', async () => {
    for (const Key of ['aws:team', 'AWS:team'])
      await expectServiceError(
        send({ Name: uniqueName(), Tags: [{ Key, Value: 'x' }] }),
        'InvalidParameterException',
        'aws: prefixed tag key names are not allowed for external use.',
      );
  });

  it('refuses a duplicate name with ResourceExistsException', async () => {
    const name = uniqueName();
    await send({ Name: name, SecretString: 'one' });
    await expectServiceError(
      send({ Name: name, SecretString: 'two' }),
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  });

  it('treats a retry with the same token and value as success, the same token with another value as an error', async () => {
    const name = uniqueName();
    const token = newToken();
    const first = await send({ Name: name, SecretString: 'v', ClientRequestToken: token });
    const retry = await send({ Name: name, SecretString: 'v', ClientRequestToken: token });
    expect(retry).toMatchObject({ ARN: first.ARN, VersionId: token });
    await expectServiceError(
      send({ Name: name, SecretString: 'other', ClientRequestToken: token }),
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${first.ARN}.`,
    );
  });

  it('gives a secret re-created under the same name a new ARN', async () => {
    const name = uniqueName();
    const first = await send({ Name: name, SecretString: 'v' });
    await local.client().send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    const second = await send({ Name: name, SecretString: 'v' });
    expect(second.ARN).not.toBe(first.ARN);
    expect(second.ARN?.slice(0, -7)).toBe(first.ARN?.slice(0, -7));
  });
});
