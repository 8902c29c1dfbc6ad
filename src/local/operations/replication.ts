import { Errors } from '../protocol/errors.js';
import type { ReplicaStatus, SecretRecord, VersionRecord } from '../store/model.js';
import type { RegionalStates } from '../store/regions.js';
import type { SecretsState } from '../store/state.js';
import { findLiveSecret, readSecretId, touch } from './common.js';
import type { Operation, OperationContext } from './context.js';
import type { InputReader, JsonObject } from './input.js';
import { InputReader as Reader } from './input.js';

/**
 * ReplicateSecretToRegions, RemoveRegionsFromReplication, StopReplicationToReplica, and what
 * CreateSecret's AddReplicaRegions shares with them. A replica is a record in its region's state
 * with the primary's ARN in that region; after every change in a region the primaries there copy
 * their values, labels and metadata to their replicas (`syncReplicas`), so a replica always reads
 * as its primary. Writes to a replica are refused (`guardReplicas`).
 */

interface ReplicaRegion {
  Region: string;
  KmsKeyId?: string;
}

/** Operations the service refuses on a replica ("Call must be made in primary secret's region"). */
const REFUSED_ON_REPLICA: ReadonlySet<string> = new Set([
  'CancelRotateSecret',
  'DeleteResourcePolicy',
  'DeleteSecret',
  'PutResourcePolicy',
  'PutSecretValue',
  'RemoveRegionsFromReplication',
  'ReplicateSecretToRegions',
  'RestoreSecret',
  'RotateSecret',
  'TagResource',
  'UntagResource',
  'UpdateSecret',
  'UpdateSecretVersionStage',
]);

const IN_SYNC = 'Replication succeeded';
const NAME_TAKEN = 'Replication failed: a secret with this name already exists in the destination region.';

function readReplicaRegions(
  reader: InputReader,
  member: string,
  required = false,
): ReplicaRegion[] | undefined {
  return reader.structureList(
    member,
    (item) => ({
      Region: item.string('Region', { min: 1, max: 128 }) ?? '',
      KmsKeyId: item.string('KmsKeyId', { max: 2048 }),
    }),
    { required, minItems: 1 },
  );
}

function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? '';
}

function inSyncRegions(secret: SecretRecord): string[] {
  return (secret.replicas ?? []).filter((r) => r.Status === 'InSync').map((r) => r.Region);
}

/** The replica of `primary` as `target` holds it now, its own reads and key kept. */
function replicaOf(primary: SecretRecord, region: string, kmsKeyId: string | undefined, old?: SecretRecord) {
  const primaryRegion = regionOfArn(primary.arn);
  const oldVersions = old?.versions ?? new Map<string, VersionRecord>();
  const versions = new Map<string, VersionRecord>();
  for (const version of primary.versions.values()) {
    // The same objects where they exist: their own LastAccessedDate stays, and the data file's
    // serialization cache keeps hitting.
    const kept = oldVersions.get(version.id);
    const copy: VersionRecord = kept ?? { id: version.id, created: version.created, stages: [] };
    copy.stages = [...version.stages];
    if (version.value !== undefined) copy.value = version.value;
    else delete copy.value;
    versions.set(version.id, copy);
  }
  const {
    versions: _versions,
    replicas: _replicas,
    kmsKeyId: _key,
    lastAccessed: _read,
    ...shared
  } = primary;
  const replica: SecretRecord = {
    ...shared,
    arn: primary.arn.replace(`:secretsmanager:${primaryRegion}:`, `:secretsmanager:${region}:`),
    tags: primary.tags?.map((tag) => ({ ...tag })),
    primaryRegion,
    versions,
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    ...(old?.lastAccessed !== undefined ? { lastAccessed: old.lastAccessed } : {}),
  };
  if (replica.tags === undefined) delete replica.tags;
  return replica;
}

/** Copies every primary of `state` to its in-sync replicas. */
function syncReplicas(regions: RegionalStates, state: SecretsState): void {
  if (!regions.replicating) return;
  for (const primary of state.records()) {
    for (const entry of primary.replicas ?? []) {
      if (entry.Status !== 'InSync') continue;
      const target = regions.get(entry.Region);
      const old = target.byExactName(primary.name);
      target.add(replicaOf(primary, entry.Region, entry.KmsKeyId, old?.primaryRegion ? old : undefined));
    }
  }
}

/**
 * The region's state as a write operation sees it: a replica is refused when it is looked up
 * (after the request's own validation, as the service orders it), and so is deleting a primary
 * that still has replicas.
 */
function guardReplicas(state: SecretsState, operation: string): SecretsState {
  if (!REFUSED_ON_REPLICA.has(operation)) return state;
  const guarded = Object.create(state) as SecretsState;
  guarded.find = (secretId: string) => {
    const secret = state.find(secretId);
    if (secret?.primaryRegion !== undefined) throw Errors.replicaReadOnly();
    const replicated = secret === undefined ? [] : inSyncRegions(secret);
    if (operation === 'DeleteSecret' && secret && replicated.length > 0)
      throw Errors.stillHasReplicas(secret.arn, replicated);
    return secret;
  };
  return guarded;
}

/** Refuses a replica region that is the primary's own, before anything is created. */
function checkReplicaRegions(ctx: OperationContext, regions: readonly ReplicaRegion[]): void {
  if (regions.some((r) => r.Region === ctx.region)) throw Errors.replicaInOwnRegion();
}

/**
 * Replicates `primary` to `regions`: a region already in sync stays; a name taken in the region by
 * another secret fails that region unless `force` (and the secret there is standalone).
 */
function replicate(
  ctx: OperationContext,
  primary: SecretRecord,
  regions: readonly ReplicaRegion[],
  force: boolean,
): ReplicaStatus[] {
  checkReplicaRegions(ctx, regions);
  ctx.regions.replicating = true;
  const entries = new Map((primary.replicas ?? []).map((entry) => [entry.Region, entry]));
  for (const { Region, KmsKeyId } of regions) {
    if (entries.get(Region)?.Status === 'InSync') continue;
    const target = ctx.regions.get(Region);
    const taken = target.byExactName(primary.name);
    const standalone = taken !== undefined && !taken.primaryRegion && !(taken.replicas?.length ?? 0);
    if (taken && !(force && standalone)) {
      entries.set(Region, {
        Region,
        ...(KmsKeyId ? { KmsKeyId } : {}),
        Status: 'Failed',
        StatusMessage: NAME_TAKEN,
      });
      continue;
    }
    if (taken) target.remove(taken);
    entries.set(Region, {
      Region,
      ...(KmsKeyId ? { KmsKeyId } : {}),
      Status: 'InSync',
      StatusMessage: IN_SYNC,
    });
    target.add(replicaOf(primary, Region, KmsKeyId));
  }
  primary.replicas = [...entries.values()];
  ctx.changed();
  return primary.replicas;
}

/** PrimaryRegion and ReplicationStatus, as DescribeSecret and ListSecrets show them. */
function replicationView(secret: SecretRecord): JsonObject {
  if (secret.primaryRegion !== undefined) return { PrimaryRegion: secret.primaryRegion };
  if (!secret.replicas?.length) return {};
  return {
    PrimaryRegion: regionOfArn(secret.arn),
    ReplicationStatus: secret.replicas.map((entry) => ({ ...entry })),
  };
}

const replicateSecretToRegions: Operation = (input, ctx) => {
  const reader = new Reader(input);
  const secretId = readSecretId(reader);
  const regions = readReplicaRegions(reader, 'AddReplicaRegions', true) ?? [];
  const force = reader.boolean('ForceOverwriteReplicaSecret') === true;
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  const statuses = replicate(ctx, secret, regions, force);
  touch(secret, ctx);
  return { ARN: secret.arn, ReplicationStatus: statuses.map((entry) => ({ ...entry })) };
};

const removeRegionsFromReplication: Operation = (input, ctx) => {
  const reader = new Reader(input);
  const secretId = readSecretId(reader);
  const removed = reader.stringList('RemoveReplicaRegions', {
    required: true,
    minItems: 1,
    itemMin: 1,
    itemMax: 128,
  });
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  const gone = new Set(removed);
  for (const entry of secret.replicas ?? []) {
    if (!gone.has(entry.Region)) continue;
    const target = ctx.regions.get(entry.Region);
    const replica = target.byExactName(secret.name);
    if (replica?.primaryRegion === ctx.region) target.remove(replica);
  }
  secret.replicas = (secret.replicas ?? []).filter((entry) => !gone.has(entry.Region));
  touch(secret, ctx);
  return { ARN: secret.arn, ReplicationStatus: secret.replicas.map((entry) => ({ ...entry })) };
};

/** Promotes a replica, in its own region, to a standalone secret. */
const stopReplicationToReplica: Operation = (input, ctx) => {
  const reader = new Reader(input);
  const secretId = readSecretId(reader);
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  const primaryRegion = secret.primaryRegion;
  if (primaryRegion === undefined) throw Errors.notAReplica();
  const primary = ctx.regions.get(primaryRegion).byExactName(secret.name);
  if (primary) {
    primary.replicas = (primary.replicas ?? []).filter((entry) => entry.Region !== ctx.region);
    primary.lastChanged = ctx.now;
  }
  delete secret.primaryRegion;
  touch(secret, ctx);
  return { ARN: secret.arn };
};

export {
  checkReplicaRegions,
  guardReplicas,
  readReplicaRegions,
  removeRegionsFromReplication,
  replicate,
  replicateSecretToRegions,
  replicationView,
  stopReplicationToReplica,
  syncReplicas,
};
export type { ReplicaRegion };
