import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Filter } from '@aws-sdk/client-secrets-manager';
import { DataFileError } from '../../src/shared/errors.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { awsCliAvailable, awsSecretsManager, awsSecretsManagerFailure } from './support/awsCli.js';
import {
  expectServiceError,
  newToken,
  rawRequest,
  uniqueName,
  useLocalSecretsManager,
  withTempDir,
} from './support/localServer.js';
import { templateRotationFunction } from './support/rotationFunctions.js';

const REPLICA_READ_ONLY =
  "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
const NAME_TAKEN = 'Secret with this name already exists in this region';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';

/** One client per region against one server: the SDK signs each with its region's scope. */
function regionalClients(local: { server: () => LocalSecretsManager }) {
  const clients = new Map<string, SecretsManagerClient>();
  afterAll(() => clients.forEach((client) => client.destroy()));
  return (region: string) => {
    let client = clients.get(region);
    if (!client) {
      client = new SecretsManagerClient({ ...local.server().clientConfig, region });
      clients.set(region, client);
    }
    return client;
  };
}

const inRegion = (arn: string | undefined, region: string) =>
  arn?.replace(/^arn:aws:secretsmanager:[^:]+:/, `arn:aws:secretsmanager:${region}:`);

describe('local Secrets Manager: regions and replication (issue 13 item 12)', () => {
  const local = useLocalSecretsManager();
  const region = regionalClients(local);
  const us = () => local.client();
  const eu = () => region(EU);

  it('serves each region its own secrets, by the SigV4 credential scope', async () => {
    const name = uniqueName('regional');
    const inUs = await us().send(new CreateSecretCommand({ Name: name, SecretString: 'us value' }));
    const inEu = await eu().send(new CreateSecretCommand({ Name: name, SecretString: 'eu value' }));
    expect(inUs.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-`));
    expect(inEu.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${EU}:123456789012:secret:${name}-`));
    expect((await us().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('us value');
    expect((await eu().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('eu value');
    // Listings are per region; an ARN of another region is not found here.
    const names = async (client: SecretsManagerClient) =>
      ((await client.send(new ListSecretsCommand({}))).SecretList ?? []).map((s) => s.ARN);
    expect(await names(us())).toContain(inUs.ARN);
    expect(await names(us())).not.toContain(inEu.ARN);
    expect(await names(region(AP))).toEqual([]);
    await expectServiceError(
      us().send(new GetSecretValueCommand({ SecretId: inEu.ARN })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
    // A request without a credential scope is the server's own region's.
    const raw = await rawRequest(
      local.server().endpoint,
      'secretsmanager.GetSecretValue',
      JSON.stringify({ SecretId: name }),
    );
    expect(raw.json.SecretString).toBe('us value');
  });

  it('CreateSecret with AddReplicaRegions makes replicas that read as their primary', async () => {
    const name = uniqueName('replicated');
    const created = await us().send(
      new CreateSecretCommand({
        Name: name,
        SecretString: 'v1',
        Description: 'the app database',
        Tags: [{ Key: 'team', Value: 'core' }],
        AddReplicaRegions: [{ Region: EU, KmsKeyId: 'alias/eu-key' }, { Region: AP }],
      }),
    );
    expect(created.ReplicationStatus).toEqual([
      { Region: EU, KmsKeyId: 'alias/eu-key', Status: 'InSync', StatusMessage: 'Replication succeeded' },
      { Region: AP, Status: 'InSync', StatusMessage: 'Replication succeeded' },
    ]);
    const read = await eu().send(new GetSecretValueCommand({ SecretId: name }));
    // The ARN is the primary's but for the region, suffix included.
    expect(read).toMatchObject({
      ARN: inRegion(created.ARN, EU),
      SecretString: 'v1',
      VersionId: created.VersionId,
    });
    const replica = await eu().send(new DescribeSecretCommand({ SecretId: inRegion(created.ARN, EU) }));
    expect(replica).toMatchObject({
      PrimaryRegion: 'us-east-1',
      KmsKeyId: 'alias/eu-key',
      Description: 'the app database',
      Tags: [{ Key: 'team', Value: 'core' }],
    });
    expect(replica.ReplicationStatus).toBeUndefined();
    const primary = await us().send(new DescribeSecretCommand({ SecretId: name }));
    expect(primary.PrimaryRegion).toBe('us-east-1');
    expect(primary.KmsKeyId).toBeUndefined();
    // LastAccessedDate: the day the replica was last read in its region (never for AP).
    expect(primary.ReplicationStatus?.[0]?.LastAccessedDate).toBeInstanceOf(Date);
    expect(primary.ReplicationStatus?.[1]?.LastAccessedDate).toBeUndefined();
  });

  it("a replica follows its primary's values, labels, description, tags and policy", async () => {
    const name = uniqueName('follows');
    const created = await us().send(
      new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: EU }] }),
    );
    const v2 = newToken();
    await us().send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2 }),
    );
    expect((await eu().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v2');
    expect(
      (await eu().send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' })))
        .SecretString,
    ).toBe('v1');
    // Labels move with UpdateSecretVersionStage.
    await us().send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: created.VersionId,
        RemoveFromVersionId: v2,
      }),
    );
    expect((await eu().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
    const versions = await eu().send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(Object.fromEntries((versions.Versions ?? []).map((v) => [v.VersionId, v.VersionStages]))).toEqual({
      [created.VersionId as string]: ['AWSCURRENT'],
      [v2]: ['AWSPREVIOUS'],
    });
    await us().send(new UpdateSecretCommand({ SecretId: name, Description: 'changed' }));
    await us().send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'env', Value: 'prod' }] }));
    const policy =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}';
    await us().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));
    const replica = await eu().send(new DescribeSecretCommand({ SecretId: name }));
    expect(replica).toMatchObject({ Description: 'changed', Tags: [{ Key: 'env', Value: 'prod' }] });
    expect((await eu().send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBe(policy);
  });

  it("a rotation of the primary reaches the replica; the replica's RotateSecret is refused", async () => {
    const name = uniqueName('rotated');
    const fn = templateRotationFunction(local.server().clientConfig);
    const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:replicated-rotation';
    local.server().registerFunction(lambda, fn.handler);
    try {
      await us().send(
        new CreateSecretCommand({
          Name: name,
          SecretString: '{"password":"old"}',
          AddReplicaRegions: [{ Region: EU }],
        }),
      );
      await us().send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: lambda }));
      expect((await local.server().rotations.waitFor(name)).succeeded).toBe(true);
      const rotated = await us().send(new GetSecretValueCommand({ SecretId: name }));
      expect(rotated.SecretString).not.toBe('{"password":"old"}');
      const replica = await eu().send(new GetSecretValueCommand({ SecretId: name }));
      expect(replica).toMatchObject({ SecretString: rotated.SecretString, VersionId: rotated.VersionId });
      expect((await eu().send(new DescribeSecretCommand({ SecretId: name }))).RotationEnabled).toBe(true);
      await expectServiceError(
        eu().send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: lambda })),
        'InvalidParameterException',
        REPLICA_READ_ONLY,
      );
    } finally {
      fn.destroy();
    }
  });

  it('a replica refuses every write, with the service error', async () => {
    const name = uniqueName('read-only');
    const created = await us().send(
      new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: EU }] }),
    );
    const SecretId = name;
    const writes = [
      new PutSecretValueCommand({ SecretId, SecretString: 'x' }),
      new UpdateSecretCommand({ SecretId, Description: 'x' }),
      new UpdateSecretVersionStageCommand({
        SecretId,
        VersionStage: 'X',
        MoveToVersionId: created.VersionId,
      }),
      new TagResourceCommand({ SecretId, Tags: [{ Key: 'k', Value: 'v' }] }),
      new UntagResourceCommand({ SecretId, TagKeys: ['k'] }),
      new DeleteSecretCommand({ SecretId }),
      new DeleteSecretCommand({ SecretId, ForceDeleteWithoutRecovery: true }),
      new RestoreSecretCommand({ SecretId }),
      new CancelRotateSecretCommand({ SecretId }),
      new PutResourcePolicyCommand({ SecretId, ResourcePolicy: '{"Version":"2012-10-17","Statement":[]}' }),
      new DeleteResourcePolicyCommand({ SecretId }),
      new ReplicateSecretToRegionsCommand({ SecretId, AddReplicaRegions: [{ Region: AP }] }),
      new RemoveRegionsFromReplicationCommand({ SecretId, RemoveReplicaRegions: ['us-east-1'] }),
    ];
    for (const command of writes)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loop over many command types
      await expectServiceError(eu().send(command as any), 'InvalidParameterException', REPLICA_READ_ONLY);
    // The wire form, as the CLI and the SDK sign it.
    const raw = await rawRequest(
      local.server().endpoint,
      'secretsmanager.PutSecretValue',
      JSON.stringify({ SecretId: name, SecretString: 'x', ClientRequestToken: newToken() }),
      {
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261203/${EU}/secretsmanager/aws4_request, SignedHeaders=host, Signature=00`,
        },
      },
    );
    expect(raw.status).toBe(400);
    expect(raw.json).toEqual({ __type: 'InvalidParameterException', Message: REPLICA_READ_ONLY });
    expect((await eu().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
  });

  it('refuses to delete a primary that has replicas; RemoveRegionsFromReplication deletes replicas at once', async () => {
    const name = uniqueName('remove');
    const created = await us().send(
      new CreateSecretCommand({
        Name: name,
        SecretString: 'v',
        AddReplicaRegions: [{ Region: EU }, { Region: AP }],
      }),
    );
    for (const command of [
      new DeleteSecretCommand({ SecretId: name }),
      new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
    ])
      await expectServiceError(
        us().send(command),
        'InvalidParameterException',
        `You can't delete secret ${created.ARN} that still has replica regions [${EU}, ${AP}].`,
      );
    const removed = await us().send(
      new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }),
    );
    expect(removed).toMatchObject({
      ARN: created.ARN,
      ReplicationStatus: [{ Region: AP, Status: 'InSync', StatusMessage: 'Replication succeeded' }],
    });
    await expectServiceError(
      eu().send(new GetSecretValueCommand({ SecretId: name })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
    await us().send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [AP] }));
    const standalone = await us().send(new DescribeSecretCommand({ SecretId: name }));
    expect(standalone.PrimaryRegion).toBeUndefined();
    expect(standalone.ReplicationStatus).toBeUndefined();
    await us().send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  });

  it('a name taken in the region fails that region, unless ForceOverwriteReplicaSecret', async () => {
    const name = uniqueName('conflict');
    await eu().send(new CreateSecretCommand({ Name: name, SecretString: 'eu own' }));
    const created = await us().send(
      new CreateSecretCommand({ Name: name, SecretString: 'primary', AddReplicaRegions: [{ Region: EU }] }),
    );
    expect(created.ReplicationStatus).toEqual([{ Region: EU, Status: 'Failed', StatusMessage: NAME_TAKEN }]);
    expect((await eu().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('eu own');
    expect((await eu().send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion).toBeUndefined();
    // Retried without force: still failed; with force: the standalone secret there is replaced.
    const again = await us().send(
      new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }] }),
    );
    expect(again.ReplicationStatus).toEqual([{ Region: EU, Status: 'Failed', StatusMessage: NAME_TAKEN }]);
    const forced = await us().send(
      new ReplicateSecretToRegionsCommand({
        SecretId: name,
        AddReplicaRegions: [{ Region: EU }],
        ForceOverwriteReplicaSecret: true,
      }),
    );
    expect(forced).toEqual(
      expect.objectContaining({
        ARN: created.ARN,
        ReplicationStatus: [{ Region: EU, Status: 'InSync', StatusMessage: 'Replication succeeded' }],
      }),
    );
    const replica = await eu().send(new GetSecretValueCommand({ SecretId: name }));
    expect(replica).toMatchObject({ SecretString: 'primary', ARN: inRegion(created.ARN, EU) });

    // CreateSecret's own ForceOverwriteReplicaSecret does the same.
    const other = uniqueName('conflict');
    await region(AP).send(new CreateSecretCommand({ Name: other, SecretString: 'ap own' }));
    const overwritten = await us().send(
      new CreateSecretCommand({
        Name: other,
        SecretString: 'primary',
        AddReplicaRegions: [{ Region: AP }],
        ForceOverwriteReplicaSecret: true,
      }),
    );
    expect(overwritten.ReplicationStatus?.[0]?.Status).toBe('InSync');
    expect((await region(AP).send(new GetSecretValueCommand({ SecretId: other }))).SecretString).toBe(
      'primary',
    );
  });

  it('refuses a replica region that is the primary region or named twice, before creating anything', async () => {
    const name = uniqueName('own-region');
    await expectServiceError(
      us().send(
        new CreateSecretCommand({
          Name: name,
          SecretString: 'v',
          AddReplicaRegions: [{ Region: 'us-east-1' }],
        }),
      ),
      'InvalidParameterException',
      'Invalid replica region: it is the region of the primary secret.',
    );
    await expectServiceError(
      us().send(new DescribeSecretCommand({ SecretId: name })),
      'ResourceNotFoundException',
    );
    await us().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await expectServiceError(
      us().send(
        new ReplicateSecretToRegionsCommand({
          SecretId: name,
          AddReplicaRegions: [{ Region: EU }, { Region: EU }],
        }),
      ),
      'InvalidParameterException',
      'Invalid replica regions: a region is named twice.',
    );
    await expectServiceError(
      us().send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [] })),
      'ValidationException',
      /at 'addReplicaRegions' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    );
  });

  it('StopReplicationToReplica promotes a replica to a standalone secret in its region', async () => {
    const name = uniqueName('promote');
    const created = await us().send(
      new CreateSecretCommand({
        Name: name,
        SecretString: 'v1',
        AddReplicaRegions: [{ Region: EU }, { Region: AP }],
      }),
    );
    await expectServiceError(
      us().send(new StopReplicationToReplicaCommand({ SecretId: name })),
      'InvalidParameterException',
      'StopReplicationToReplica must name a replica secret, in the region of the replica.',
    );
    const stopped = await eu().send(new StopReplicationToReplicaCommand({ SecretId: name }));
    expect(stopped.ARN).toBe(inRegion(created.ARN, EU));
    const primary = await us().send(new DescribeSecretCommand({ SecretId: name }));
    expect(primary.ReplicationStatus?.map((entry) => entry.Region)).toEqual([AP]);
    // Standalone now: writable, and the primary's changes no longer reach it.
    await eu().send(new PutSecretValueCommand({ SecretId: name, SecretString: 'eu v2' }));
    await us().send(new PutSecretValueCommand({ SecretId: name, SecretString: 'us v2' }));
    expect((await eu().send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('eu v2');
    expect((await region(AP).send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('us v2');
    expect((await eu().send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion).toBeUndefined();
  });

  it('the primary-region filter finds primaries and replicas by their PrimaryRegion', async () => {
    const prefix = uniqueName('filter');
    await us().send(
      new CreateSecretCommand({
        Name: `${prefix}/primary`,
        SecretString: 'v',
        AddReplicaRegions: [{ Region: EU }],
      }),
    );
    await us().send(new CreateSecretCommand({ Name: `${prefix}/standalone`, SecretString: 'v' }));
    await eu().send(new CreateSecretCommand({ Name: `${prefix}/eu-own`, SecretString: 'v' }));
    const list = async (client: SecretsManagerClient, value: string) => {
      const Filters: Filter[] = [
        { Key: 'name', Values: [prefix] },
        { Key: 'primary-region', Values: [value] },
      ];
      const { SecretList } = await client.send(new ListSecretsCommand({ Filters }));
      return (SecretList ?? []).map((s) => [s.Name, s.PrimaryRegion]);
    };
    expect(await list(us(), 'us-east-1')).toEqual([[`${prefix}/primary`, 'us-east-1']]);
    expect(await list(us(), 'us-')).toEqual([[`${prefix}/primary`, 'us-east-1']]);
    expect(await list(eu(), 'us-east-1')).toEqual([[`${prefix}/primary`, 'us-east-1']]);
    expect(await list(eu(), EU)).toEqual([]);
    expect(await list(us(), '!us-east-1')).toEqual([[`${prefix}/standalone`, undefined]]);
  });
});

describe('local Secrets Manager: replication in a data file', () => {
  it('keeps every region across a restart; the replica still follows its primary', () =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      const name = uniqueName('durable');
      let server = await startLocalSecretsManager({ dataFile });
      const clientIn = (s: LocalSecretsManager, r: string) =>
        new SecretsManagerClient({ ...s.clientConfig, region: r });
      let us = clientIn(server, 'us-east-1');
      let eu = clientIn(server, EU);
      await us.send(
        new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: EU }] }),
      );
      await eu.send(new CreateSecretCommand({ Name: `${name}-eu`, SecretString: 'eu own' }));
      us.destroy();
      eu.destroy();
      await server.stop();
      expect(JSON.parse(await readFile(dataFile, 'utf8'))).toMatchObject({ formatVersion: 2 });

      server = await startLocalSecretsManager({ dataFile });
      us = clientIn(server, 'us-east-1');
      eu = clientIn(server, EU);
      try {
        expect((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
        expect((await eu.send(new GetSecretValueCommand({ SecretId: `${name}-eu` }))).SecretString).toBe(
          'eu own',
        );
        expect(
          (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0],
        ).toMatchObject({
          Region: EU,
          Status: 'InSync',
        });
        await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
        expect((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v2');
        await expectServiceError(
          eu.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'x' })),
          'InvalidParameterException',
          REPLICA_READ_ONLY,
        );
      } finally {
        us.destroy();
        eu.destroy();
        await server.stop();
      }
    }));

  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
  const secret = (arn: string, extra: object = {}) => ({
    arn,
    name: 'db',
    created: 1,
    lastChanged: 1,
    versions: [{ id: 'a', created: 1, stages: ['AWSCURRENT'], string: 'x' }],
    ...extra,
  });
  const file = (home: object[], eu: object[]) =>
    JSON.stringify({
      format: 'rotation-kit/local-secrets-manager',
      formatVersion: 2,
      region: 'us-east-1',
      accountId: '123456789012',
      secrets: home,
      otherRegions: { [EU]: eu },
    });
  const inSync = { replicas: [{ Region: EU, Status: 'InSync' }] };

  it.each([
    [
      'a replica whose primary is missing',
      file([], [secret(inRegion(ARN, EU) as string, { primaryRegion: 'us-east-1' })]),
      /otherRegions\.eu-west-1\[0\] is a replica whose primary \(region us-east-1\) is missing/,
    ],
    [
      'a replica its primary does not list',
      file([secret(ARN)], [secret(inRegion(ARN, EU) as string, { primaryRegion: 'us-east-1' })]),
      /otherRegions\.eu-west-1\[0\] is a replica, but its primary secrets\[0\] does not list eu-west-1 as in sync/,
    ],
    [
      'a primary whose in-sync replica is missing',
      file([secret(ARN, inSync)], []),
      /secrets\[0\]\.replicas lists eu-west-1 as in sync, but that region holds no replica of it/,
    ],
    [
      "a replica under another ARN than its primary's",
      file(
        [secret(ARN, inSync)],
        [
          secret(`arn:aws:secretsmanager:${EU}:123456789012:secret:db-XyZxYz`, {
            primaryRegion: 'us-east-1',
          }),
        ],
      ),
      /otherRegions\.eu-west-1\[0\]\.arn is not its primary's ARN \(secrets\[0\]\) in its region/,
    ],
    [
      'other regions under format version 1',
      file([secret(ARN)], []).replace('"formatVersion":2', '"formatVersion":1'),
      /it has otherRegions but its formatVersion is not 2/,
    ],
  ])('refuses a data file with %s', (_case, text, reason) =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      await writeFile(dataFile, text);
      const failure = startLocalSecretsManager({ dataFile });
      await expect(failure).rejects.toBeInstanceOf(DataFileError);
      await expect(failure).rejects.toThrow(reason);
      expect(await readFile(dataFile, 'utf8')).toBe(text);
    }),
  );
});

if (!awsCliAvailable)
  console.log('NOTICE: the AWS CLI (`aws`) is not on PATH: skipping the AWS CLI replication tests.');
const describeWithAws = awsCliAvailable ? describe : describe.skip;

describeWithAws('local Secrets Manager: replication through the AWS CLI', () => {
  const local = useLocalSecretsManager();
  const aws = (r: string, ...args: string[]) => awsSecretsManager(local.server().endpoint, r, ...args);

  it('replicates to the region the CLI signs for, and the replica refuses a write there', async () => {
    const created = await aws(
      'us-east-1',
      'create-secret',
      '--name',
      'cli/replicated',
      '--secret-string',
      'v1',
      '--add-replica-regions',
      `Region=${EU}`,
    );
    expect(created.ReplicationStatus).toEqual([
      { Region: EU, Status: 'InSync', StatusMessage: 'Replication succeeded' },
    ]);
    const read = await aws(EU, 'get-secret-value', '--secret-id', 'cli/replicated');
    expect(read).toMatchObject({ ARN: inRegion(created.ARN, EU), SecretString: 'v1' });
    const listed = await aws(EU, 'list-secrets', '--filters', 'Key=primary-region,Values=us-east-1');
    expect(listed.SecretList.map((s: { Name: string }) => s.Name)).toEqual(['cli/replicated']);
    const refused = await awsSecretsManagerFailure(
      local.server().endpoint,
      EU,
      'put-secret-value',
      '--secret-id',
      'cli/replicated',
      '--secret-string',
      'x',
    );
    expect(refused).toContain(
      `(InvalidParameterException) when calling the PutSecretValue operation: ${REPLICA_READ_ONLY}`,
    );
  }, 60_000);
});
