import { Errors } from '../protocol/errors.js';
import { Stage } from '../store/model.js';
import { attach, detach, holderOf, isDeprecated, moveCurrent } from '../store/staging.js';
import { findLiveSecret, findSecret, readSecretId, seconds, touch } from './common.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';
import { paginate } from './pagination.js';

/** ListSecretVersionIds, UpdateSecretVersionStage. */

const listSecretVersionIds: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const maxResults = reader.integer('MaxResults', { min: 1, max: 100 });
  const nextToken = reader.string('NextToken', { min: 1, max: 4096 });
  const includeDeprecated = reader.boolean('IncludeDeprecated') === true;
  reader.done();

  const secret = findSecret(ctx, secretId);
  const versions = [...secret.versions.values()].filter((v) => includeDeprecated || !isDeprecated(v));
  const { page, nextToken: next } = paginate('ListSecretVersionIds', versions, maxResults ?? 100, nextToken);
  return {
    Versions: page.map((version) => ({
      VersionId: version.id,
      // A deprecated version is listed without the member, not with an empty list.
      VersionStages: isDeprecated(version) ? undefined : [...version.stages],
      LastAccessedDate: seconds(version.lastAccessed),
      CreatedDate: seconds(version.created),
      KmsKeyIds: [secret.kmsKeyId ?? 'DefaultEncryptionKey'],
    })),
    NextToken: next,
    ARN: secret.arn,
    Name: secret.name,
  };
};

const updateSecretVersionStage: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const stage = reader.string('VersionStage', { required: true, min: 1, max: 256 }) ?? '';
  const removeFromId = reader.string('RemoveFromVersionId', { min: 32, max: 64 });
  const moveToId = reader.string('MoveToVersionId', { min: 32, max: 64 });
  reader.done();

  const secret = findLiveSecret(ctx, secretId);
  if (removeFromId === undefined && moveToId === undefined) throw Errors.noStageTarget();
  const versionNamed = (id: string) => {
    const version = secret.versions.get(id);
    if (!version) throw Errors.valueNotFoundForVersion(id);
    return version;
  };
  const moveTo = moveToId === undefined ? undefined : versionNamed(moveToId);
  const removeFrom = removeFromId === undefined ? undefined : versionNamed(removeFromId);
  const holder = holderOf(secret, stage);
  if (removeFrom && holder !== removeFrom) throw Errors.removeFromMismatch(stage, removeFrom.id);
  if (moveTo && holder && holder !== moveTo && !removeFrom) throw Errors.removeFromRequired(stage, holder.id);

  if (moveTo) {
    if (stage === Stage.Current) moveCurrent(secret, moveTo);
    else attach(secret, moveTo, stage);
  } else if (removeFrom) {
    detach(secret, removeFrom, stage);
  }
  touch(secret, ctx);
  return { ARN: secret.arn, Name: secret.name };
};

export { listSecretVersionIds, updateSecretVersionStage };
