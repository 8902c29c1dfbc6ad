import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { expectServiceError, uniqueName, useLocalSecretsManager } from './support/localServer.js';

describe('local Secrets Manager: BatchGetSecretValue', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();
  const prefix = uniqueName('batch');

  beforeAll(async () => {
    for (const suffix of ['a', 'b', 'c'])
      await client().send(
        new CreateSecretCommand({ Name: `${prefix}/${suffix}`, SecretString: `value-${suffix}` }),
      );
    await client().send(new CreateSecretCommand({ Name: `${prefix}/empty` }));
    await client().send(new CreateSecretCommand({ Name: `${prefix}/gone`, SecretString: 'x' }));
    await client().send(new DeleteSecretCommand({ SecretId: `${prefix}/gone` }));
  });

  it('returns the current values of a SecretIdList and reports each failure in Errors', async () => {
    const result = await client().send(
      new BatchGetSecretValueCommand({
        SecretIdList: [
          `${prefix}/a`,
          `${prefix}/missing`,
          `${prefix}/c`,
          `${prefix}/empty`,
          `${prefix}/gone`,
        ],
      }),
    );
    expect(result.SecretValues?.map((v) => [v.Name, v.SecretString, v.VersionStages])).toEqual([
      [`${prefix}/a`, 'value-a', ['AWSCURRENT']],
      [`${prefix}/c`, 'value-c', ['AWSCURRENT']],
    ]);
    expect(result.Errors).toEqual([
      {
        SecretId: `${prefix}/missing`,
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      },
      {
        SecretId: `${prefix}/empty`,
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      },
      {
        SecretId: `${prefix}/gone`,
        ErrorCode: 'InvalidRequestException',
        Message: "You can't perform this operation on the secret because it was marked for deletion.",
      },
    ]);
  });

  it('returns the values of secrets matching Filters, paged by MaxResults', async () => {
    const first = await client().send(
      new BatchGetSecretValueCommand({
        Filters: [{ Key: 'name', Values: [`${prefix}/`, `!${prefix}/empty`] }],
        MaxResults: 2,
      }),
    );
    expect(first.SecretValues?.map((v) => v.SecretString)).toEqual(['value-a', 'value-b']);
    const second = await client().send(
      new BatchGetSecretValueCommand({
        Filters: [{ Key: 'name', Values: [`${prefix}/`, `!${prefix}/empty`] }],
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(second.SecretValues?.map((v) => v.SecretString)).toEqual(['value-c']);
    expect(second.NextToken).toBeUndefined();
  });

  it('requires exactly one of SecretIdList and Filters, and checks their limits', async () => {
    const message = "Either 'SecretIdList' or 'Filters' must be provided, but not both.";
    await expectServiceError(
      client().send(new BatchGetSecretValueCommand({})),
      'InvalidParameterException',
      message,
    );
    await expectServiceError(
      client().send(
        new BatchGetSecretValueCommand({ SecretIdList: ['a'], Filters: [{ Key: 'name', Values: ['a'] }] }),
      ),
      'InvalidParameterException',
      message,
    );
    const ids = Array.from({ length: 21 }, (_, i) => `s${i}`);
    await expectServiceError(
      client().send(new BatchGetSecretValueCommand({ SecretIdList: ids })),
      'ValidationException',
      `1 validation error detected: Value '[${ids.join(', ')}]' at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to 20`,
    );
    await client().send(new BatchGetSecretValueCommand({ SecretIdList: ids.slice(0, 20) }));
    await expectServiceError(
      client().send(
        new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['x'] }], MaxResults: 21 }),
      ),
      'ValidationException',
    );
  });
});
