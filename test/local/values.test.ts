import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expectServiceError, newToken, uniqueName, useLocalSecretsManager } from './support/localServer.js';

async function stagesOf(client: SecretsManagerClient, secretId: string) {
  return (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
}

describe('local Secrets Manager: PutSecretValue, GetSecretValue, UpdateSecret', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();
  const put = (input: ConstructorParameters<typeof PutSecretValueCommand>[0]) =>
    client().send(new PutSecretValueCommand(input));
  const create = async (value = 'v0') => {
    const name = uniqueName();
    const token = newToken();
    await client().send(
      new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token }),
    );
    return { name, token };
  };

  it('moves AWSCURRENT to a new value and AWSPREVIOUS to the old one; the older version becomes deprecated', async () => {
    const { name, token: v1 } = await create('one');
    const v2 = newToken();
    const v3 = newToken();
    const second = await put({ SecretId: name, SecretString: 'two', ClientRequestToken: v2 });
    expect(second.VersionStages).toEqual(['AWSCURRENT']);
    await put({ SecretId: name, SecretString: 'three', ClientRequestToken: v3 });
    expect(await stagesOf(client(), name)).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
    expect((await client().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('three');
    expect(
      (await client().send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' })))
        .SecretString,
    ).toBe('two');

    const listed = await client().send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(listed.Versions?.map((v) => v.VersionId).sort()).toEqual([v2, v3].sort());
    const all = await client().send(
      new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
    );
    const deprecated = all.Versions?.find((v) => v.VersionId === v1);
    expect(deprecated).toBeDefined();
    expect(deprecated).not.toHaveProperty('VersionStages');
    // A deprecated version can still be read by its id.
    expect(
      (await client().send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString,
    ).toBe('one');
  });

  it('with VersionStages moves only those labels: AWSCURRENT stays, GetSecretValue returns the old value', async () => {
    const { name, token: v1 } = await create('current');
    const pending = newToken();
    const result = await put({
      SecretId: name,
      SecretString: 'next',
      ClientRequestToken: pending,
      VersionStages: ['AWSPENDING'],
    });
    expect(result.VersionStages).toEqual(['AWSPENDING']);
    expect(await stagesOf(client(), name)).toEqual({ [v1]: ['AWSCURRENT'], [pending]: ['AWSPENDING'] });
    expect((await client().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('current');
  });

  it('takes a label off the version that had it when another version gets it', async () => {
    const { name, token: v1 } = await create();
    const a = newToken();
    const b = newToken();
    await put({
      SecretId: name,
      SecretString: 'a',
      ClientRequestToken: a,
      VersionStages: ['AWSPENDING', 'custom'],
    });
    await put({ SecretId: name, SecretString: 'b', ClientRequestToken: b, VersionStages: ['AWSPENDING'] });
    expect(await stagesOf(client(), name)).toEqual({
      [v1]: ['AWSCURRENT'],
      [a]: ['custom'],
      [b]: ['AWSPENDING'],
    });
  });

  it('gives the first version of a secret AWSCURRENT even when VersionStages names other labels', async () => {
    const name = uniqueName();
    await client().send(new CreateSecretCommand({ Name: name }));
    const token = newToken();
    const result = await put({
      SecretId: name,
      SecretString: 'first',
      ClientRequestToken: token,
      VersionStages: ['custom'],
    });
    expect(result.VersionStages?.sort()).toEqual(['AWSCURRENT', 'custom']);
    expect((await client().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('first');
  });

  it('leaves the former AWSCURRENT holder with exactly AWSPREVIOUS (its AWSPENDING is dropped)', async () => {
    const { name, token: v1 } = await create();
    const v2 = newToken();
    await put({
      SecretId: name,
      SecretString: 'p',
      ClientRequestToken: v2,
      VersionStages: ['AWSCURRENT', 'AWSPENDING'],
    });
    expect(await stagesOf(client(), name)).toEqual({
      [v1]: ['AWSPREVIOUS'],
      [v2]: ['AWSCURRENT', 'AWSPENDING'],
    });
    const v3 = newToken();
    await put({ SecretId: name, SecretString: 'q', ClientRequestToken: v3 });
    expect(await stagesOf(client(), name)).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
  });

  it('is idempotent per token: same value -> same VersionId and no new version; other value -> ResourceExistsException', async () => {
    const { name } = await create();
    const token = newToken();
    const first = await put({ SecretId: name, SecretString: 'x', ClientRequestToken: token });
    const again = await put({ SecretId: name, SecretString: 'x', ClientRequestToken: token });
    expect(again.VersionId).toBe(first.VersionId);
    expect(again.VersionStages).toEqual(['AWSCURRENT']);
    const versions = await client().send(
      new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
    );
    expect(versions.Versions).toHaveLength(2);
    await expectServiceError(
      put({ SecretId: name, SecretString: 'y', ClientRequestToken: token }),
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${first.ARN}.`,
    );
    // A string and the same bytes as binary are different values.
    await expectServiceError(
      put({ SecretId: name, SecretBinary: Buffer.from('x'), ClientRequestToken: token }),
      'ResourceExistsException',
    );
  });

  it('compares binary values byte for byte', async () => {
    const { name } = await create();
    const token = newToken();
    await put({ SecretId: name, SecretBinary: Uint8Array.from([1, 2, 3]), ClientRequestToken: token });
    await put({ SecretId: name, SecretBinary: Uint8Array.from([1, 2, 3]), ClientRequestToken: token });
    await expectServiceError(
      put({ SecretId: name, SecretBinary: Uint8Array.from([1, 2, 4]), ClientRequestToken: token }),
      'ResourceExistsException',
    );
  });

  it('requires a value, and checks VersionStages at 1-20 labels of 1-256 characters', async () => {
    const { name } = await create();
    await expectServiceError(
      put({ SecretId: name }),
      'InvalidRequestException',
      'You must provide either SecretString or SecretBinary.',
    );
    const twenty = Array.from({ length: 20 }, (_, i) => `label${i}`);
    await put({ SecretId: name, SecretString: 'a', VersionStages: twenty });
    const twentyOne = [...twenty, 'label20'];
    await expectServiceError(
      put({ SecretId: name, SecretString: 'b', VersionStages: twentyOne }),
      'ValidationException',
      `1 validation error detected: Value '[${twentyOne.join(', ')}]' at 'versionStages' failed to satisfy constraint: Member must have length less than or equal to 20`,
    );
    await put({ SecretId: name, SecretString: 'c', VersionStages: ['s'.repeat(256)] });
    const long = 's'.repeat(257);
    await expectServiceError(
      put({ SecretId: name, SecretString: 'd', VersionStages: [long] }),
      'ValidationException',
      `1 validation error detected: Value '[${long}]' at 'versionStages' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 256]`,
    );
    await expectServiceError(
      put({ SecretId: name, SecretString: 'e', VersionStages: [] }),
      'ValidationException',
    );
  });

  it('GetSecretValue: VersionId and VersionStage must name the same version', async () => {
    const { name, token } = await create();
    const value = await client().send(
      new GetSecretValueCommand({ SecretId: name, VersionId: token, VersionStage: 'AWSCURRENT' }),
    );
    expect(value.VersionStages).toEqual(['AWSCURRENT']);
    expect(value.CreatedDate).toBeInstanceOf(Date);
    await expectServiceError(
      client().send(
        new GetSecretValueCommand({ SecretId: name, VersionId: token, VersionStage: 'AWSPREVIOUS' }),
      ),
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    );
  });

  it('GetSecretValue: names the missing staging label or VersionId', async () => {
    const { name } = await create();
    await expectServiceError(
      client().send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    );
    const missing = newToken();
    await expectServiceError(
      client().send(new GetSecretValueCommand({ SecretId: name, VersionId: missing })),
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for VersionId: ${missing}`,
    );
  });

  it('GetSecretValue sets LastAccessedDate to the day at 00:00 UTC', async () => {
    const { name } = await create();
    expect(
      (await client().send(new DescribeSecretCommand({ SecretId: name }))).LastAccessedDate,
    ).toBeUndefined();
    await client().send(new GetSecretValueCommand({ SecretId: name }));
    const accessed = (await client().send(new DescribeSecretCommand({ SecretId: name })))
      .LastAccessedDate as Date;
    const today = new Date();
    expect(accessed.toISOString()).toBe(
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString(),
    );
  });

  it('UpdateSecret with a value adds a version that takes AWSCURRENT; without one it changes metadata only', async () => {
    const { name, token: v1 } = await create('old');
    const v2 = newToken();
    const updated = await client().send(
      new UpdateSecretCommand({ SecretId: name, SecretString: 'new', ClientRequestToken: v2 }),
    );
    expect(updated.VersionId).toBe(v2);
    expect(await stagesOf(client(), name)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    const metadataOnly = await client().send(
      new UpdateSecretCommand({ SecretId: name, Description: 'about it', KmsKeyId: 'alias/x' }),
    );
    expect(metadataOnly.VersionId).toBeUndefined();
    const described = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described).toMatchObject({ Description: 'about it', KmsKeyId: 'alias/x' });
    expect(Object.keys(described.VersionIdsToStages ?? {})).toHaveLength(2);
    const long = 'd'.repeat(2049);
    await expectServiceError(
      client().send(new UpdateSecretCommand({ SecretId: name, Description: long })),
      'ValidationException',
      `1 validation error detected: Value '${long}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    await expectServiceError(
      client().send(
        new UpdateSecretCommand({ SecretId: name, SecretString: 'a', SecretBinary: Uint8Array.from([1]) }),
      ),
      'InvalidParameterException',
    );
  });

  it('UpdateSecret is idempotent per token like PutSecretValue', async () => {
    const { name } = await create();
    const token = newToken();
    await client().send(
      new UpdateSecretCommand({ SecretId: name, SecretString: 'n', ClientRequestToken: token }),
    );
    const again = await client().send(
      new UpdateSecretCommand({ SecretId: name, SecretString: 'n', ClientRequestToken: token }),
    );
    expect(again.VersionId).toBe(token);
    await expectServiceError(
      client().send(
        new UpdateSecretCommand({ SecretId: name, SecretString: 'm', ClientRequestToken: token }),
      ),
      'ResourceExistsException',
    );
  });
});
