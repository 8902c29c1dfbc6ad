import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { expectServiceError, uniqueName, useLocalSecretsManager } from './support/localServer.js';

const DAY = 86_400_000;
const MARKED = "You can't perform this operation on the secret because it was marked for deletion.";
const WINDOW = 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).';

describe('local Secrets Manager: DeleteSecret and RestoreSecret', () => {
  let now = Date.parse('2024-03-01T12:00:00Z');
  const local = useLocalSecretsManager({ clock: () => now, functions: { 'arn:fn': async () => undefined } });
  const client = () => local.client();
  const create = async () => {
    const name = uniqueName();
    await client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    return name;
  };
  const del = (input: ConstructorParameters<typeof DeleteSecretCommand>[0]) =>
    client().send(new DeleteSecretCommand(input));

  it('accepts recovery windows of 7 and 30 days, refuses 6 and 31 (even with Force)', async () => {
    for (const days of [7, 30]) {
      const name = await create();
      const deleted = await del({ SecretId: name, RecoveryWindowInDays: days });
      expect(deleted.DeletionDate?.getTime()).toBe(now + days * DAY);
    }
    const name = await create();
    for (const days of [6, 31]) {
      await expectServiceError(
        del({ SecretId: name, RecoveryWindowInDays: days }),
        'InvalidParameterException',
        WINDOW,
      );
      await expectServiceError(
        del({ SecretId: name, RecoveryWindowInDays: days, ForceDeleteWithoutRecovery: true }),
        'InvalidParameterException',
        WINDOW,
      );
    }
  });

  it('refuses a recovery window together with ForceDeleteWithoutRecovery', async () => {
    await expectServiceError(
      del({ SecretId: await create(), RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }),
      'InvalidParameterException',
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  });

  it('defaults to 30 days; the secret stays describable with DeletedDate and leaves ListSecrets', async () => {
    const name = await create();
    const deleted = await del({ SecretId: name });
    expect(deleted.DeletionDate?.getTime()).toBe(now + 30 * DAY);
    const described = await client().send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.DeletedDate?.getTime()).toBe(now + 30 * DAY);
    const listed = await client().send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
    );
    expect(listed.SecretList).toEqual([]);
    const planned = await client().send(
      new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: [name] }] }),
    );
    expect(planned.SecretList?.map((s) => s.Name)).toEqual([name]);
  });

  it('refuses reads, writes, tags and rotation on a secret scheduled for deletion', async () => {
    const name = await create();
    const { VersionId } = await client().send(new GetSecretValueCommand({ SecretId: name }));
    await del({ SecretId: name, RecoveryWindowInDays: 7 });
    const calls = [
      new GetSecretValueCommand({ SecretId: name }),
      new PutSecretValueCommand({ SecretId: name, SecretString: 'x' }),
      new UpdateSecretCommand({ SecretId: name, Description: 'x' }),
      new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'k', Value: 'v' }] }),
      new UntagResourceCommand({ SecretId: name, TagKeys: ['k'] }),
      new RotateSecretCommand({ SecretId: name, RotationLambdaARN: 'arn:fn' }),
      new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'x', MoveToVersionId: VersionId }),
      new DeleteSecretCommand({ SecretId: name }),
    ];
    for (const command of calls)
      await expectServiceError(client().send(command as never), 'InvalidRequestException', MARKED);
    await expectServiceError(
      client().send(new CreateSecretCommand({ Name: name, SecretString: 'again' })),
      'InvalidRequestException',
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
  });

  it('RestoreSecret undoes the deletion', async () => {
    const name = await create();
    await del({ SecretId: name });
    const restored = await client().send(new RestoreSecretCommand({ SecretId: name }));
    expect(restored.Name).toBe(name);
    expect((await client().send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeUndefined();
    expect((await client().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v');
  });

  it('removes the secret for good once the recovery window has passed', async () => {
    const name = await create();
    await del({ SecretId: name, RecoveryWindowInDays: 7 });
    now += 7 * DAY + 1;
    await expectServiceError(
      client().send(new DescribeSecretCommand({ SecretId: name })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
    await client().send(new CreateSecretCommand({ Name: name, SecretString: 'reborn' }));
  });

  it('ForceDeleteWithoutRecovery deletes at once, and succeeds for a name that does not exist', async () => {
    const name = await create();
    const forced = await del({ SecretId: name, ForceDeleteWithoutRecovery: true });
    expect(forced.DeletionDate?.getTime()).toBe(now);
    await expectServiceError(
      client().send(new DescribeSecretCommand({ SecretId: name })),
      'ResourceNotFoundException',
    );
    const ghost = uniqueName('ghost');
    const response = await del({ SecretId: ghost, ForceDeleteWithoutRecovery: true });
    expect(response.Name).toBe(ghost);
    await expectServiceError(del({ SecretId: ghost }), 'ResourceNotFoundException');
  });

  it('RestoreSecret of an unknown secret is ResourceNotFoundException', async () => {
    await expectServiceError(
      client().send(new RestoreSecretCommand({ SecretId: uniqueName() })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  });
});
