import {
  CreateSecretCommand,
  DescribeSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { expectServiceError, rawRequest, uniqueName, useLocalSecretsManager } from './support/localServer.js';

describe('local Secrets Manager: TagResource and UntagResource', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();
  const tagsOf = async (SecretId: string) =>
    (await client().send(new DescribeSecretCommand({ SecretId }))).Tags;

  it('has no Tags member until tagged, merges by key, and shows Tags: [] once every tag is removed', async () => {
    const name = uniqueName();
    await client().send(new CreateSecretCommand({ Name: name }));
    expect(await tagsOf(name)).toBeUndefined();
    const tagged = await rawRequest(
      local.server().endpoint,
      'secretsmanager.TagResource',
      JSON.stringify({
        SecretId: name,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    expect(tagged.json).toEqual({});
    await client().send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'a', Value: 'changed' }] }));
    expect(await tagsOf(name)).toEqual([
      { Key: 'a', Value: 'changed' },
      { Key: 'b', Value: '2' },
    ]);
    await client().send(new UntagResourceCommand({ SecretId: name, TagKeys: ['a', 'not-there'] }));
    expect(await tagsOf(name)).toEqual([{ Key: 'b', Value: '2' }]);
    await client().send(new UntagResourceCommand({ SecretId: name, TagKeys: ['b'] }));
    expect(await tagsOf(name)).toEqual([]);
  });

  it('refuses the aws: prefix when tagging and untagging', async () => {
    const name = uniqueName();
    await client().send(new CreateSecretCommand({ Name: name }));
    const reserved = 'aws: prefixed tag key names are not allowed for external use.';
    await expectServiceError(
      client().send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'aws:x', Value: 'v' }] })),
      'InvalidParameterException',
      reserved,
    );
    await expectServiceError(
      client().send(new UntagResourceCommand({ SecretId: name, TagKeys: ['aws:x'] })),
      'InvalidParameterException',
      reserved,
    );
  });

  it('allows 50 tags on a secret across calls and refuses the 51st', async () => {
    const name = uniqueName();
    const tags = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({ Key: `k${from + i}`, Value: 'v' }));
    await client().send(new CreateSecretCommand({ Name: name, Tags: tags(0, 30) }));
    await client().send(new TagResourceCommand({ SecretId: name, Tags: tags(25, 50) }));
    expect(await tagsOf(name)).toHaveLength(50);
    await expectServiceError(
      client().send(new TagResourceCommand({ SecretId: name, Tags: tags(50, 51) })),
      'InvalidParameterException',
      'The request failed because the secret would have more than 50 tags.',
    );
    expect(await tagsOf(name)).toHaveLength(50);
  });

  it('checks tag lengths and requires Tags / TagKeys', async () => {
    const name = uniqueName();
    await client().send(new CreateSecretCommand({ Name: name }));
    await expectServiceError(
      client().send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'k'.repeat(128), Value: 'v' }] })),
      'ValidationException',
      `1 validation error detected: Value '${'k'.repeat(128)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 127`,
    );
    await expectServiceError(
      client().send(new TagResourceCommand({ SecretId: name } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
    await expectServiceError(
      client().send(new UntagResourceCommand({ SecretId: name } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expectServiceError(
      client().send(new TagResourceCommand({ SecretId: uniqueName(), Tags: [{ Key: 'k', Value: 'v' }] })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  });
});
