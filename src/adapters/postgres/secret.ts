/**
 * The PostgreSQL secret: AWS's JSON shape for RDS and Aurora PostgreSQL, validated key by key.
 * Errors name the key and what was expected, never the value.
 */
import { SecretShapeError } from '../../shared/errors.js';
import type { DatabaseSecret } from '../../rotation/adapter.js';

/** The secret `engine` values this adapter serves, as AWS writes them. */
const POSTGRES_ENGINES = ['postgres', 'aurora-postgresql'] as const;
type PostgresEngine = (typeof POSTGRES_ENGINES)[number];

const TLS_MODES = ['disable', 'require', 'verify-full'] as const;
/**
 * - `disable`: plaintext.
 * - `require`: TLS, but the server's certificate is not checked (stops passive eavesdropping only).
 * - `verify-full`: TLS, the certificate must chain to a trusted CA and name the host. The default.
 */
type TlsMode = (typeof TLS_MODES)[number];

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1), which would change another role. */
const MAX_IDENTIFIER_BYTES = 63;
const DEFAULT_PORT = 5432;
const DEFAULT_DATABASE = 'postgres';

interface PostgresSecret extends DatabaseSecret {
  engine: PostgresEngine;
  /** Default 5432. */
  port: number;
  /** Database to connect to; default `postgres`. */
  dbname: string;
  /** TLS mode the secret asks for; the adapter's `tls.mode` option, when set, wins over it. */
  sslmode?: TlsMode;
  /** AWS's switch: `true` means `verify-full`, `false` means `disable`. Strings "true"/"false" are accepted. */
  ssl?: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(secret: Json, key: string): string {
  const value = secret[key];
  if (typeof value !== 'string' || value.length === 0) throw new SecretShapeError(key, 'a non-empty string');
  if (value.includes('\0')) throw new SecretShapeError(key, 'a string without NUL characters');
  return value;
}

/** Throws unless `name` is a usable PostgreSQL identifier (role or database name). */
function checkIdentifier(name: string, key: string): void {
  if (name.length === 0) throw new SecretShapeError(key, 'a non-empty string');
  if (name.includes('\0')) throw new SecretShapeError(key, 'a string without NUL characters');
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new SecretShapeError(
      key,
      `at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8 (PostgreSQL truncates longer names)`,
    );
  }
}

function parsePort(value: unknown): number {
  if (value === undefined) return DEFAULT_PORT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new SecretShapeError('port', 'an integer from 1 to 65535, as a JSON number (not a string)');
  }
  return value;
}

function parseSsl(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new SecretShapeError('ssl', 'a boolean (or the string "true" or "false")');
}

function parseSslMode(value: unknown): TlsMode | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (TLS_MODES as readonly string[]).includes(value)) return value as TlsMode;
  throw new SecretShapeError('sslmode', `one of ${TLS_MODES.map((mode) => `"${mode}"`).join(', ')}`);
}

/** The TLS mode a secret asks for, from `sslmode` or AWS's `ssl`; undefined when it says nothing. */
function secretTlsMode(secret: Pick<PostgresSecret, 'sslmode' | 'ssl'>): TlsMode | undefined {
  if (secret.sslmode !== undefined) return secret.sslmode;
  if (secret.ssl === undefined) return undefined;
  return secret.ssl ? 'verify-full' : 'disable';
}

/**
 * Validates a PostgreSQL secret and fills defaults (`port` 5432, `dbname` "postgres"). Keys this
 * adapter does not know are kept, so writing the secret back loses nothing.
 */
function parsePostgresSecret(value: unknown): PostgresSecret {
  if (!isObject(value)) throw new SecretShapeError('(root)', 'a JSON object');
  const engine = value.engine;
  if (typeof engine !== 'string' || !(POSTGRES_ENGINES as readonly string[]).includes(engine)) {
    throw new SecretShapeError('engine', `one of ${POSTGRES_ENGINES.map((name) => `"${name}"`).join(', ')}`);
  }
  const host = nonEmptyString(value, 'host');
  const port = parsePort(value.port);
  const username = nonEmptyString(value, 'username');
  checkIdentifier(username, 'username');
  const password = nonEmptyString(value, 'password');
  const dbname = value.dbname === undefined ? DEFAULT_DATABASE : nonEmptyString(value, 'dbname');
  checkIdentifier(dbname, 'dbname');
  const sslmode = parseSslMode(value.sslmode);
  const ssl = parseSsl(value.ssl);
  if (sslmode !== undefined && ssl !== undefined && secretTlsMode({ ssl }) !== sslmode) {
    throw new SecretShapeError(
      'ssl',
      `to agree with "sslmode" (ssl true means verify-full, false means disable)`,
    );
  }
  if (value.masterarn !== undefined) nonEmptyString(value, 'masterarn');

  const secret: PostgresSecret = {
    ...value,
    engine: engine as PostgresEngine,
    host,
    port,
    username,
    password,
    dbname,
  };
  if (sslmode !== undefined) secret.sslmode = sslmode;
  if (ssl !== undefined) secret.ssl = ssl;
  return secret;
}

export { POSTGRES_ENGINES, TLS_MODES, checkIdentifier, parsePostgresSecret, secretTlsMode };
export type { PostgresEngine, PostgresSecret, TlsMode };
