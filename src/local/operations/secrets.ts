import { Errors, ServiceError } from '../protocol/errors.js';
import type { SecretRecord } from '../store/model.js';
import { stageNewValue } from '../store/staging.js';
import { countManualRotation } from './rotation.js';
import {
  NAME_PATTERN,
  addVersion,
  findLiveSecret,
  findSecret,
  mergeTags,
  readSecretId,
  readTags,
  readToken,
  readValueMembers,
  sameValue,
  seconds,
  touch,
  valueOf,
} from './common.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';
import { checkReplicaRegions, readReplicaRegions, replicate } from './replication.js';
import { describeView } from './views.js';

/** CreateSecret, DescribeSecret, UpdateSecret, DeleteSecret, RestoreSecret. */

const DAY_MS = 86_400_000;

const createSecret: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const name = reader.string('Name', { required: true, min: 1, max: 512 }) ?? '';
  const token = readToken(reader);
  const description = reader.string('Description', { max: 2048 });
  const kmsKeyId = reader.string('KmsKeyId', { max: 2048 });
  const members = readValueMembers(reader);
  const tags = readTags(reader, 'Tags');
  const type = reader.string('Type', { min: 1, max: 256 });
  const replicas = readReplicaRegions(reader, 'AddReplicaRegions');
  const force = reader.boolean('ForceOverwriteReplicaSecret') === true;
  reader.done();

  if (!NAME_PATTERN.test(name)) throw Errors.invalidName();
  if (token === undefined) throw Errors.missingToken('InvalidRequestException');
  const value = valueOf(members);
  const mergedTags = tags === undefined ? undefined : mergeTags([], tags);
  if (replicas !== undefined) checkReplicaRegions(ctx, replicas);

  const existing = ctx.state.byExactName(name);
  if (existing) {
    if (existing.deletionDate !== undefined) throw Errors.nameScheduledForDeletion();
    const version = existing.versions.get(token);
    // A retried request (same token, same value) succeeds without change.
    if (version && value && sameValue(version.value, value))
      return { ARN: existing.arn, Name: existing.name, VersionId: version.id };
    if (version) throw Errors.tokenInUse(token, existing.arn);
    throw Errors.secretExists(name);
  }

  const secret: SecretRecord = {
    arn: ctx.state.newArn(name),
    name,
    created: ctx.now,
    lastChanged: ctx.now,
    versions: new Map(),
    // The service omits empty members: an empty description is no description.
    ...(description ? { description } : {}),
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(mergedTags !== undefined ? { tags: mergedTags } : {}),
  };
  if (value) stageNewValue(secret, addVersion(secret, token, value, ctx.now), undefined);
  ctx.state.add(secret);
  ctx.changed();
  const replication = replicas?.length ? replicate(ctx, secret, replicas, force) : undefined;
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: value ? token : undefined,
    ReplicationStatus: replication?.map((entry) => ({ ...entry })),
  };
};

const describeSecret: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  reader.done();
  return describeView(findSecret(ctx, secretId), ctx.regions);
};

const updateSecret: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const token = readToken(reader);
  const description = reader.string('Description', { max: 2048 });
  const kmsKeyId = reader.string('KmsKeyId', { max: 2048 });
  const members = readValueMembers(reader);
  const type = reader.string('Type', { min: 1, max: 256 });
  reader.done();

  const value = valueOf(members);
  // Before the lookup, as CreateSecret and PutSecretValue: a value needs its token.
  if (value && token === undefined) throw Errors.missingToken('InvalidRequestException');
  const secret = findLiveSecret(ctx, secretId);
  if (token === undefined) throw Errors.missingToken('InvalidRequestException');
  const existing = value ? secret.versions.get(token) : undefined;
  if (existing && existing.value !== undefined) {
    if (sameValue(existing.value, value))
      return { ARN: secret.arn, Name: secret.name, VersionId: existing.id };
    throw Errors.tokenInUse(token, secret.arn);
  }

  if (description === '') delete secret.description;
  else if (description !== undefined) secret.description = description;
  if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
  if (type !== undefined) secret.type = type;
  if (value) {
    const version = existing ?? addVersion(secret, token, value, ctx.now);
    version.value = value;
    stageNewValue(secret, version, undefined);
    countManualRotation(secret, ctx.now);
  }
  touch(secret, ctx);
  return { ARN: secret.arn, Name: secret.name, VersionId: value ? token : undefined };
};

const deleteSecret: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const window = reader.integer('RecoveryWindowInDays');
  const force = reader.boolean('ForceDeleteWithoutRecovery') === true;
  reader.done();

  if (window !== undefined && (window < 7 || window > 30)) throw Errors.recoveryWindow();
  if (window !== undefined && force) throw Errors.forceWithWindow();
  let secret: SecretRecord;
  try {
    secret = findSecret(ctx, secretId);
  } catch (error) {
    // Forcing the deletion of a secret that does not exist succeeds, as the service's does.
    const notFound = error instanceof ServiceError && error.type === 'ResourceNotFoundException';
    if (!force || !notFound || secretId.startsWith('arn:') || !NAME_PATTERN.test(secretId)) throw error;
    return { ARN: ctx.state.newArn(secretId), Name: secretId, DeletionDate: seconds(ctx.now) };
  }
  if (secret.replicas?.length)
    throw Errors.stillHasReplicas(
      secret.arn,
      secret.replicas.map((entry) => entry.Region),
    );
  if (force) {
    ctx.state.remove(secret);
    ctx.changed();
    return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(ctx.now) };
  }
  if (secret.deletionDate !== undefined) throw Errors.markedForDeletion();
  secret.deletionDate = ctx.now + (window ?? 30) * DAY_MS;
  touch(secret, ctx);
  return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(secret.deletionDate) };
};

const restoreSecret: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  reader.done();
  const secret = findSecret(ctx, secretId);
  if (secret.deletionDate !== undefined) {
    delete secret.deletionDate;
    touch(secret, ctx);
  }
  return { ARN: secret.arn, Name: secret.name };
};

export { createSecret, deleteSecret, describeSecret, restoreSecret, updateSecret };
