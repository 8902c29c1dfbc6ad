import { LoginFailedError, SecretShapeError, UnsafeChangeError } from '../../shared/errors.js';
import type { DatabaseSecret } from '../adapter.js';
import { assertSameServer } from '../target-guard.js';
import type { RotationContext } from '../context.js';
import type { RotationStrategy } from './strategy.js';

/** Whose password changes: the same user. (Where it changes is the adapter's `connectionKeys`, checked by setSecret.) */
const IDENTITY_KEYS = ['username', 'host'] as const;

function assertSameIdentity(current: DatabaseSecret, pending: DatabaseSecret): void {
  for (const key of IDENTITY_KEYS) {
    if (current[key] !== pending[key]) throw new UnsafeChangeError(key);
  }
}

interface SingleUserOptions {
  /**
   * Who sets the password:
   * - `self` (default): the user, logged in with AWSCURRENT, else AWSPREVIOUS; when neither logs in and
   *   the secret has `masterarn`, the superuser it names sets it (a lost or already-changed password);
   * - `superuser`: always the superuser named by `masterarn` (for users that may not change their
   *   own password, e.g. restricted password management).
   */
  changedBy?: 'self' | 'superuser';
}

/**
 * Single user: the user logs in with its current password (AWSPREVIOUS as a fallback, for a
 * rotation that crashed after the database changed) and changes its own password.
 *
 * @example
 * import { createRotationHandler, singleUser } from 'rotation-kit';
 * import { createPostgresAdapter } from 'rotation-kit/postgres';
 * export const handler = createRotationHandler({ adapter: createPostgresAdapter(), strategy: singleUser() });
 */
function singleUser(options: SingleUserOptions = {}): RotationStrategy {
  const changedBy = options.changedBy ?? 'self';
  return {
    name: 'single-user',
    validateCurrent(current) {
      if (changedBy === 'superuser') requireMasterArn(current);
    },
    nextSecret(current, _parsed, password) {
      return { ...current, password };
    },
    assertPendingMatches: assertSameIdentity,
    async applyPending<S extends DatabaseSecret>(context: RotationContext<S>, current: S, pending: S) {
      const { adapter, log } = context;
      if (await adapter.canLogin(pending)) {
        log.info('pending password already set in the database');
        return;
      }
      const change = { username: pending.username, password: pending.password };
      const bySuperuser = async () => {
        const admin = await context.readOtherSecret(
          requireMasterArn(current),
          'superuser (masterarn) secret',
        );
        assertSameServer(admin, current);
        await adapter.setPassword(admin, change);
        log.info('password changed', { loggedInWith: 'masterarn' });
      };
      if (changedBy === 'superuser') return bySuperuser();

      // setPassword logs in as `login` itself and throws LoginFailedError when that login is
      // rejected: no separate login check first, one connection fewer per rotation.
      const changeAs = async (login: S, label: string): Promise<boolean> => {
        try {
          await adapter.setPassword(login, change);
        } catch (error) {
          if (error instanceof LoginFailedError) return false;
          throw error;
        }
        log.info('password changed', { loggedInWith: label });
        return true;
      };
      if (await changeAs(current, 'AWSCURRENT')) return;
      const previous = await context.readPrevious();
      if (previous && previous.secret.username === current.username) {
        if (await changeAs({ ...current, password: previous.secret.password }, 'AWSPREVIOUS')) return;
      }
      if (current.masterarn) return bySuperuser();
      throw new LoginFailedError(
        `setSecret: none of AWSPENDING, AWSCURRENT${previous ? ', AWSPREVIOUS' : ''} can log in as the secret's user`,
        { secretId: context.secretId, step: context.step },
      );
    },
  };
}

function requireMasterArn(secret: DatabaseSecret): string {
  if (typeof secret.masterarn !== 'string' || secret.masterarn.length === 0) {
    throw new SecretShapeError(
      'masterarn',
      'the ARN of the superuser secret (a non-empty string)',
      'AWSCURRENT secret',
    );
  }
  return secret.masterarn;
}

export { assertSameIdentity, requireMasterArn, singleUser };
export type { SingleUserOptions };
