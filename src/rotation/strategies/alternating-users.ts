import { ConfigurationError, UnsafeChangeError } from '../../shared/errors.js';
import { requireMasterArn } from './single-user.js';
import type { DatabaseSecret } from '../adapter.js';
import { assertSameServer } from '../target-guard.js';
import type { RotationContext } from '../context.js';
import type { RotationStrategy } from './strategy.js';

interface AlternatingUsersOptions {
  /** Appended to the base username to name the second user. Default `_clone` (as AWS's templates). */
  suffix?: string;
}

/**
 * Alternating users (zero downtime): a superuser, whose secret the key `masterarn` names, keeps two
 * users, `<user>` and `<user>_clone`; each rotation sets a new password on the one AWSCURRENT does
 * not name, so the credentials applications hold keep working until the next rotation.
 *
 * @example
 * import { createRotationHandler, alternatingUsers } from 'rotation-kit';
 * import { createPostgresAdapter } from 'rotation-kit/postgres';
 * export const handler = createRotationHandler({ adapter: createPostgresAdapter(), strategy: alternatingUsers() });
 */
function alternatingUsers(options: AlternatingUsersOptions = {}): RotationStrategy {
  const suffix = options.suffix ?? '_clone';
  const otherUser = (username: string): string =>
    username.endsWith(suffix) ? username.slice(0, -suffix.length) : username + suffix;
  const masterArn = requireMasterArn;

  return {
    name: 'alternating-users',
    validateCurrent(current) {
      masterArn(current);
    },
    nextSecret(current, parsed, password) {
      return { ...current, username: otherUser(parsed.username), password };
    },
    assertPendingMatches(current, pending) {
      if (pending.host !== current.host) throw new UnsafeChangeError('host');
      if (pending.username !== otherUser(current.username)) {
        throw new UnsafeChangeError('username');
      }
      if (pending.masterarn !== current.masterarn) throw new UnsafeChangeError('masterarn');
    },
    async applyPending<S extends DatabaseSecret>(context: RotationContext<S>, current: S, pending: S) {
      const { adapter, log } = context;
      if (!adapter.ensureUserLike) {
        throw new ConfigurationError(
          'strategy',
          `a strategy the ${adapter.engines[0] ?? 'given'} adapter supports (it has no ensureUserLike)`,
        );
      }
      if (await adapter.canLogin(pending)) {
        log.info('pending password already set in the database');
        return;
      }
      const admin = await context.readOtherSecret(masterArn(current), 'superuser (masterarn) secret');
      assertSameServer(admin, current);
      await adapter.ensureUserLike(admin, current.username, {
        username: pending.username,
        password: pending.password,
      });
      log.info('password set on the alternate user');
    },
  };
}

export { alternatingUsers };
export type { AlternatingUsersOptions };
