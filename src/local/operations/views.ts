import { describedRules } from '../schedule/rotationSchedule.js';
import type { SecretRecord, VersionRecord } from '../store/model.js';
import type { RegionalStates } from '../store/regions.js';
import { versionsToStages } from '../store/staging.js';
import { seconds, valueMembers } from './common.js';
import type { JsonObject } from './input.js';
import { replicationView } from './replication.js';

/**
 * How records look on the wire. Members without a value are left out (undefined members vanish in
 * JSON.stringify), as the service omits them.
 */
function secretMetadata(secret: SecretRecord, regions: RegionalStates | undefined): JsonObject {
  return {
    ARN: secret.arn,
    Name: secret.name,
    Type: secret.type,
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    RotationEnabled: secret.rotationEnabled,
    RotationLambdaARN: secret.rotationLambdaArn,
    RotationRules: describedRules(secret.rotationRules),
    LastRotatedDate: seconds(secret.lastRotated),
    LastChangedDate: seconds(secret.lastChanged),
    LastAccessedDate: seconds(secret.lastAccessed),
    DeletedDate: seconds(secret.deletionDate),
    NextRotationDate: seconds(secret.nextRotation),
    Tags: secret.tags?.map((tag) => ({ ...tag })),
    CreatedDate: seconds(secret.created),
    ...replicationView(secret, regions),
  };
}

/** DescribeSecret's response; `regions` gives a primary's replicas their LastAccessedDate. */
function describeView(secret: SecretRecord, regions?: RegionalStates): JsonObject {
  return { ...secretMetadata(secret, regions), VersionIdsToStages: versionsToStages(secret) };
}

/** A ListSecrets entry. */
function listEntryView(secret: SecretRecord, regions?: RegionalStates): JsonObject {
  return { ...secretMetadata(secret, regions), SecretVersionsToStages: versionsToStages(secret) };
}

/** GetSecretValue's response, and a BatchGetSecretValue entry. */
function secretValueView(secret: SecretRecord, version: VersionRecord): JsonObject {
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.id,
    ...valueMembers(version.value),
    VersionStages: [...version.stages],
    CreatedDate: seconds(version.created),
  };
}

export { describeView, listEntryView, secretValueView };
