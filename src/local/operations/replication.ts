import { Errors } from '../protocol/errors.js';
import type { ReplicaStatus, SecretRecord, VersionRecord } from '../store/model.js';
import type { RegionalStates } from '../store/regions.js';
import type { SecretsState } from '../store/state.js';
import { findLiveSecret, readSecretId, seconds, touch } from './common.js';
import type { Operation, OperationContext } from './context.js';
import type { InputReader, JsonObject } from './input.js';
import { InputReader as Reader } from './input.js';

/**
 * ReplicateSecretToRegions, RemoveRegionsFromReplication, StopReplicationToReplica, and what
 * CreateSecret's AddReplicaRegions shares with them. A replica is a record in its region's state
 * with the primary's ARN in that region; after every change in a region its primaries copy their
 * values, labels and metadata to their replicas (`syncReplicas`), so a replica always reads as its
 * primary. Writes to a replica are refused when it is looked up (`REFUSED_ON_REPLICA`).
 */

interface ReplicaRegion {
  Region: string;
  KmsKeyId?: string;
}

/**
 * Operations the service refuses on a replica: "Operation not permitted on a replica secret. Call
 * must be made in primary secret's region." (recorded for DeleteSecret and PutResourcePolicy; the
 * other writes follow "a replica can't be updated independently from its primary").
 */
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

/** The texts the API model and the user guide give as examples of StatusMessage. */
const IN_SYNC = 'Replication succeeded';
const NAME_TAKEN = 'Secret with this name already exists in this region';

function readReplicaRegions(
  reader: InputReader,
  member: string,
  required = false,
): ReplicaRegion[] | undefined {
  return reader.structureList(
    member,
    (item) => ({
      Region: item.string('Region', { required: true, min: 1, max: 128 }) ?? '',
      KmsKeyId: item.string('KmsKeyId', { max: 2048 }),
    }),
    { required, minItems: 1 },
  );
}

function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/** The replica of `primary` in `region`; `old` (the replica as it stands) keeps its own reads. */
function replicaOf(
  primary: SecretRecord,
  region: string,
  kmsKeyId: string | undefined,
  old?: SecretRecord,
): SecretRecord {
  const primaryRegion = regionOfArn(primary.arn);
  const oldVersions = old?.versions;
  const versions = new Map<string, VersionRecord>();
  for (const version of primary.versions.values()) {
    // The same objects where they exist: their own LastAccessedDate stays, and the data file's
    // serialization cache keeps hitting.
    const copy: VersionRecord = oldVersions?.get(version.id) ?? {
      id: version.id,
      created: version.created,
      stages: [],
    };
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
    tags,
    ...shared
  } = primary;
  return {
    ...shared,
    arn: primary.arn.replace(`:secretsmanager:${primaryRegion}:`, `:secretsmanager:${region}:`),
    ...(tags !== undefined ? { tags: tags.map((tag) => ({ ...tag })) } : {}),
    primaryRegion,
    versions,
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    ...(old?.lastAccessed !== undefined ? { lastAccessed: old.lastAccessed } : {}),
  };
}

/** Copies every primary of `state` to its in-sync replicas (nothing until anything replicates). */
function syncReplicas(regions: RegionalStates, state: SecretsState): void {
  if (!regions.replicating) return;
  for (const primary of state.records()) {
    if (primary.replicas === undefined) continue;
    for (const entry of primary.replicas) {
      if (entry.Status !== 'InSync') continue;
      const target = regions.get(entry.Region);
      const old = target.byExactName(primary.name);
      target.add(replicaOf(primary, entry.Region, entry.KmsKeyId, old?.primaryRegion ? old : undefined));
    }
  }
}

/** Refuses the primary's own region, and a region named twice, before anything is created. */
function checkReplicaRegions(ctx: OperationContext, regions: readonly ReplicaRegion[]): void {
  if (regions.some((r) => r.Region === ctx.region)) throw Errors.replicaInOwnRegion();
  const named = new Set(regions.map((r) => r.Region));
  if (named.size < regions.length) throw Errors.replicaRegionTwice();
}

function statusEntry(region: ReplicaRegion, status: 'InSync' | 'Failed'): ReplicaStatus {
  return {
    Region: region.Region,
    ...(region.KmsKeyId !== undefined ? { KmsKeyId: region.KmsKeyId } : {}),
    Status: status,
    StatusMessage: status === 'InSync' ? IN_SYNC : NAME_TAKEN,
  };
}

/**
 * Replicates `primary` to `regions`. A region already in sync stays (a KmsKeyId given for it
 * becomes the replica's key); a name taken in the region by another secret fails that region,
 * unless `force` and the secret there is standalone (a replica or a primary is never overwritten).
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
  for (const region of regions) {
    const current = entries.get(region.Region);
    if (current?.Status === 'InSync') {
      if (region.KmsKeyId !== undefined) current.KmsKeyId = region.KmsKeyId;
      continue;
    }
    const target = ctx.regions.get(region.Region);
    const taken = target.byExactName(primary.name);
    const standalone = taken !== undefined && !taken.primaryRegion && !taken.replicas?.length;
    if (taken && !(force && standalone)) {
      entries.set(region.Region, statusEntry(region, 'Failed'));
      continue;
    }
    if (taken) target.remove(taken);
    entries.set(region.Region, statusEntry(region, 'InSync'));
    target.add(replicaOf(primary, region.Region, region.KmsKeyId));
  }
  primary.replicas = [...entries.values()];
  ctx.changed();
  return primary.replicas;
}

/** A ReplicationStatus list on the wire, with the day each replica was last read in its region. */
function statusView(secret: SecretRecord, regions: RegionalStates | undefined): JsonObject[] {
  return (secret.replicas ?? []).map((entry) => {
    const replica = regions?.peek(entry.Region)?.byExactName(secret.name);
    const read = replica?.primaryRegion !== undefined ? replica.lastAccessed : undefined;
    return { ...entry, LastAccessedDate: seconds(read) };
  });
}

/** PrimaryRegion and ReplicationStatus, as DescribeSecret and ListSecrets show them. */
function replicationView(secret: SecretRecord, regions?: RegionalStates): JsonObject {
  if (secret.primaryRegion !== undefined) return { PrimaryRegion: secret.primaryRegion };
  if (!secret.replicas?.length) return {};
  return { PrimaryRegion: regionOfArn(secret.arn), ReplicationStatus: statusView(secret, regions) };
}

/** The PrimaryRegion member: a replica's primary's, a primary's own, none for a standalone secret. */
function primaryRegionOf(secret: SecretRecord): string | undefined {
  return secret.primaryRegion ?? (secret.replicas?.length ? regionOfArn(secret.arn) : undefined);
}

const replicateSecretToRegions: Operation = (input, ctx) => {
  const reader = new Reader(input);
  const secretId = readSecretId(reader);
  const regions = readReplicaRegions(reader, 'AddReplicaRegions', true) ?? [];
  const force = reader.boolean('ForceOverwriteReplicaSecret') === true;
  reader.done();
  checkReplicaRegions(ctx, regions);
  const secret = findLiveSecret(ctx, secretId);
  replicate(ctx, secret, regions, force);
  touch(secret, ctx);
  return { ARN: secret.arn, ReplicationStatus: statusView(secret, ctx.regions) };
};

/** Deletes the replicas in the regions named, at once (a replica has no recovery window). */
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
  const kept = (secret.replicas ?? []).filter((entry) => !gone.has(entry.Region));
  if (kept.length > 0) secret.replicas = kept;
  else delete secret.replicas;
  touch(secret, ctx);
  return { ARN: secret.arn, ReplicationStatus: statusView(secret, ctx.regions) };
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
  if (primary?.replicas) {
    const kept = primary.replicas.filter((entry) => entry.Region !== ctx.region);
    if (kept.length > 0) primary.replicas = kept;
    else delete primary.replicas;
    primary.lastChanged = ctx.now;
  }
  delete secret.primaryRegion;
  touch(secret, ctx);
  return { ARN: secret.arn };
};

export {
  REFUSED_ON_REPLICA,
  checkReplicaRegions,
  primaryRegionOf,
  readReplicaRegions,
  removeRegionsFromReplication,
  replicate,
  replicateSecretToRegions,
  replicationView,
  stopReplicationToReplica,
  syncReplicas,
};
export type { ReplicaRegion };
