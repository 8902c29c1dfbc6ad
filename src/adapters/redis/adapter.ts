/**
 * The Redis/Valkey adapter: ACL users (Redis 6 or later), through `ioredis` (an optional peer).
 */
import type { DatabaseAdapter, PasswordChange } from '../../rotation/adapter.js';
import {
  ConfigurationError,
  DatabaseConnectionError,
  LoginFailedError,
  PrivilegeCopyError,
  RoleNotFoundError,
} from '../../shared/errors.js';
import { secretTlsMode, secretTlsStrength } from '../shared/secret-fields.js';
import { checkTlsMode, effectiveTlsMode, loadCaBundle } from '../shared/tls-settings.js';
import type { TlsOptions } from '../shared/tls-settings.js';
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

interface RedisAdapterOptions {
  /** How long to wait for the connection and for each reply, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /**
   * TLS mode and CA bundle, as for the other adapters: the mode wins over the secret's
   * `sslmode`/`ssl`; neither: `verify-full`. The CA bundle: `tls.ca` (PEM text or a file),
   * `ROTATION_KIT_CA_BUNDLE` or `ROTATION_KIT_CA_BUNDLE_FILE`, else Node's CAs.
   */
  tls?: TlsOptions;
  /** Default `none`: see {@link PersistMode}. Checked before any change, so a refusal changes nothing. */
  persist?: PersistMode;
  /** The client factory. Default: `ioredis`, loaded at the first connection. */
  driver?: RedisDriver;
  /** Where to read `ROTATION_KIT_CA_BUNDLE[_FILE]`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What decides where and as whom a session connects (TLS is `tlsStrength`'s). */
const REDIS_CONNECTION_KEYS = Object.freeze(['engine', 'host', 'port', 'username']);

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
 * Creates the adapter for Redis and Valkey ACL users (`engine` `redis` or `valkey`; Redis 6 or
 * later, `ensureUserLike` needs Redis 7), through `ioredis` (an optional peer dependency).
 *
 * - `canLogin`: `AUTH <username> <password>` then `PING`; false only when the server answers
 *   WRONGPASS. A user without the PING permission still counts as logged in.
 * - `setPassword`: `ACL SETUSER <user> resetpass ><password>`, one atomic command. The login user
 *   needs `+acl|setuser` (and `+acl|getuser` to change another user), which in Redis lets it change
 *   any user: prefer `singleUser({ changedBy: 'superuser' })` or `alternatingUsers()`.
 * - `ensureUserLike`: copies `ACL GETUSER <like>` (flags, commands, keys, channels, selectors) onto
 *   the other user after resetting it, with its password, in one `ACL SETUSER`: idempotent.
 * - `dualPassword`: `ACL SETUSER <user> ><password>` adds a password keeping the others;
 *   `ACL SETUSER <user> resetpass ><kept>...` retires the rest, atomically.
 *
 * ACLs are per server: on a replica set or a cluster, run it against every node (or manage users
 * with your provider's API: ElastiCache and MemoryDB refuse `ACL SETUSER`).
 *
 * @example
 * import { createRotationHandler, singleUser } from 'rotation-kit';
 * import { createRedisAdapter } from 'rotation-kit/redis';
 *
 * // Defaults: TLS verify-full, 5 s timeouts, no persistence (set `persist` to match how your server stores users).
 * export const handler = createRotationHandler({
 *   adapter: createRedisAdapter({ persist: 'acl-save' }),
 *   strategy: singleUser({ changedBy: 'superuser' }),
 * });
 */
function createRedisAdapter(options: RedisAdapterOptions = {}): DatabaseAdapter<RedisSecret> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigurationError('timeoutMs', 'a positive whole number of milliseconds');
  }
  const persist = options.persist ?? 'none';
  if (persist !== 'none' && !Object.hasOwn(PERSIST_COMMANDS, persist)) {
    throw new ConfigurationError('persist', '"none", "acl-save" or "config-rewrite"');
  }
  const optionMode = options.tls?.mode === undefined ? undefined : checkTlsMode(options.tls.mode, 'tls.mode');
  let ca: { bundle: string | undefined } | undefined;
  const settings: SessionSettings = {
    driver: options.driver ?? defaultDriver,
    timeoutMs,
    tlsMode: (secret) => effectiveTlsMode(optionMode, secretTlsMode(secret)),
    // Read once, on the first verify-full connection, so a CA setting nobody uses cannot break start-up.
    caBundle: () => (ca ??= { bundle: loadCaBundle(options.tls?.ca, options.env ?? process.env) }).bundle,
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

  /** ACL SETUSER would create a missing user: refuse instead. */
  async function assertUserExists(session: RedisSession, login: RedisSecret, username: string) {
    // A user changing itself exists (it just logged in) and may lack +acl|getuser.
    if (username === login.username) return;
    let existing: unknown;
    try {
      existing = await session.call(`reading the ACL user "${username}"`, ['ACL', 'GETUSER', username]);
    } catch (error) {
      throw withPermissionHint(error, 'a login changing another user needs +acl|getuser');
    }
    if (existing === null) throw new RoleNotFoundError(username);
  }

  /** One atomic `ACL SETUSER <user> <rules...>` on an existing user, persisted as configured. */
  async function setUserRules(
    session: RedisSession,
    login: RedisSecret,
    username: string,
    what: string,
    rules: string[],
    passwords: readonly string[],
  ) {
    await assertUserExists(session, login, username);
    await persisted(session, async () => {
      try {
        await session.call(
          `${what} of ACL user "${username}"`,
          ['ACL', 'SETUSER', username, ...rules],
          passwords,
        );
      } catch (error) {
        throw withPermissionHint(error, SETUSER_HINT);
      }
    });
  }

  const setUserPassword = (session: RedisSession, login: RedisSecret, change: PasswordChange) =>
    setUserRules(
      session,
      login,
      change.username,
      'changing the password',
      ['resetpass', `>${change.password}`],
      [change.password],
    );

  return {
    engines: REDIS_ENGINES,

    connectionKeys: REDIS_CONNECTION_KEYS,

    tlsStrength: secretTlsStrength,

    parseSecret: parseRedisSecret,

    async checkDependencies() {
      await settings.driver.checkInstalled?.();
    },

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

    dualPassword: {
      // `>password` adds a password and keeps the others: Redis holds any number per user.
      async addPassword(login, change) {
        assertChange(change);
        await withSession(login, settings, (session) =>
          setUserRules(
            session,
            login,
            change.username,
            'adding a password',
            [`>${change.password}`],
            [change.password],
          ),
        );
      },
      // `resetpass` then `>kept`, in one atomic ACL SETUSER: no moment without the kept passwords.
      async retirePasswords(login, username, keep) {
        assertChange({ username, password: keep[0] ?? '' });
        for (const password of keep) assertChange({ username, password });
        await withSession(login, settings, (session) =>
          setUserRules(
            session,
            login,
            username,
            'retiring the other passwords',
            ['resetpass', ...keep.map((password) => `>${password}`)],
            keep,
          ),
        );
      },
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

export { DEFAULT_TIMEOUT_MS, REDIS_CONNECTION_KEYS, createRedisAdapter };
export type { PersistMode, RedisAdapterOptions };
