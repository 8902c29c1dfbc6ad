import { RotationError } from '../../shared/errors.js';

/** The command line asks for something that cannot work as given: exit code 2. */
class UsageError extends RotationError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * Another version holds AWSPENDING without AWSCURRENT: an unfinished rotation. Secrets Manager
 * refuses RotateSecret then ("A previous rotation isn't complete"), and so does `rotate`.
 */
class PendingRotationError extends RotationError {
  override readonly name = 'PendingRotationError';

  constructor(secretId: string, versionId: string) {
    super(
      'PENDING_ROTATION',
      `A previous rotation of ${secretId} isn't complete: version ${versionId} holds AWSPENDING. ` +
        `Resume it with --token ${versionId}, or clear it with \`rotation-kit repair ${secretId}\`.`,
      { secretId, versionId },
    );
  }
}

/**
 * `--token` names a version that exists but is not staged AWSPENDING (an old, unlabelled or
 * current version): running the steps on it would put a retired password back. RotateSecret
 * refuses a token already in use the same way.
 */
class TokenInUseError extends RotationError {
  override readonly name = 'TokenInUseError';

  constructor(secretId: string, token: string, stages: readonly string[]) {
    super(
      'TOKEN_IN_USE',
      `Version ${token} of ${secretId} already exists and is not staged AWSPENDING ` +
        `(${stages.length > 0 ? stages.join(', ') : 'unlabelled'}): it is no unfinished rotation. ` +
        'Nothing was changed; start a new rotation without --token.',
      { secretId, versionId: token },
    );
  }
}

/** The user answered no to a confirmation: nothing was changed. */
class DeclinedError extends RotationError {
  override readonly name = 'DeclinedError';

  constructor() {
    super('DECLINED', 'Not confirmed: nothing was changed.');
  }
}

/** The secret changed between the plan shown and its confirmation: nothing was applied. */
class StalePlanError extends RotationError {
  override readonly name = 'StalePlanError';

  constructor() {
    super(
      'STALE_PLAN',
      'The secret changed since the plan was shown; nothing was changed. Run the command again.',
    );
  }
}

export { DeclinedError, PendingRotationError, StalePlanError, TokenInUseError, UsageError };
