import { Errors, ServiceError } from '../protocol/errors.js';
import { Stage } from '../store/model.js';
import type { SecretRecord, VersionRecord } from '../store/model.js';
import { holderOf, stageNewValue } from '../store/staging.js';
import { countManualRotation } from './rotation.js';
import {
  addVersion,
  findLiveSecret,
  readSecretId,
  readToken,
  readValueMembers,
  sameValue,
  startOfDay,
  touch,
  valueOf,
} from './common.js';
import type { Operation, OperationContext } from './context.js';
import { InputReader } from './input.js';
import type { JsonObject } from './input.js';
import { matchingSecrets, readFilters } from './listing.js';
import { paginate } from './pagination.js';
import { secretValueView } from './views.js';

/** GetSecretValue, PutSecretValue, BatchGetSecretValue. */

/** The version a read names (AWSCURRENT by default) that has a value; records the access. */
function readableVersion(
  ctx: OperationContext,
  secret: SecretRecord,
  versionId: string | undefined,
  versionStage: string | undefined,
): VersionRecord {
  let version: VersionRecord | undefined;
  if (versionId !== undefined) {
    version = secret.versions.get(versionId);
    if (!version?.value) throw Errors.valueNotFoundForVersion(versionId);
    if (versionStage !== undefined && !version.stages.includes(versionStage))
      throw Errors.stageNotOnVersion();
  } else {
    const stage = versionStage ?? Stage.Current;
    version = holderOf(secret, stage);
    if (!version?.value) throw Errors.valueNotFoundForStage(stage);
  }
  recordAccess(ctx, secret, version);
  return version;
}

/** LastAccessedDate is a day: it changes (and is persisted) on the first read of a day only. */
function recordAccess(ctx: OperationContext, secret: SecretRecord, version: VersionRecord): void {
  const day = startOfDay(ctx.now);
  if (secret.lastAccessed === day && version.lastAccessed === day) return;
  secret.lastAccessed = day;
  version.lastAccessed = day;
  ctx.changed();
}

const getSecretValue: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const versionId = reader.string('VersionId', { min: 32, max: 64 });
  const versionStage = reader.string('VersionStage', { min: 1, max: 256 });
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  return secretValueView(secret, readableVersion(ctx, secret, versionId, versionStage));
};

const putSecretValue: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const token = readToken(reader);
  const members = readValueMembers(reader);
  const stages = reader.stringList('VersionStages', { minItems: 1, maxItems: 20, itemMin: 1, itemMax: 256 });
  reader.string('RotationToken', { min: 36, max: 256 });
  reader.done();

  if (token === undefined) throw Errors.missingToken('InvalidRequestException');
  const secret = findLiveSecret(ctx, secretId);
  const value = valueOf(members);
  if (!value) throw Errors.noValue();

  let version = secret.versions.get(token);
  if (version?.value !== undefined) {
    if (!sameValue(version.value, value)) throw Errors.tokenInUse(token, secret.arn);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }
  // A new version, or the placeholder RotateSecret left for this token.
  version ??= addVersion(secret, token, value, ctx.now);
  version.value = value;
  stageNewValue(secret, version, stages);
  if (version.stages.includes(Stage.Current)) countManualRotation(secret, ctx.now);
  touch(secret, ctx);
  return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
};

const batchGetSecretValue: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const ids = reader.stringList('SecretIdList', { minItems: 1, maxItems: 20, itemMin: 1, itemMax: 2048 });
  const filters = readFilters(reader);
  const maxResults = reader.integer('MaxResults', { min: 1, max: 20 });
  const nextToken = reader.string('NextToken', { min: 1, max: 4096 });
  reader.done();
  if ((ids === undefined) === (filters === undefined)) throw Errors.batchIdsOrFilters();
  if (maxResults !== undefined && filters === undefined) throw Errors.maxResultsWithoutFilters();

  const values: JsonObject[] = [];
  const errors: JsonObject[] = [];
  const read = (secretId: string, find: () => SecretRecord) => {
    try {
      const secret = find();
      values.push(secretValueView(secret, readableVersion(ctx, secret, undefined, undefined)));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      errors.push({ SecretId: secretId, ErrorCode: error.type, Message: error.message });
    }
  };

  let token: string | undefined;
  if (ids !== undefined) {
    for (const id of ids) read(id, () => findLiveSecret(ctx, id));
  } else {
    const matching = matchingSecrets(ctx, filters ?? [], false);
    const { page, nextToken: next } = paginate('BatchGetSecretValue', matching, maxResults ?? 20, nextToken);
    for (const secret of page) read(secret.name, () => secret);
    token = next;
  }
  return { SecretValues: values, Errors: errors.length > 0 ? errors : undefined, NextToken: token };
};

export { batchGetSecretValue, getSecretValue, putSecretValue };
