import type { Operation } from './context.js';
import {
  deleteResourcePolicy,
  getResourcePolicy,
  putResourcePolicy,
  validateResourcePolicy,
} from './policies.js';
import { getRandomPassword } from './randomPassword.js';
import {
  removeRegionsFromReplication,
  replicateSecretToRegions,
  stopReplicationToReplica,
} from './replication.js';
import { cancelRotateSecret, rotateSecret } from './rotation.js';
import { createSecret, deleteSecret, describeSecret, restoreSecret, updateSecret } from './secrets.js';
import { tagResource, untagResource } from './tags.js';
import { listSecrets } from './listing.js';
import { batchGetSecretValue, getSecretValue, putSecretValue } from './values.js';
import { listSecretVersionIds, updateSecretVersionStage } from './versions.js';

/** Every operation the local service answers, by its X-Amz-Target name. */
const OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze({
  BatchGetSecretValue: batchGetSecretValue,
  CancelRotateSecret: cancelRotateSecret,
  CreateSecret: createSecret,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteSecret: deleteSecret,
  DescribeSecret: describeSecret,
  GetRandomPassword: getRandomPassword,
  GetResourcePolicy: getResourcePolicy,
  GetSecretValue: getSecretValue,
  ListSecretVersionIds: listSecretVersionIds,
  ListSecrets: listSecrets,
  PutResourcePolicy: putResourcePolicy,
  PutSecretValue: putSecretValue,
  RemoveRegionsFromReplication: removeRegionsFromReplication,
  ReplicateSecretToRegions: replicateSecretToRegions,
  RestoreSecret: restoreSecret,
  RotateSecret: rotateSecret,
  StopReplicationToReplica: stopReplicationToReplica,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateSecret: updateSecret,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ValidateResourcePolicy: validateResourcePolicy,
});

export { OPERATIONS };
