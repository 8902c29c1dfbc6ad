/**
 * The MySQL/MariaDB adapter: RDS MySQL, Aurora MySQL and RDS MariaDB secrets, through `mysql2`.
 */
import type { DatabaseAdapter, PasswordChange } from '../../rotation/adapter.js';
import { ConfigurationError, LoginFailedError } from '../../shared/errors.js';
import { secretTlsMode, secretTlsStrength } from '../shared/secret-fields.js';
import { checkTlsMode, effectiveTlsMode, loadCaBundle } from '../shared/tls-settings.js';
import { assertWritable, cloneAccount, setAccountPassword } from './accounts.js';
import { defaultDriver, withSession } from './connect.js';
import { addPassword, assertDualPasswordServer, retirePasswords } from './dual-password.js';
import type { ConnectSettings, MySqlDriver, Session } from './connect.js';
import type { Account } from './grants.js';
import { MYSQL_ENGINES, parseMySqlSecret } from './secret.js';
import type { MySqlSecret } from './secret.js';
import type { MySqlTlsOptions } from './tls.js';

interface MySqlAdapterOptions {
  /** TLS mode and CA bundle; see {@link MySqlTlsOptions}. Default: `verify-full`, Node's CAs. */
  tls?: MySqlTlsOptions;
  /** Give up connecting after this long; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Give up waiting for a statement after this long; default 15000 ms. */
  queryTimeoutMs?: number;
  /**
   * Host part of the accounts an admin changes or creates: `'<username>'@'<accountHost>'`.
   * Default `%`. A user changing its own password always changes the account the server matched
   * it to (`CURRENT_USER()`), whatever this says.
   */
  accountHost?: string;
  /** The driver; default `mysql2/promise` (an optional peer dependency). Pass your own instrumented copy. */
  driver?: MySqlDriver;
  /** Where to read `ROTATION_KIT_CA_BUNDLE[_FILE]`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_ACCOUNT_HOST = '%';
/** What decides where and as whom a session connects (TLS is `tlsStrength`'s). */
const MYSQL_CONNECTION_KEYS = Object.freeze(['engine', 'host', 'port', 'dbname', 'username']);
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 15_000;

function positiveInteger(value: number | undefined, fallback: number, setting: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw new ConfigurationError(setting, 'a positive integer of milliseconds');
  }
  return value;
}

function connectSettings(options: MySqlAdapterOptions): ConnectSettings {
  const optionMode = options.tls?.mode === undefined ? undefined : checkTlsMode(options.tls.mode, 'tls.mode');
  let ca: { bundle: string | undefined } | undefined;
  return {
    driver: options.driver ?? defaultDriver,
    connectTimeoutMs: positiveInteger(
      options.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT_MS,
      'connectTimeoutMs',
    ),
    queryTimeoutMs: positiveInteger(options.queryTimeoutMs, DEFAULT_QUERY_TIMEOUT_MS, 'queryTimeoutMs'),
    tlsMode: (secret) => effectiveTlsMode(optionMode, secretTlsMode(secret)),
    // Read once, on the first verify-full connection, so a CA setting nobody uses cannot break start-up.
    caBundle: () => (ca ??= { bundle: loadCaBundle(options.tls?.ca, options.env ?? process.env) }).bundle,
  };
}

function checkChange(change: PasswordChange): void {
  if (typeof change?.username !== 'string' || change.username.length === 0) {
    throw new ConfigurationError('change.username', 'a non-empty string');
  }
  if (typeof change.password !== 'string' || change.password.length === 0) {
    throw new ConfigurationError('change.password', 'a non-empty string');
  }
}

/**
 * Creates the adapter for MySQL 8, Aurora MySQL and MariaDB secrets (`engine` `mysql`,
 * `aurora-mysql` or `mariadb`).
 *
 * - `canLogin` is false only when the server rejects the credentials (wrong password, no such user,
 *   expired password); any other fault throws `DatabaseConnectionError` or `TlsRequiredError`.
 * - `setPassword` refuses a read-only server or replica with `ReadOnlyDatabaseError`, and names the
 *   account explicitly: the one the server matched when a user changes itself, else
 *   `'<username>'@'<accountHost>'`.
 * - `ensureUserLike` (alternating users) creates the second user if missing, replays the first
 *   user's `SHOW GRANTS` for it (password clauses dropped; unknown forms refused with
 *   `PrivilegeCopyError`), and sets its password.
 *
 * Defaults: TLS `verify-full` against Node's default CAs unless the secret (`sslmode`, or AWS's
 * `ssl`) or `options.tls.mode` says otherwise (the option wins); the CA bundle from
 * `options.tls.ca`, `ROTATION_KIT_CA_BUNDLE` or `ROTATION_KIT_CA_BUNDLE_FILE`; account host `%`;
 * 5 s connect timeout, 15 s statement timeout. Requires the `mysql2` package (an optional peer
 * dependency).
 *
 * @example
 * ```ts
 * import { createRotationHandler, singleUser } from 'rotation-kit';
 * import { createMySqlAdapter } from 'rotation-kit/mysql';
 *
 * // RDS: trust the RDS CA bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem).
 * const adapter = createMySqlAdapter({ tls: { ca: '/opt/rds-global-bundle.pem' } });
 *
 * export const handler = createRotationHandler({ adapter, strategy: singleUser() });
 * ```
 */
function createMySqlAdapter(options: MySqlAdapterOptions = {}): DatabaseAdapter<MySqlSecret> {
  const settings = connectSettings(options);
  const accountHost = options.accountHost ?? DEFAULT_ACCOUNT_HOST;
  if (typeof accountHost !== 'string' || accountHost.length === 0 || accountHost.length > 255) {
    throw new ConfigurationError('accountHost', 'a host part of 1 to 255 characters, such as "%"');
  }

  /** The account a change applies to: the session's own when the user changes itself. */
  const targetAccount = (session: Session, username: string): Account =>
    session.account.user === username ? session.account : { user: username, host: accountHost };

  async function canLogin(secret: MySqlSecret): Promise<boolean> {
    try {
      await withSession(secret, settings, async () => undefined);
      return true;
    } catch (error) {
      if (error instanceof LoginFailedError) return false;
      throw error;
    }
  }

  return {
    engines: MYSQL_ENGINES,

    connectionKeys: MYSQL_CONNECTION_KEYS,

    tlsStrength: secretTlsStrength,

    parseSecret: parseMySqlSecret,

    async checkDependencies() {
      await settings.driver.checkInstalled?.();
    },

    canLogin,

    async setPassword(login, change) {
      checkChange(change);
      await withSession(login, settings, async (session) => {
        await assertWritable(session);
        await setAccountPassword(
          session,
          targetAccount(session, change.username),
          change.password,
          login.password,
        );
      });
    },

    // MySQL 8.0.14+ only: MariaDB and older MySQL are refused before any change (see dual-password.ts).
    dualPassword: {
      async checkServer(login) {
        await withSession(login, settings, async (session) =>
          assertDualPasswordServer(session, login.engine),
        );
      },
      async addPassword(login, change) {
        checkChange(change);
        // Already added: a second RETAIN would make it its own secondary and drop the current password.
        const added = { ...login, username: change.username, password: change.password };
        const alreadyAdded = await canLogin(added);
        await withSession(login, settings, async (session) => {
          assertDualPasswordServer(session, login.engine);
          if (alreadyAdded) return;
          await assertWritable(session);
          await addPassword(
            session,
            targetAccount(session, change.username),
            change.password,
            login.password,
          );
        });
      },
      async retirePasswords(login, username, keep) {
        checkChange({ username, password: keep[0] ?? '' });
        await withSession(login, settings, async (session) => {
          assertDualPasswordServer(session, login.engine);
          await assertWritable(session);
          await retirePasswords(session, targetAccount(session, username), keep, login.password);
        });
      },
    },

    async ensureUserLike(admin, like, change) {
      checkChange(change);
      if (typeof like !== 'string' || like.length === 0)
        throw new ConfigurationError('like', 'a non-empty string');
      await withSession(admin, settings, async (session) => {
        await assertWritable(session);
        const to = { user: change.username, host: accountHost };
        if (like === change.username) {
          await setAccountPassword(session, to, change.password, admin.password);
        } else {
          await cloneAccount(session, { user: like, host: accountHost }, to, change.password, admin.password);
        }
      });
    },
  };
}

export { DEFAULT_ACCOUNT_HOST, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS, createMySqlAdapter };
export type { MySqlAdapterOptions };
