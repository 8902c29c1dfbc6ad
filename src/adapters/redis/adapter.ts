import type { ConnectionOptions } from 'node:tls';
import type { DatabaseAdapter, PasswordChange } from '../../src/index.js';
import {
  ConfigurationError,
  DatabaseConnectionError,
  LoginFailedError,
  PrivilegeCopyError,
  RoleNotFoundError,
} from '../../src/index.js';
import { AclCopyError, copyRules } from './acl-rules.js';
import { REDIS_ENGINES, parseRedisSecret } from './secret.js';
import type { RedisSecret } from './secret.js';
import { defaultDriver, withSession } from './session.js';
import type { RedisDriver, RedisSession, SessionSettings } from './session.js';

/**
 * How a password change survives a server restart. Redis keeps ACL changes in memory only:
 * - `none`: nothing is written (users are re-created by something else, or the data is throwaway);
 * - `acl-save`: `ACL SAVE`, for servers whose users live in an `aclfile`;
 * - `config-rewrite`: `CONFIG REWRITE`, for servers whose users are `user` lines in redis.conf.
 */
type PersistMode = 'none' | 'acl-save' | 'config-rewrite';

interface RedisAclAdapterOptions {
  /** How long to wait for the connection and for each reply, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** CA bundle (PEM) that signs the server certificate, for secrets with `"tls": true`. Default: Node's trusted CAs. */
  tls?: { ca?: ConnectionOptions['ca'] };
  /** Default `none`: see {@link PersistMode}. Checked before any change, so a refusal changes nothing. */
  persist?: PersistMode;
  /** The client factory. Default: `ioredis`. */
  driver?: RedisDriver;
}

const DEFAULT_TIMEOUT_MS = 5000;

const PERSIST_COMMANDS: Record<Exclude<PersistMode, 'none'>, string[]> = {
  'acl-save': ['ACL', 'SAVE'],
  'config-rewrite': ['CONFIG', 'REWRITE'],
};

const SETUSER_HINT =
  "the login user needs +acl|setuser, or let a superuser change it: singleUser({ changedBy: 'superuser' })";

function assertChange(change: PasswordChange): void {
  if (
    typeof change?.username !== 'string' ||
    change.username.length === 0 ||
    /[\s\0]/.test(change.username)
  ) {
    throw new ConfigurationError('change.username', 'a Redis ACL username (non-empty, no spaces or NUL)');
  }
  if (typeof change.password !== 'string' || change.password.length === 0) {
    throw new ConfigurationError('change.password', 'a non-empty string');
  }
}

/** Adds what to do about a NOPERM answer to the error, keeping its code and cause. */
function withPermissionHint(error: unknown, hint: string): unknown {
  if (!(error instanceof DatabaseConnectionError) || error.context.redisError !== 'NOPERM') return error;
  return new DatabaseConnectionError(`${error.message}; ${hint}`, error.context, { cause: error.cause });
}

/**
 * A `DatabaseAdapter` for Redis ACL users (Redis 6 or later; `ensureUserLike` needs Redis 7), built
 * on `ioredis`. It is the worked example of README "Writing your own adapter".
 *
 * - `canLogin`: `AUTH <username> <password>` then `PING`; false only when the server answers
 *   WRONGPASS. A user without the PING permission still counts as logged in.
 * - `setPassword`: `ACL SETUSER <user> resetpass ><password>`, one atomic command. The login user
 *   needs `+acl|setuser` (and `+acl|getuser` to change another user), which in Redis lets it change
 *   any user: prefer `singleUser({ changedBy: 'superuser' })` or `alternatingUsers()`.
 * - `ensureUserLike`: copies `ACL GETUSER <like>` (flags, commands, keys, channels, selectors) onto
 *   the other user after resetting it, with its password, in one `ACL SETUSER`: idempotent.
 *
 * ACLs are per server: on a replica set or a cluster, run it against every node (or manage users
 * with your provider's API: ElastiCache and MemoryDB refuse `ACL SETUSER`).
 *
 * @example
 * import { createRotationHandler, singleUser } from 'rotation-kit';
 * import { createRedisAclAdapter } from './adapter.js';
 *
 * // Defaults: 5 s timeouts, no persistence (set `persist` to match how your server stores users).
 * export const handler = createRotationHandler({
 *   adapter: createRedisAclAdapter({ persist: 'acl-save' }),
 *   strategy: singleUser({ changedBy: 'superuser' }),
 * });
 */
function createRedisAclAdapter(options: RedisAclAdapterOptions = {}): DatabaseAdapter<RedisSecret> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigurationError('timeoutMs', 'a positive whole number of milliseconds');
  }
  const persist = options.persist ?? 'none';
  if (persist !== 'none' && !Object.hasOwn(PERSIST_COMMANDS, persist)) {
    throw new ConfigurationError('persist', '"none", "acl-save" or "config-rewrite"');
  }
  const settings: SessionSettings = {
    driver: options.driver ?? defaultDriver,
    timeoutMs,
    tls: options.tls?.ca !== undefined ? { ca: options.tls.ca } : {},
  };

  /**
   * Runs `change` between two persistence writes. The first one proves, before anything changes,
   * that the server can persist and that the login may ask it to.
   */
  async function persisted(session: RedisSession, change: () => Promise<void>): Promise<void> {
    if (persist === 'none') return change();
    const command = PERSIST_COMMANDS[persist];
    const hint = `the login user needs +${command.join('|').toLowerCase()}, or set persist: 'none'`;
    try {
      await session.call(`persisting ACLs (${command.join(' ')}) before any change`, command);
    } catch (error) {
      throw withPermissionHint(error, hint);
    }
    await change();
    await session.call(`persisting ACLs (${command.join(' ')}) after the change`, command);
  }

  async function setUserPassword(session: RedisSession, login: RedisSecret, change: PasswordChange) {
    // A user changing itself exists (it just logged in) and may lack +acl|getuser.
    if (change.username !== login.username) {
      let existing: unknown;
      try {
        existing = await session.call(`reading the ACL user "${change.username}"`, [
          'ACL',
          'GETUSER',
          change.username,
        ]);
      } catch (error) {
        throw withPermissionHint(error, 'a login changing another user needs +acl|getuser');
      }
      // ACL SETUSER would create a missing user: refuse instead.
      if (existing === null) throw new RoleNotFoundError(change.username);
    }
    await persisted(session, async () => {
      try {
        await session.call(
          `changing the password of ACL user "${change.username}"`,
          ['ACL', 'SETUSER', change.username, 'resetpass', `>${change.password}`],
          [change.password],
        );
      } catch (error) {
        throw withPermissionHint(error, SETUSER_HINT);
      }
    });
  }

  return {
    engines: REDIS_ENGINES,

    connectionKeys: ['engine', 'host', 'port', 'username'],

    // A pending version may turn TLS on, never off.
    tlsStrength: (secret) => (secret.tls ? 1 : 0),

    parseSecret: parseRedisSecret,

    async canLogin(secret) {
      try {
        await withSession(secret, settings, async (session) => {
          try {
            await session.call('PING', ['PING']);
          } catch (error) {
            // AUTH succeeded, so the credentials are right; some users may not PING.
            if (!(error instanceof DatabaseConnectionError && error.context.redisError === 'NOPERM'))
              throw error;
          }
        });
        return true;
      } catch (error) {
        if (error instanceof LoginFailedError) return false;
        throw error;
      }
    },

    async setPassword(login, change) {
      assertChange(change);
      await withSession(login, settings, (session) => setUserPassword(session, login, change));
    },

    async ensureUserLike(admin, like, change) {
      assertChange(change);
      if (typeof like !== 'string' || like.length === 0)
        throw new ConfigurationError('like', 'a non-empty string');
      await withSession(admin, settings, async (session) => {
        if (like === change.username) return setUserPassword(session, admin, change);
        const reply = await session.call(`reading the ACL rules of "${like}"`, ['ACL', 'GETUSER', like]);
        if (reply === null) {
          throw new PrivilegeCopyError(like, change.username, `the ACL user "${like}" does not exist`);
        }
        let rules: string[];
        try {
          rules = copyRules(reply);
        } catch (error) {
          if (!(error instanceof AclCopyError)) throw error;
          throw new PrivilegeCopyError(like, change.username, error.message);
        }
        await persisted(session, async () => {
          await session.call(
            `copying the ACL rules of "${like}" to "${change.username}"`,
            ['ACL', 'SETUSER', change.username, ...rules, `>${change.password}`],
            [change.password],
          );
        });
      });
    },
  };
}

export { DEFAULT_TIMEOUT_MS, createRedisAclAdapter };
export type { PersistMode, RedisAclAdapterOptions };
