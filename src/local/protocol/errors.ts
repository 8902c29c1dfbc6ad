/**
 * Errors as Secrets Manager puts them on the wire: a `__type` code, a `Message`, an HTTP status
 * (400 for every client error, 500 for a server fault). Every text the service is known to send
 * lives here, so an operation never spells a message itself. Texts marked [rec] are recorded from
 * the real service (see docs/secrets-manager-semantics.md); the others are chosen where the service
 * is silent, and say so in src/local/README.md.
 */
class ServiceError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = 'ServiceError';
    this.type = type;
    this.status = status;
  }
}

const Errors = {
  // --- protocol
  unknownOperation: (target: string) =>
    new ServiceError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}.`),
  serialization: (detail: string) => new ServiceError('SerializationException', detail),
  // chosen: the DNS-rebinding guard (the service has no such case)
  hostNotAllowed: () =>
    new ServiceError(
      'AccessDeniedException',
      'The local Secrets Manager answers only requests whose Host header is a loopback name or address (localhost, 127.0.0.1, [::1]) or the host it was bound to.',
      403,
    ),
  // chosen: the SSRF guard on a RotationLambdaARN that is a URL
  invokeUrlNotAllowed: () =>
    new ServiceError(
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function: the local Secrets Manager invokes an http(s) URL given as RotationLambdaARN only when its host is loopback; register any other URL with --function or registerFunction.',
    ),
  internal: () => new ServiceError('InternalServiceError', 'An error occurred on the server side.', 500),

  // --- validation [rec]
  validation: (problems: readonly string[]) =>
    new ServiceError(
      'ValidationException',
      `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    ),
  invalidName: () =>
    new ServiceError(
      'ValidationException',
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    ),
  missingToken: (type: 'InvalidRequestException' | 'InvalidParameterException') =>
    new ServiceError(type, 'You must provide a ClientRequestToken value. We recommend a UUID-type value.'),

  // --- secrets [rec]
  secretNotFound: () =>
    new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
  secretExists: (name: string) =>
    new ServiceError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    ),
  tokenInUse: (token: string, arn: string) =>
    new ServiceError(
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
    ),
  markedForDeletion: () =>
    new ServiceError(
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was marked for deletion.",
    ),
  nameScheduledForDeletion: () =>
    new ServiceError(
      'InvalidRequestException',
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    ),
  bothValues: () =>
    new ServiceError(
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    ),
  // chosen
  noValue: () =>
    new ServiceError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.'),

  // --- values and versions [rec]
  valueNotFoundForStage: (stage: string) =>
    new ServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    ),
  valueNotFoundForVersion: (versionId: string) =>
    new ServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
    ),
  stageNotOnVersion: () =>
    new ServiceError(
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    ),
  removeFromRequired: (stage: string, holder: string) =>
    new ServiceError(
      'InvalidParameterException',
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
    ),
  // chosen
  removeFromMismatch: (stage: string, versionId: string) =>
    new ServiceError(
      'InvalidParameterException',
      `The parameter RemoveFromVersionId is invalid. Staging label ${stage} is not attached to version ${versionId}.`,
    ),
  // chosen
  noStageTarget: () =>
    new ServiceError(
      'InvalidParameterException',
      'You must specify MoveToVersionId, RemoveFromVersionId, or both.',
    ),

  // --- deletion [rec]
  recoveryWindow: () =>
    new ServiceError(
      'InvalidParameterException',
      'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    ),
  forceWithWindow: () =>
    new ServiceError(
      'InvalidParameterException',
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    ),

  // --- rotation [rec]
  bothSchedules: () =>
    new ServiceError(
      'InvalidParameterException',
      'You cannot specify both rotation frequency and schedule expression together.',
    ),
  // chosen text; the service's type
  invalidRotationRules: (detail: string) =>
    new ServiceError('InvalidParameterException', `The RotationRules are invalid: ${detail}.`),
  noRotationFunction: () =>
    new ServiceError(
      'InvalidRequestException',
      'No Lambda rotation function ARN is associated with this secret.',
    ),
  cannotInvoke: () =>
    new ServiceError(
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    ),
  rotationInProgress: () =>
    new ServiceError(
      'InvalidRequestException',
      "A previous rotation isn't complete. That rotation will be reattempted.",
    ),

  // --- tags (chosen)
  reservedTagKey: () =>
    new ServiceError(
      'InvalidParameterException',
      'aws: prefixed tag key names are not allowed for external use.',
    ),
  tooManyTags: (limit: number) =>
    new ServiceError(
      'InvalidParameterException',
      `The request failed because the secret would have more than ${limit} tags.`,
    ),

  // --- listing
  // [ver] the type; the text is chosen
  filterWithout: (member: 'Key' | 'Values') =>
    new ServiceError(
      'InvalidParameterException',
      `Every filter must have ${member === 'Key' ? 'a Key' : 'Values'}.`,
    ),
  // [ver]
  maxResultsWithoutFilters: () =>
    new ServiceError(
      'InvalidParameterException',
      "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    ),
  invalidNextToken: () => new ServiceError('InvalidNextTokenException', 'The NextToken value is invalid.'),
  // chosen (as other emulators that were checked against AWS)
  batchIdsOrFilters: () =>
    new ServiceError(
      'InvalidParameterException',
      "Either 'SecretIdList' or 'Filters' must be provided, but not both.",
    ),

  // --- resource policies (the types [doc]; the texts are chosen)
  malformedPolicy: (detail: string) =>
    new ServiceError('MalformedPolicyDocumentException', `The resource policy has syntax errors: ${detail}`),
  publicPolicy: () =>
    new ServiceError(
      'PublicPolicyException',
      'The resource policy grants broad access to the secret (a wildcard principal); BlockPublicPolicy refuses it.',
    ),

  // --- replication
  // [rec]
  replicaReadOnly: () =>
    new ServiceError(
      'InvalidParameterException',
      "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
    ),
  // [rec]
  stillHasReplicas: (arn: string, regions: readonly string[]) =>
    new ServiceError(
      'InvalidParameterException',
      `You can't delete secret ${arn} that still has replica regions [${regions.join(', ')}].`,
    ),
  // chosen
  replicaInOwnRegion: () =>
    new ServiceError(
      'InvalidParameterException',
      'Invalid replica region: it is the region of the primary secret.',
    ),
  // chosen
  replicaRegionTwice: () =>
    new ServiceError('InvalidParameterException', 'Invalid replica regions: a region is named twice.'),
  // chosen
  notAReplica: () =>
    new ServiceError(
      'InvalidParameterException',
      'StopReplicationToReplica must name a replica secret, in the region of the replica.',
    ),

  // --- random password: the texts live with the generator (src/shared/errors.ts, PasswordGenerationError)
  passwordGeneration: (message: string) => new ServiceError('InvalidParameterException', message),
} as const;

export { Errors, ServiceError };
