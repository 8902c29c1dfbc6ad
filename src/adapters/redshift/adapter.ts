/**
 * The Amazon Redshift adapter (provisioned clusters and Redshift Serverless), through the `pg`
 * driver: Redshift speaks PostgreSQL's wire protocol and its MD5 password authentication. The
 * connection, TLS and error handling are the PostgreSQL adapter's; the SQL is Redshift's.
 */
import {
  ConfigurationError,
  DatabaseConnectionError,
  RoleNotFoundError,
  RotationError,
} from '../../shared/errors.js';
import type { DatabaseAdapter, PasswordChange } from '../../rotation/adapter.js';
import { createJsonLogger } from '../../shared/logger.js';
import type { Logger } from '../../shared/logger.js';
import { checkDriverInstalled } from '../shared/driver.js';
import { secretTlsStrength } from '../shared/secret-fields.js';
import { connectionSettings, type PostgresAdapterOptions } from '../postgres/adapter.js';
import { describe, sqlState, withConnection, type QueryClient } from '../postgres/connect.js';
import { REDSHIFT_PASSWORD_POLICY, checkRedshiftPassword, redshiftPasswordHash } from './password.js';
import {
  REDSHIFT_ENGINES,
  checkRedshiftUsername,
  parseRedshiftSecret,
  type RedshiftSecret,
} from './secret.js';
import { alterPasswordStatement, detectDialect, syncClone, type PrivilegeCopyReport } from './users.js';

/** What decides where and as whom a session connects (TLS is `tlsStrength`'s). */
const REDSHIFT_CONNECTION_KEYS = Object.freeze(['engine', 'host', 'port', 'dbname', 'username']);

interface RedshiftAdapterOptions extends Pick<
  PostgresAdapterOptions,
  'tls' | 'connectTimeoutMs' | 'queryTimeoutMs' | 'applicationName' | 'env'
> {
  /**
   * Receives what each alternating-users sync copied and could not copy. Default: a JSON warning
   * line (the rotation's own logger format) when something could not be copied.
   */
  onPrivilegeReport?: (report: PrivilegeCopyReport) => void;
}

/** Two rotations creating the same clone at once: the loser retries and finds the user there. */
const DUPLICATE = new Set(['42710', '23505']);

/**
 * Runs `work` in one transaction that the server aborts when a statement runs longer than
 * `timeoutMs`, so a change never lands after the step has failed. (Redshift has `statement_timeout`
 * but no `lock_timeout`; PostgreSQL counts lock waits in `statement_timeout` too.)
 */
async function inTransaction<T>(
  client: QueryClient,
  timeoutMs: number,
  work: () => Promise<T>,
  attempt = 1,
): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (attempt === 1 && !(error instanceof RotationError) && DUPLICATE.has(String(sqlState(error)))) {
      return inTransaction(client, timeoutMs, work, attempt + 1);
    }
    throw error;
  }
}

function statementFailure(
  error: unknown,
  action: string,
  login: RedshiftSecret,
  role: string,
  hash: string,
): Error {
  if (error instanceof RotationError) return error;
  const state = sqlState(error);
  if (state === '42704') return new RoleNotFoundError(role);
  const where = `${login.host}:${login.port}`;
  const timedOut = state === '57014';
  return new DatabaseConnectionError(
    timedOut
      ? `Redshift at ${where} ran out of time to ${action} and aborted it, so nothing changed: ${describe(error, [hash])}`
      : `Redshift at ${where} refused to ${action}: ${describe(error, [hash])}`,
    { host: login.host, port: login.port, sqlState: state },
    { cause: error },
  );
}

/**
 * Creates the Redshift adapter.
 *
 * Defaults: TLS `verify-full` against Node's default CAs unless the secret (`sslmode`, or AWS's
 * `ssl`) or `options.tls.mode` says otherwise; new passwords sent as Redshift's MD5 hash, never in
 * plaintext, after checking them against Redshift's password rules; Redshift's rules as the default
 * password policy; 5 s connect timeout. Requires the `pg` package (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { createRotationHandler, alternatingUsers } from 'rotation-kit';
 * import { createRedshiftAdapter } from 'rotation-kit/redshift';
 *
 * export const handler = createRotationHandler({
 *   adapter: createRedshiftAdapter({ tls: { ca: '/opt/redshift-ca-bundle.pem' } }),
 *   strategy: alternatingUsers(),
 * });
 * ```
 */
function createRedshiftAdapter(options: RedshiftAdapterOptions = {}): DatabaseAdapter<RedshiftSecret> {
  const settings = { ...connectionSettings(options), serverName: 'Redshift' };
  let logger: Logger | undefined;
  const report =
    options.onPrivilegeReport ??
    ((result: PrivilegeCopyReport) => {
      if (result.notCopied.length === 0) return;
      (logger ??= createJsonLogger()).warn(
        'Redshift: some privileges were not copied to the alternate user',
        {
          from: result.from,
          to: result.to,
          notCopied: result.notCopied,
        },
      );
    });

  function hashFor(change: PasswordChange): string {
    checkRedshiftUsername(change.username, 'username');
    checkRedshiftPassword(change.password);
    return redshiftPasswordHash(change.password, change.username);
  }

  return {
    engines: Object.freeze([...REDSHIFT_ENGINES]),
    connectionKeys: REDSHIFT_CONNECTION_KEYS,
    tlsStrength: secretTlsStrength,
    parseSecret: parseRedshiftSecret,
    passwordPolicy: REDSHIFT_PASSWORD_POLICY,
    checkPassword: checkRedshiftPassword,

    checkDependencies: () =>
      checkDriverInstalled(
        'pg',
        'The Redshift adapter',
        () => import('pg/package.json', { with: { type: 'json' } }),
      ),

    async canLogin(secret) {
      try {
        await withConnection(secret, settings, (client) => client.query('SELECT 1'));
        return true;
      } catch (error) {
        if (error instanceof RotationError && error.name === 'LoginFailedError') return false;
        throw error;
      }
    },

    async setPassword(login, change) {
      const hash = hashFor(change);
      const action = `change the password of user "${change.username}"`;
      await withConnection(login, settings, async (client) => {
        try {
          await inTransaction(client, settings.queryTimeoutMs, () =>
            client.query(alterPasswordStatement(change.username, hash)),
          );
        } catch (error) {
          throw statementFailure(error, action, login, change.username, hash);
        }
      });
    },

    async ensureUserLike(admin, like, change) {
      if (like === change.username) {
        throw new ConfigurationError('like', 'a user other than the one being created or changed');
      }
      const hash = hashFor(change);
      const action = `create or update user "${change.username}" like "${like}"`;
      const result = await withConnection(admin, settings, async (client) => {
        try {
          const dialect = await detectDialect(client);
          return await inTransaction(client, settings.queryTimeoutMs, () =>
            syncClone(client, dialect, { like, username: change.username, hash }),
          );
        } catch (error) {
          throw statementFailure(error, action, admin, change.username, hash);
        }
      });
      report(result);
    },
  };
}

export { createRedshiftAdapter };
export type { RedshiftAdapterOptions };
