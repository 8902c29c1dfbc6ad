import { DualPasswordUnsupportedError, LoginFailedError } from '../../shared/errors.js';
import type { DatabaseSecret, DualPasswordSupport } from '../adapter.js';
import { assertSameServer } from '../target-guard.js';
import type { RotationContext } from '../context.js';
import { assertSameIdentity, requireMasterArn } from './single-user.js';
import type { RotationStrategy } from './strategy.js';

interface DualPasswordOptions {
  /**
   * Who adds and retires the passwords:
   * - `self` (default): the user, logged in with AWSCURRENT; when that is rejected and the secret has
   *   `masterarn`, the superuser it names;
   * - `superuser`: always the superuser named by `masterarn` (Redis: a user allowed to change its own
   *   password may change anyone's, so prefer this there).
   */
  changedBy?: 'self' | 'superuser';
}

function supportOf<S extends DatabaseSecret>(context: RotationContext<S>): DualPasswordSupport<S> {
  const support = context.adapter.dualPassword;
  if (!support) {
    throw new DualPasswordUnsupportedError(
      context.adapter.engines[0] ?? 'given',
      'the adapter has no dualPassword capability (add a password keeping the current one)',
    );
  }
  return support;
}

/**
 * Dual password (zero downtime, one user, no clone): the user holds two valid passwords at once.
 * setSecret retires every password but AWSCURRENT's (the one before it, AWSPREVIOUS, retires only
 * now, so clients that cached AWSCURRENT keep working through a whole rotation interval), then adds
 * AWSPENDING's; finishSecret moves the labels as for any strategy. Needs an adapter with the
 * `dualPassword` capability (Redis/Valkey, MySQL 8.0.14+); without it, or on a server that cannot
 * (MariaDB), createSecret fails with `DualPasswordUnsupportedError` before anything is written.
 *
 * @example
 * import { createRotationHandler, dualPassword } from 'rotation-kit';
 * import { createRedisAdapter } from 'rotation-kit/redis';
 * export const handler = createRotationHandler({ adapter: createRedisAdapter(), strategy: dualPassword({ changedBy: 'superuser' }) });
 */
function dualPassword(options: DualPasswordOptions = {}): RotationStrategy {
  const changedBy = options.changedBy ?? 'self';

  /** Runs `work` as the user (falling back to the superuser on a rejected login) or as the superuser. */
  async function asLogin<S extends DatabaseSecret>(
    context: RotationContext<S>,
    current: S,
    work: (login: S, label: string) => Promise<void>,
  ): Promise<void> {
    const bySuperuser = async () => {
      const admin = await context.readOtherSecret(requireMasterArn(current), 'superuser (masterarn) secret');
      assertSameServer(admin, current);
      await work(admin, 'masterarn');
    };
    if (changedBy === 'superuser') return bySuperuser();
    try {
      return await work(current, 'AWSCURRENT');
    } catch (error) {
      if (!(error instanceof LoginFailedError)) throw error;
      if (!current.masterarn) {
        throw new LoginFailedError(
          `${context.step}: AWSCURRENT cannot log in as the secret's user, and the secret has no masterarn`,
          { secretId: context.secretId, step: context.step },
          { cause: error },
        );
      }
    }
    return bySuperuser();
  }

  return {
    name: 'dual-password',
    validateCurrent(current) {
      if (changedBy === 'superuser') requireMasterArn(current);
    },
    async checkSupport<S extends DatabaseSecret>(context: RotationContext<S>, current: S) {
      const support = supportOf(context);
      const checkServer = support.checkServer?.bind(support);
      if (checkServer) await asLogin(context, current, (login) => checkServer(login));
    },
    nextSecret(current, _parsed, password) {
      return { ...current, password };
    },
    assertPendingMatches: assertSameIdentity,
    async applyPending<S extends DatabaseSecret>(context: RotationContext<S>, current: S, pending: S) {
      const { log } = context;
      const support = supportOf(context);
      // Added only after the retirement below: a pending password that logs in means both are done.
      if (await context.adapter.canLogin(pending)) {
        log.info('pending password already added in the database');
        return;
      }
      await asLogin(context, current, async (login, label) => {
        // AWSPREVIOUS (and any password of an abandoned rotation) goes; AWSCURRENT's stays valid.
        await support.retirePasswords(login, current.username, [current.password]);
        await support.addPassword(login, { username: pending.username, password: pending.password });
        log.info('pending password added; the current one still works', { loggedInWith: label });
      });
    },
  };
}

export { dualPassword };
export type { DualPasswordOptions };
