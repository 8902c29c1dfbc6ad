/**
 * The state of the local Secrets Manager: plain records, no behaviour. Times are epoch
 * milliseconds here and become epoch seconds on the wire.
 */

/** A version's value: text or bytes, never both. */
type SecretValue =
  { readonly kind: 'string'; readonly text: string } | { readonly kind: 'binary'; readonly bytes: Buffer };

interface VersionRecord {
  readonly id: string;
  readonly created: number;
  /** Staging labels; empty means deprecated. */
  stages: string[];
  /** Day of the last read (00:00 UTC). */
  lastAccessed?: number;
  /** Absent only for the placeholder RotateSecret creates before the function fills it. */
  value?: SecretValue;
}

interface Tag {
  Key: string;
  Value: string;
}

interface RotationRules {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

interface ReplicaStatus {
  Region: string;
  KmsKeyId?: string;
  Status: 'InSync' | 'Failed' | 'InProgress';
  StatusMessage?: string;
}

interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  readonly created: number;
  description?: string;
  kmsKeyId?: string;
  type?: string;
  lastChanged: number;
  lastAccessed?: number;
  /** When the secret will be removed; set while it is scheduled for deletion. */
  deletionDate?: number;
  /** Undefined until rotation is first configured (DescribeSecret then omits it). */
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  lastRotated?: number;
  nextRotation?: number;
  /** Undefined until the secret is first tagged (DescribeSecret then omits `Tags`). */
  tags?: Tag[];
  /** The resource policy exactly as PutResourcePolicy received it (stored, never enforced). */
  resourcePolicy?: string;
  /** On a replica: the region of its primary. A replica follows its primary and refuses writes. */
  primaryRegion?: string;
  /** On a primary: one entry per region it is replicated to (ReplicationStatus on the wire). */
  replicas?: ReplicaStatus[];
  /** In creation order. */
  versions: Map<string, VersionRecord>;
}

const Stage = {
  Current: 'AWSCURRENT',
  Pending: 'AWSPENDING',
  Previous: 'AWSPREVIOUS',
} as const;

/**
 * A replica follows its primary and refuses writes: nothing may rotate it (RotateSecret refuses it;
 * a rotation scheduler must skip it) until StopReplicationToReplica makes it standalone.
 */
function isReplica(secret: Pick<SecretRecord, 'primaryRegion'>): boolean {
  return secret.primaryRegion !== undefined;
}

export { Stage, isReplica };
export type { ReplicaStatus, RotationRules, SecretRecord, SecretValue, Tag, VersionRecord };
