import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expectServiceError, newToken, uniqueName, useLocalSecretsManager } from './support/localServer.js';

async function stagesOf(client: SecretsManagerClient, secretId: string) {
  return (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
}

describe('local Secrets Manager: UpdateSecretVersionStage', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();
  const move = (input: ConstructorParameters<typeof UpdateSecretVersionStageCommand>[0]) =>
    client().send(new UpdateSecretVersionStageCommand(input));

  /** A secret with AWSCURRENT on `current`, AWSPREVIOUS on `previous`, AWSPENDING on `pending`. */
  async function rotatingSecret() {
    const name = uniqueName();
    const previous = newToken();
    const current = newToken();
    const pending = newToken();
    await client().send(
      new CreateSecretCommand({ Name: name, SecretString: 'p', ClientRequestToken: previous }),
    );
    await client().send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'c', ClientRequestToken: current }),
    );
    await client().send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: 'n',
        ClientRequestToken: pending,
        VersionStages: ['AWSPENDING'],
      }),
    );
    return { name, previous, current, pending };
  }

  it('moves AWSCURRENT as finishSecret does: the old holder gets AWSPREVIOUS, other labels stay on both', async () => {
    const { name, previous, current, pending } = await rotatingSecret();
    const response = await move({
      SecretId: name,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: pending,
      RemoveFromVersionId: current,
    });
    expect(
      Object.keys(response)
        .filter((k) => k !== '$metadata')
        .sort(),
    ).toEqual(['ARN', 'Name']);
    const stages = await stagesOf(client(), name);
    expect(stages).toEqual({ [current]: ['AWSPREVIOUS'], [pending]: ['AWSPENDING', 'AWSCURRENT'] });
    expect(stages).not.toHaveProperty(previous);
  });

  it('keeps other labels on the version AWSCURRENT leaves', async () => {
    const { name, current, pending } = await rotatingSecret();
    await move({ SecretId: name, VersionStage: 'keep-me', MoveToVersionId: current });
    await move({
      SecretId: name,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: pending,
      RemoveFromVersionId: current,
    });
    expect((await stagesOf(client(), name))[current]).toEqual(['keep-me', 'AWSPREVIOUS']);
  });

  it('moving AWSCURRENT back to the AWSPREVIOUS holder takes AWSPREVIOUS off it', async () => {
    const { name, previous, current } = await rotatingSecret();
    await move({
      SecretId: name,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: previous,
      RemoveFromVersionId: current,
    });
    const stages = await stagesOf(client(), name);
    expect(stages[previous]).toEqual(['AWSCURRENT']);
    expect(stages[current]).toEqual(['AWSPREVIOUS']);
  });

  it('refuses to move a label held by another version without RemoveFromVersionId', async () => {
    const { name, current, pending, previous } = await rotatingSecret();
    await expectServiceError(
      move({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: pending }),
      'InvalidParameterException',
      `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${current}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
    await expectServiceError(
      move({ SecretId: name, VersionStage: 'AWSPENDING', MoveToVersionId: previous }),
      'InvalidParameterException',
      `The parameter RemoveFromVersionId can't be empty. Staging label AWSPENDING is currently attached to version ${pending}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  });

  it('refuses a RemoveFromVersionId that does not hold the label', async () => {
    const { name, previous, pending } = await rotatingSecret();
    await expectServiceError(
      move({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: pending,
        RemoveFromVersionId: previous,
      }),
      'InvalidParameterException',
      `The parameter RemoveFromVersionId is invalid. Staging label AWSCURRENT is not attached to version ${previous}.`,
    );
  });

  it('with only RemoveFromVersionId just removes the label', async () => {
    const { name, current, pending } = await rotatingSecret();
    await move({ SecretId: name, VersionStage: 'AWSPENDING', RemoveFromVersionId: pending });
    const stages = await stagesOf(client(), name);
    expect(stages).not.toHaveProperty(pending);
    expect(stages[current]).toEqual(['AWSCURRENT']);
  });

  it('attaches a free label with only MoveToVersionId, and answers a version that does not exist', async () => {
    const { name, previous } = await rotatingSecret();
    await move({ SecretId: name, VersionStage: 'blue', MoveToVersionId: previous });
    expect((await stagesOf(client(), name))[previous]).toEqual(['AWSPREVIOUS', 'blue']);
    const missing = newToken();
    await expectServiceError(
      move({ SecretId: name, VersionStage: 'blue', MoveToVersionId: missing, RemoveFromVersionId: previous }),
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for VersionId: ${missing}`,
    );
    await expectServiceError(
      move({ SecretId: name, VersionStage: 'blue' }),
      'InvalidParameterException',
      'You must specify MoveToVersionId, RemoveFromVersionId, or both.',
    );
  });

  it('checks VersionStage (1-256, required) and the version ids (32-64)', async () => {
    const { name, current } = await rotatingSecret();
    await expectServiceError(
      move({ SecretId: name, VersionStage: 'x'.repeat(257), MoveToVersionId: current }),
      'ValidationException',
      `1 validation error detected: Value '${'x'.repeat(257)}' at 'versionStage' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    await expectServiceError(
      move({ SecretId: name, VersionStage: 'x', MoveToVersionId: 'short' }),
      'ValidationException',
      "1 validation error detected: Value 'short' at 'moveToVersionId' failed to satisfy constraint: Member must have length greater than or equal to 32",
    );
    await expectServiceError(
      move({ SecretId: name, MoveToVersionId: current } as never),
      'ValidationException',
      "1 validation error detected: Value null at 'versionStage' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('local Secrets Manager: deprecated versions are pruned past the limit', () => {
  let now = Date.parse('2024-01-01T00:00:00Z');
  const local = useLocalSecretsManager({ clock: () => now });

  it('keeps 100 deprecated versions, removing the oldest beyond that once they are a day old', async () => {
    const client = local.client();
    const name = uniqueName();
    const first = newToken();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v0', ClientRequestToken: first }));
    // 102 more versions: 101 deprecated (one over the limit) + AWSPREVIOUS + AWSCURRENT, all younger
    // than a day: none is removed yet.
    for (let i = 1; i <= 102; i += 1) {
      now += 1000;
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}` }));
    }
    const count = async () => {
      const all = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, NextToken }),
        );
        all.push(...(page.Versions ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return all;
    };
    expect(await count()).toHaveLength(103);
    // A day later, the next write prunes down to 100 deprecated versions, the oldest first.
    now += 25 * 60 * 60 * 1000;
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v103' }));
    const versions = await count();
    expect(versions.filter((v) => !v.VersionStages)).toHaveLength(100);
    expect(versions).toHaveLength(102);
    expect(versions.map((v) => v.VersionId)).not.toContain(first);
  });
});
