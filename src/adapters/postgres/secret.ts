/**
 * The PostgreSQL secret: AWS's JSON shape for RDS and Aurora PostgreSQL, validated key by key.
 * Errors name the key and what was expected, never the value.
 */
import { SecretShapeError } from '../../shared/errors.js';
import type { DatabaseSecret } from '../../rotation/adapter.js';
import {
  parseSecretPort,
  parseSecretTls,
  requireSecretChoice,
  requireSecretObject,
  requireSecretString,
  type SecretJson,
} from '../shared/secret-fields.js';
import type { TlsMode } from '../shared/tls-settings.js';

/** The secret `engine` values this adapter serves, as AWS writes them. */
const POSTGRES_ENGINES = ['postgres', 'aurora-postgresql'] as const;
type PostgresEngine = (typeof POSTGRES_ENGINES)[number];

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1), which would change another role. */
const MAX_IDENTIFIER_BYTES = 63;
const DEFAULT_PORT = 5432;
const DEFAULT_DATABASE = 'postgres';

interface PostgresSecret extends DatabaseSecret {
  engine: PostgresEngine;
  /** Default 5432. A string of digits ("5432"), as AWS's templates accept, is read as the number. */
  port: number;
  /** Database to connect to; default `postgres`. */
  dbname: string;
  /** TLS mode the secret asks for; the adapter's `tls.mode` option, when set, wins over it. */
  sslmode?: TlsMode;
  /** AWS's switch: `true` means `verify-full`, `false` means `disable`. Strings "true"/"false" are accepted. */
  ssl?: boolean;
}

/** A non-empty string without NUL, which PostgreSQL cannot store in a name or password. */
function nonEmptyString(secret: SecretJson, key: string): string {
  const value = requireSecretString(secret, key);
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

/**
 * Validates a PostgreSQL secret and fills defaults (`port` 5432, `dbname` "postgres"). Keys this
 * adapter does not know are kept, so writing the secret back loses nothing.
 */
function parsePostgresSecret(value: unknown): PostgresSecret {
  const json = requireSecretObject(value, '(root)');
  const engine = requireSecretChoice(json.engine, 'engine', POSTGRES_ENGINES);
  const host = nonEmptyString(json, 'host');
  // JSON null is not "absent" here: only a missing key takes the default.
  const port = parseSecretPort(json.port, DEFAULT_PORT);
  const username = nonEmptyString(json, 'username');
  checkIdentifier(username, 'username');
  const password = nonEmptyString(json, 'password');
  const dbname = json.dbname === undefined ? DEFAULT_DATABASE : nonEmptyString(json, 'dbname');
  checkIdentifier(dbname, 'dbname');
  const tls = parseSecretTls(json.sslmode, json.ssl);
  if (json.masterarn !== undefined) nonEmptyString(json, 'masterarn');

  return {
    ...json,
    engine,
    host,
    port,
    username,
    password,
    dbname,
    ...tls,
  };
}

export { POSTGRES_ENGINES, checkIdentifier, parsePostgresSecret };
export type { PostgresEngine, PostgresSecret, TlsMode };
