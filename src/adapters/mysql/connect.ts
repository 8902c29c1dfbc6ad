/**
 * One short-lived connection per operation: opened with the secret's credentials, closed on every
 * path. Failures become named errors: rejected credentials `LoginFailedError`, TLS
 * `TlsRequiredError`, anything else `DatabaseConnectionError`, never with a password in them.
 */
import {
  DatabaseConnectionError,
  LoginFailedError,
  MissingDependencyError,
  ReadOnlyDatabaseError,
  TlsRequiredError,
} from '../../shared/errors.js';
import { checkDriverInstalled, loadDriver } from '../shared/driver.js';
import type { TlsMode } from '../shared/tls-settings.js';
import type { MySqlSecret } from './secret.js';
import { scrub } from './sql.js';
import { driverTlsConfig, tlsFailureDetail, unverifiableHost } from './tls.js';
import type { DriverTlsConfig } from './tls.js';

/** The slice of a mysql2/promise connection this adapter calls. */
interface MySqlConnection {
  query(options: { sql: string; timeout: number }): Promise<[unknown, unknown]>;
  end(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the adapter passes to the driver to connect. */
interface MySqlConnectionConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
  ssl?: DriverTlsConfig;
  connectTimeout: number;
  charset: string;
  multipleStatements: false;
}

/** The slice of mysql2/promise the adapter needs: pass your own (instrumented) copy if you like. */
interface MySqlDriver {
  createConnection(config: MySqlConnectionConfig): Promise<MySqlConnection>;
  /** Throws MissingDependencyError when the driver is not installed, without loading it. */
  checkInstalled?(): Promise<void>;
}

interface ConnectSettings {
  driver: MySqlDriver;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  tlsMode(secret: MySqlSecret): TlsMode;
  caBundle(): string | undefined;
}

type ServerFlavor = 'mysql' | 'mariadb';

/** A connection plus what the adapter learnt about the server and the account it logged in as. */
interface Session {
  connection: MySqlConnection;
  queryTimeoutMs: number;
  flavor: ServerFlavor;
  version: string;
  /** CURRENT_USER(): the account the server matched (its host part may be `%`). */
  account: { user: string; host: string };
  /** Stops the statement running on this connection (from another one); false if that failed. */
  cancel(): Promise<boolean>;
}

/** mysql2, loaded at the first connection rather than at module load (see the PostgreSQL adapter). */
const defaultDriver: MySqlDriver = {
  checkInstalled: () =>
    checkDriverInstalled(
      'mysql2',
      'The MySQL adapter',
      () => import('mysql2/package.json', { with: { type: 'json' } }),
    ),
  createConnection: async (config) =>
    (await loadDriver('mysql2', 'The MySQL adapter', () => import('mysql2/promise'))).createConnection(
      config,
    ),
};

/** Server errors that mean "these credentials are not accepted", as opposed to any other fault. */
const CREDENTIALS_REJECTED = new Set([
  1045, // ER_ACCESS_DENIED_ERROR: wrong password or no such user
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN: the password has expired
  1820, // ER_MUST_CHANGE_PASSWORD: logged in with an expired password (sandbox mode)
]);
/** Errors that say the server refuses writes, should one slip past the read-only check. */
const READ_ONLY_ERRORS = new Set([1290 /* ER_OPTION_PREVENTS_STATEMENT */, 1836 /* ER_READ_ONLY_MODE */]);
const PARSE_ERROR = 1064;
const STATEMENT_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';

interface DriverError {
  code?: string;
  errno?: number;
  sqlState?: string;
  message?: string;
}

function asDriverError(error: unknown): DriverError {
  return error !== null && typeof error === 'object' ? (error as DriverError) : { message: String(error) };
}

/** `CODE 1234` or `ECONNREFUSED`: enough to look up, nothing secret. */
function errorLabel(error: DriverError): string {
  return [error.code, error.errno].filter((part) => part !== undefined).join(' ') || 'unknown error';
}

/** A copy of a driver error that keeps code, errno and a scrubbed message, and drops `sql`. */
function sanitizedCause(error: DriverError, message: string): Error {
  return Object.assign(new Error(message), {
    code: error.code,
    errno: error.errno,
    sqlState: error.sqlState,
  });
}

function where(secret: MySqlSecret): string {
  return `${secret.host}:${secret.port}`;
}

function connectError(error: unknown, secret: MySqlSecret, mode: TlsMode): Error {
  const driverError = asDriverError(error);
  const message = scrub(driverError.message ?? '', [secret.password]);
  const cause = sanitizedCause(driverError, message);
  const context = { host: secret.host, port: secret.port, username: secret.username };
  if (driverError.errno !== undefined && CREDENTIALS_REJECTED.has(driverError.errno)) {
    return new LoginFailedError(
      `${where(secret)} rejected the credentials of user "${secret.username}" (${errorLabel(driverError)})`,
      { ...context, errno: driverError.errno },
      { cause },
    );
  }
  const tlsDetail =
    mode === 'disable' ? undefined : tlsFailureDetail({ ...driverError, message }, where(secret));
  if (tlsDetail !== undefined) return new TlsRequiredError(mode, tlsDetail, { cause });
  return new DatabaseConnectionError(
    `Cannot connect to ${where(secret)} as "${secret.username}" (${errorLabel(driverError)}: ${message})`,
    context,
    { cause },
  );
}

/** How long a polite close (COM_QUIT) may take before the socket is simply destroyed. */
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Closes politely, or destroys the socket: after a statement timeout the driver would queue the
 * QUIT behind the statement still running on the server, and wait for it.
 */
async function closeConnection(connection: MySqlConnection): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    connection.end().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!closed) connection.destroy();
}

/**
 * Runs one statement. On failure throws a `DatabaseConnectionError` (or `ReadOnlyDatabaseError`)
 * whose message and cause have every value of `secrets` removed; the driver's error, which carries
 * the statement text, never escapes.
 */
async function run(
  session: Session,
  sql: string,
  what: string,
  secrets: readonly string[] = [],
): Promise<unknown> {
  try {
    const [result] = await session.connection.query({ sql, timeout: session.queryTimeoutMs });
    return result;
  } catch (error) {
    const driverError = asDriverError(error);
    // A syntax error quotes the statement, password included: leave its text out entirely.
    let message =
      secrets.length > 0 && driverError.errno === PARSE_ERROR
        ? 'syntax error (message withheld: the statement carries a password)'
        : scrub(driverError.message ?? '', secrets);
    if (driverError.code === STATEMENT_TIMEOUT) {
      // The server would otherwise finish the statement later, a change after we reported failure.
      message += (await session.cancel())
        ? `; no answer within ${session.queryTimeoutMs} ms, the statement was cancelled`
        : `; no answer within ${session.queryTimeoutMs} ms and it could not be cancelled: it may still take effect`;
    }
    if (driverError.errno !== undefined && READ_ONLY_ERRORS.has(driverError.errno)) {
      throw new ReadOnlyDatabaseError(`the server refused ${what}: ${message}`);
    }
    throw new DatabaseConnectionError(
      `${what} failed (${errorLabel(driverError)}: ${message})`,
      { errno: driverError.errno },
      { cause: sanitizedCause(driverError, message) },
    );
  }
}

/** Rows of a SELECT or SHOW, as plain objects. */
async function rows(session: Session, sql: string, what: string): Promise<Record<string, unknown>[]> {
  const result = await run(session, sql, what);
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
}

/** Modes that change how literals and identifiers are quoted; the session drops them. */
const QUOTING_MODES = new Set(['ANSI', 'ANSI_QUOTES', 'NO_BACKSLASH_ESCAPES']);

/** Learns the server flavor and the matched account; makes quoting predictable for `sql.ts`. */
async function prepareSession(
  connection: MySqlConnection,
  queryTimeoutMs: number,
  cancelQuery: (connectionId: number) => Promise<boolean>,
): Promise<Session> {
  // The driver's own error on purpose: an expired password fails here, and the caller classifies it.
  const [result] = await connection.query({
    sql:
      'SELECT VERSION() AS version, CURRENT_USER() AS account, @@SESSION.sql_mode AS sql_mode, ' +
      'CONNECTION_ID() AS id',
    timeout: queryTimeoutMs,
  });
  const row = Array.isArray(result) ? (result[0] as Record<string, unknown> | undefined) : undefined;
  const version = String(row?.version ?? '');
  const account = String(row?.account ?? '');
  const at = account.lastIndexOf('@');
  const session: Session = {
    connection,
    queryTimeoutMs,
    version,
    flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    account:
      at < 0 ? { user: account, host: '' } : { user: account.slice(0, at), host: account.slice(at + 1) },
    cancel: () => cancelQuery(Number(row?.id)),
  };
  const modes = String(row?.sql_mode ?? '')
    .split(',')
    .filter(Boolean);
  if (modes.some((mode) => QUOTING_MODES.has(mode))) {
    const kept = modes.filter((mode) => !QUOTING_MODES.has(mode) && /^[A-Z0-9_]+$/.test(mode));
    await run(session, `SET SESSION sql_mode = '${kept.join(',')}'`, 'setting the session sql_mode');
  }
  return session;
}

/** A driver connection with the secret's credentials; failures become named errors. */
async function openConnection(
  secret: MySqlSecret,
  settings: ConnectSettings,
  mode: TlsMode,
): Promise<MySqlConnection> {
  const unverifiable = unverifiableHost(mode, secret.host);
  if (unverifiable) throw new TlsRequiredError(mode, unverifiable);
  const ssl = driverTlsConfig(mode, settings.caBundle);
  let connection: MySqlConnection;
  try {
    connection = await settings.driver.createConnection({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      ...(secret.dbname !== undefined && { database: secret.dbname }),
      ...(ssl !== undefined && { ssl }),
      connectTimeout: settings.connectTimeoutMs,
      charset: 'UTF8MB4_GENERAL_CI',
      multipleStatements: false,
    });
  } catch (error) {
    if (error instanceof MissingDependencyError) throw error;
    throw connectError(error, secret, mode);
  }
  // Faults after connecting reach the pending query; without a listener they would crash the process.
  connection.on('error', () => {});
  return connection;
}

/** Best effort: KILL QUERY from a second connection (any user may kill its own statements). */
async function killQuery(secret: MySqlSecret, settings: ConnectSettings, mode: TlsMode, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) return false;
  try {
    const other = await openConnection(secret, settings, mode);
    try {
      await other.query({ sql: `KILL QUERY ${id}`, timeout: settings.queryTimeoutMs });
      return true;
    } finally {
      await closeConnection(other);
    }
  } catch {
    return false;
  }
}

/** Connects with the secret's credentials. Throws LoginFailedError when they are rejected. */
async function openSession(secret: MySqlSecret, settings: ConnectSettings): Promise<Session> {
  const mode = settings.tlsMode(secret);
  const connection = await openConnection(secret, settings, mode);
  try {
    return await prepareSession(connection, settings.queryTimeoutMs, (id) =>
      killQuery(secret, settings, mode, id),
    );
  } catch (error) {
    connection.destroy();
    if (error instanceof DatabaseConnectionError) throw error;
    throw connectError(error, secret, mode);
  }
}

/** Opens a session, runs `work`, and always closes the connection. */
async function withSession<T>(
  secret: MySqlSecret,
  settings: ConnectSettings,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(secret, settings);
  try {
    return await work(session);
  } finally {
    await closeConnection(session.connection);
  }
}

export { defaultDriver, rows, run, withSession };
export type { ConnectSettings, MySqlConnection, MySqlConnectionConfig, MySqlDriver, ServerFlavor, Session };
