/**
 * One short-lived connection per operation: opened with the secret's credentials, closed on every
 * path. Failures become named errors: bad credentials `LoginFailedError`, TLS `TlsRequiredError`,
 * anything else `DatabaseConnectionError`, never with the password in the message.
 */
import { DatabaseConnectionError, LoginFailedError } from '../../shared/errors.js';
import { loadDriver } from '../shared/driver.js';
import type { PostgresSecret, TlsMode } from './secret.js';
import { driverTlsConfig, tlsFailure } from './tls.js';

/** The slice of a pg client the adapter uses. */
interface QueryClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
}

/** What a connection needs of a secret: a PostgreSQL secret, or a Redshift one (same wire protocol). */
type ConnectableSecret = Omit<PostgresSecret, 'engine'> & { engine: string };

interface ConnectionSettings {
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  applicationName: string;
  tlsMode(secret: ConnectableSecret): TlsMode;
  caBundle(): string | undefined;
  /** How messages name the server; default `PostgreSQL` (the Redshift adapter says `Redshift`). */
  serverName?: string;
}

/** How much longer the client waits than the server's own statement and lock timeouts. */
const SERVER_ABORT_GRACE_MS = 1_000;

/** SQLSTATE 28P01 invalid_password, 28000 invalid_authorization_specification. */
const AUTHENTICATION_FAILED = new Set(['28P01', '28000']);

/**
 * PgBouncer answers every error of its own with SQLSTATE 08P01, a refused login included; these are
 * its texts for one. ("SSL required" is 08P01 too and stays a connection error.)
 */
const POOLER_LOGIN_REFUSED = new Set([
  'SASL authentication failed',
  'password authentication failed',
  'no such user',
]);

function loginRefused(error: unknown, state: string | undefined): boolean {
  if (state !== undefined && AUTHENTICATION_FAILED.has(state)) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return state === '08P01' && typeof message === 'string' && POOLER_LOGIN_REFUSED.has(message);
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Removes every occurrence of the given secrets from a message. */
function scrub(message: string, secrets: readonly string[]): string {
  return secrets.reduce((text, secret) => (secret ? text.split(secret).join('[REDACTED]') : text), message);
}

function describe(error: unknown, secrets: readonly string[]): string {
  // Duck-typed: driver and socket errors may come from another realm, where instanceof Error fails.
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message !== 'string') return scrub(String(error), secrets);
  return scrub(typeof code === 'string' ? `${message} (${code})` : message, secrets);
}

function connectFailure(error: unknown, secret: ConnectableSecret, mode: TlsMode, server: string): Error {
  const where = `${secret.host}:${secret.port}`;
  const context = {
    host: secret.host,
    port: secret.port,
    database: secret.dbname,
    username: secret.username,
  };
  const state = sqlState(error);
  if (loginRefused(error, state)) {
    return new LoginFailedError(
      `${server} at ${where} rejected the login of "${secret.username}": ${describe(error, [secret.password])}`,
      { ...context, sqlState: state },
      { cause: error },
    );
  }
  const tls = tlsFailure(error, mode, secret.host, secret.port);
  if (tls) return tls;
  return new DatabaseConnectionError(
    `Could not connect to ${server} at ${where} (database "${secret.dbname}"): ${describe(error, [secret.password])}`,
    { ...context, tlsMode: mode, sqlState: state },
    { cause: error },
  );
}

/**
 * Connects as `secret`, runs `work`, and closes the connection whatever happens. Connection
 * failures are turned into named errors; errors thrown by `work` pass through unchanged.
 */
async function withConnection<T>(
  secret: ConnectableSecret,
  settings: ConnectionSettings,
  work: (client: QueryClient) => Promise<T>,
): Promise<T> {
  const mode = settings.tlsMode(secret);
  // Loaded at the first connection, not at module load: a cold Lambda's first invocation is
  // usually createSecret, which never touches the database.
  const { Client } = await loadDriver('pg', 'The PostgreSQL adapter', () => import('pg'));
  const client = new Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
    ssl: driverTlsConfig(mode, secret.host, settings.caBundle),
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // The server aborts a change at queryTimeoutMs (see inTransaction): its error, which says the
    // change did not land, arrives before the client would give up.
    query_timeout: settings.queryTimeoutMs + SERVER_ABORT_GRACE_MS,
    application_name: settings.applicationName,
  });
  // A fault after connect also rejects the pending query; this only keeps a late socket error
  // (the server going away while idle) from crashing the process as an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    try {
      await client.connect();
    } catch (error) {
      throw connectFailure(error, secret, mode, settings.serverName ?? 'PostgreSQL');
    }
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export { describe, scrub, sqlState, withConnection };
export type { ConnectableSecret, ConnectionSettings, QueryClient };
