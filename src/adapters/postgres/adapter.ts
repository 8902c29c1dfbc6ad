/**
 * The PostgreSQL adapter: RDS PostgreSQL and Aurora PostgreSQL secrets, through the `pg` driver.
 */
import {
  ConfigurationError,
  LoginFailedError,
  RotationError,
  SecretShapeError,
} from '../../shared/errors.js';
import type { DatabaseAdapter, PasswordChange } from '../../rotation/adapter.js';
import { checkDriverInstalled } from '../shared/driver.js';
import { secretTlsMode, secretTlsStrength } from '../shared/secret-fields.js';
import { checkTlsMode, effectiveTlsMode, loadCaBundle } from '../shared/tls-settings.js';
import { withConnection, type ConnectionSettings, type QueryClient } from './connect.js';
import { alterPassword, assertWritable, ensureClone, statementFailure, type Target } from './roles.js';
import { SCRAM_DEFAULT_ITERATIONS, md5Verifier, scramSha256Verifier } from './scram.js';
import { POSTGRES_ENGINES, checkIdentifier, parsePostgresSecret, type PostgresSecret } from './secret.js';
import type { PostgresTlsOptions } from './tls.js';

/** What decides where and as whom a session connects (TLS is `tlsStrength`'s). */
const POSTGRES_CONNECTION_KEYS = Object.freeze(['engine', 'host', 'port', 'dbname', 'username']);

const PASSWORD_ENCRYPTIONS = ['scram-sha-256', 'md5'] as const;
type PasswordEncryption = (typeof PASSWORD_ENCRYPTIONS)[number];

interface PostgresAdapterOptions {
  /** TLS mode and CA bundle; see {@link PostgresTlsOptions}. Default: `verify-full`, Node's CAs. */
  tls?: PostgresTlsOptions;
  /**
   * How new passwords are stored. Default `scram-sha-256`. `md5` only for clients that cannot do
   * SCRAM: MD5 verifiers are weak and deprecated since PostgreSQL 18.
   */
  passwordEncryption?: PasswordEncryption;
  /** PBKDF2 iterations of new SCRAM verifiers; default 4096 (PostgreSQL's default), at least 4096. */
  scramIterations?: number;
  /** Give up connecting after this long; default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * The server aborts a change (a statement, or its wait for a lock) after this long, so it never
   * lands after the step has failed; the client stops waiting one second later. Default 15000 ms.
   */
  queryTimeoutMs?: number;
  /** `application_name` of the adapter's sessions, to spot them in `pg_stat_activity`; default `rotation-kit`. */
  applicationName?: string;
  /**
   * Alternating users: make the clone's sessions act as the original role
   * (`ALTER ROLE clone SET role = original`), so objects either user creates belong to the
   * original and stay usable by both. Default `true`.
   */
  cloneActsAsOriginal?: boolean;
  /** Where to read `ROTATION_KIT_CA_BUNDLE[_FILE]`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

function positiveInteger(value: number | undefined, fallback: number, setting: string, minimum = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum || value > 2_147_483_647) {
    throw new ConfigurationError(setting, `an integer of at least ${minimum}`);
  }
  return value;
}

function connectionSettings(options: PostgresAdapterOptions): ConnectionSettings {
  const optionMode = options.tls?.mode === undefined ? undefined : checkTlsMode(options.tls.mode, 'tls.mode');
  let ca: { bundle: string | undefined } | undefined;
  return {
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs, 5_000, 'connectTimeoutMs'),
    queryTimeoutMs: positiveInteger(options.queryTimeoutMs, 15_000, 'queryTimeoutMs'),
    applicationName: options.applicationName ?? 'rotation-kit',
    tlsMode: (secret) => effectiveTlsMode(optionMode, secretTlsMode(secret)),
    // Read once, on the first verify-full connection, so a CA setting nobody uses cannot break start-up.
    caBundle: () => (ca ??= { bundle: loadCaBundle(options.tls?.ca, options.env ?? process.env) }).bundle,
  };
}

/**
 * Creates the PostgreSQL adapter for RDS PostgreSQL and Aurora PostgreSQL secrets.
 *
 * Defaults: TLS `verify-full` against Node's default CAs unless the secret (`sslmode`, or AWS's
 * `ssl`) or `options.tls.mode` says otherwise (the option wins); the CA bundle from `options.tls.ca`,
 * `ROTATION_KIT_CA_BUNDLE` or `ROTATION_KIT_CA_BUNDLE_FILE`; new passwords stored as SCRAM-SHA-256
 * verifiers computed here, so the plaintext never reaches the server; 5 s connect timeout.
 * Requires the `pg` package (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { createPostgresAdapter } from 'rotation-kit/postgres';
 *
 * // RDS: trust the RDS CA bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem).
 * const adapter = createPostgresAdapter({ tls: { ca: '/opt/rds-global-bundle.pem' } });
 *
 * const secret = adapter.parseSecret(JSON.parse(secretString));
 * if (await adapter.canLogin(secret)) {
 *   await adapter.setPassword(secret, { username: secret.username, password: newPassword });
 * }
 * ```
 */
function createPostgresAdapter(options: PostgresAdapterOptions = {}): DatabaseAdapter<PostgresSecret> {
  const settings = connectionSettings(options);
  const encryption = options.passwordEncryption ?? 'scram-sha-256';
  if (!(PASSWORD_ENCRYPTIONS as readonly string[]).includes(encryption)) {
    throw new ConfigurationError('passwordEncryption', '"scram-sha-256" or "md5"');
  }
  const iterations = positiveInteger(
    options.scramIterations,
    SCRAM_DEFAULT_ITERATIONS,
    'scramIterations',
    SCRAM_DEFAULT_ITERATIONS,
  );
  const cloneActsAsOriginal = options.cloneActsAsOriginal ?? true;

  function verifierFor(change: PasswordChange): Promise<string> {
    checkIdentifier(change.username, 'username');
    if (
      typeof change.password !== 'string' ||
      change.password.length === 0 ||
      change.password.includes('\0')
    ) {
      throw new SecretShapeError('password', 'a non-empty string without NUL characters');
    }
    return encryption === 'md5'
      ? Promise.resolve(md5Verifier(change.password, change.username))
      : scramSha256Verifier(change.password, { iterations });
  }

  /** Runs `work` as `login` on a writable primary, mapping statement failures to named errors. */
  function onPrimary(
    login: PostgresSecret,
    change: { action: string; role: string; verifier: string },
    work: (client: QueryClient) => Promise<void>,
  ): Promise<void> {
    const target: Target = { host: login.host, port: login.port };
    return withConnection(login, settings, async (client) => {
      try {
        await assertWritable(client, target);
        await work(client);
      } catch (error) {
        throw statementFailure(error, change.action, target, change.role, [change.verifier]);
      }
    });
  }

  return {
    engines: Object.freeze([...POSTGRES_ENGINES]),

    connectionKeys: POSTGRES_CONNECTION_KEYS,

    tlsStrength: secretTlsStrength,

    parseSecret: parsePostgresSecret,

    checkDependencies: () =>
      checkDriverInstalled(
        'pg',
        'The PostgreSQL adapter',
        () => import('pg/package.json', { with: { type: 'json' } }),
      ),

    async canLogin(secret) {
      try {
        await withConnection(secret, settings, (client) => client.query('SELECT 1'));
        return true;
      } catch (error) {
        if (error instanceof LoginFailedError) return false;
        throw error;
      }
    },

    async setPassword(login, change) {
      const verifier = await verifierFor(change);
      const action = `change the password of role "${change.username}"`;
      await onPrimary(login, { action, role: change.username, verifier }, (client) =>
        inTransaction(client, settings.queryTimeoutMs, () =>
          alterPassword(client, change.username, verifier),
        ),
      );
    },

    async ensureUserLike(admin, like, change) {
      if (like === change.username) {
        throw new ConfigurationError('like', 'a role other than the one being created or changed');
      }
      const verifier = await verifierFor(change);
      const request = { like, username: change.username, verifier, setRole: cloneActsAsOriginal };
      const action = `create or update role "${change.username}" like "${like}"`;
      await onPrimary(admin, { action, role: change.username, verifier }, (client) =>
        inTransaction(client, settings.queryTimeoutMs, () => ensureClone(client, request)),
      );
    },
  };
}

/** Two rotations creating the same clone at once: the loser retries and finds the role there. */
const DUPLICATE = new Set(['42710', '23505']);

/**
 * Runs `work` in one transaction that the server itself aborts when a statement runs, or waits for
 * a lock (another session altering the same role), longer than `timeoutMs`. The client stopping to
 * wait is not enough: the server would keep the ALTER ROLE queued and apply it after the step had
 * reported failure. SET LOCAL ends with the transaction, so a pooler's server connection keeps its
 * own settings.
 */
async function inTransaction(
  client: QueryClient,
  timeoutMs: number,
  work: () => Promise<void>,
  attempt = 1,
): Promise<void> {
  await client.query(
    `BEGIN; SET LOCAL lock_timeout = ${timeoutMs}; SET LOCAL statement_timeout = ${timeoutMs}`,
  );
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const state = (error as { code?: unknown }).code;
    if (attempt === 1 && !(error instanceof RotationError) && DUPLICATE.has(String(state))) {
      return inTransaction(client, timeoutMs, work, attempt + 1);
    }
    throw error;
  }
}

export { connectionSettings, createPostgresAdapter, positiveInteger };
export type { PasswordEncryption, PostgresAdapterOptions };
