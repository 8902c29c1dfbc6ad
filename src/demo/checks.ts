import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PostgresSecret } from '../adapters/postgres/index.js';
import type { DatabaseAdapter } from '../rotation/adapter.js';
import { Stage } from '../rotation/constants.js';
import type { DemoProgress } from './progress.js';
import { holderOf, holdersOf } from './versions.js';

/** How many checks a complete demo runs (the one before the rotation included). */
const CHECK_COUNT = 6;

interface RotationFacts {
  adapter: DatabaseAdapter<PostgresSecret>;
  admin: SecretsManagerClient;
  secretId: string;
  /** The secret before the rotation (the old password). */
  initial: PostgresSecret;
  /** RotateSecret's ClientRequestToken: the new version's id. */
  token: string;
}

/**
 * What a successful rotation must have done, checked against the database (logins, through the
 * real adapter) and Secrets Manager (the labels in the report's before/after versions).
 */
async function checkRotation(progress: DemoProgress, facts: RotationFacts): Promise<void> {
  const { adapter, admin, secretId, initial, token } = facts;
  const { before, after } = progress.report;
  const { SecretString = '{}' } = await admin.send(new GetSecretValueCommand({ SecretId: secretId }));
  const current = adapter.parseSecret(JSON.parse(SecretString));

  await progress.check('new-password-logs-in', 'the new password (AWSCURRENT) logs in', () =>
    adapter.canLogin(current),
  );
  await progress.check(
    'old-password-rejected',
    'the old password (now AWSPREVIOUS) no longer logs in',
    async () => !(await adapter.canLogin(initial)),
  );
  await progress.check(
    'current-is-new-version',
    'AWSCURRENT is the version RotateSecret created',
    () => holderOf(after, Stage.Current) === token,
  );
  await progress.check(
    'previous-is-former-current',
    'AWSPREVIOUS is the version that was AWSCURRENT',
    () => holderOf(after, Stage.Previous) === holderOf(before, Stage.Current),
  );
  await progress.check(
    'one-version-per-label',
    'each label is on exactly one version, no AWSPENDING left',
    () =>
      holdersOf(after, Stage.Current) === 1 &&
      holdersOf(after, Stage.Previous) === 1 &&
      holdersOf(after, Stage.Pending) === 0,
  );
}

export { CHECK_COUNT, checkRotation };
export type { RotationFacts };
