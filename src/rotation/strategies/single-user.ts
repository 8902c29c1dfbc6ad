import { LoginFailedError, UnsafeChangeError } from '../../shared/errors.js';
import type { DatabaseSecret } from '../adapter.js';
import type { RotationContext } from '../context.js';
import type { RotationStrategy } from './strategy.js';

/** The keys that decide whose password changes where: they must not differ between versions. */
const IDENTITY_KEYS = ['username', 'host'] as const;

function assertSameIdentity(current: DatabaseSecret, pending: DatabaseSecret): void {
  for (const key of IDENTITY_KEYS) {
    if (current[key] !== pending[key]) throw new UnsafeChangeError(key);
  }
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
function singleUser(): RotationStrategy {
  return {
    name: 'single-user',
    validateCurrent() {},
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
      if (await adapter.canLogin(current)) {
        await adapter.setPassword(current, change);
        log.info('password changed', { loggedInWith: 'AWSCURRENT' });
        return;
      }
      const previous = await context.readPrevious();
      if (previous && previous.secret.username === current.username) {
        const fallback = { ...current, password: previous.secret.password };
        if (await adapter.canLogin(fallback)) {
          await adapter.setPassword(fallback, change);
          log.info('password changed', { loggedInWith: 'AWSPREVIOUS' });
          return;
        }
      }
      throw new LoginFailedError(
        `setSecret: none of AWSPENDING, AWSCURRENT${previous ? ', AWSPREVIOUS' : ''} can log in as the secret's user`,
        { secretId: context.secretId, step: context.step },
      );
    },
  };
}

export { assertSameIdentity, singleUser };
