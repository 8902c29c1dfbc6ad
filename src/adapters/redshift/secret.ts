/**
 * The Redshift secret: AWS's JSON shape for provisioned clusters and Redshift Serverless (both
 * write `"engine": "redshift"`; a cluster's secret may carry `dbClusterIdentifier`, a serverless
 * one `namespaceName`, which are kept). Errors name the key and what was expected, never the value.
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

/** The secret `engine` values this adapter serves: AWS writes `redshift` for clusters and Serverless. */
const REDSHIFT_ENGINES = ['redshift'] as const;
type RedshiftEngine = (typeof REDSHIFT_ENGINES)[number];

/** Redshift's limit for names (users, databases); longer ones are refused, not truncated. */
const MAX_IDENTIFIER_BYTES = 127;
const DEFAULT_PORT = 5439;
/** What AWS's Redshift rotation functions connect to when the secret names no database. */
const DEFAULT_DATABASE = 'dev';

interface RedshiftSecret extends DatabaseSecret {
  engine: RedshiftEngine;
  /** Default 5439. A string of digits ("5439"), as AWS's templates accept, is read as the number. */
  port: number;
  /** Database to connect to; default `dev`. */
  dbname: string;
  /** TLS mode the secret asks for; the adapter's `tls.mode` option, when set, wins over it. */
  sslmode?: TlsMode;
  /** AWS's switch: `true` means `verify-full`, `false` means `disable`. */
  ssl?: boolean;
}

function nonEmptyString(secret: SecretJson, key: string): string {
  const value = requireSecretString(secret, key);
  if (value.includes('\0')) throw new SecretShapeError(key, 'a string without NUL characters');
  return value;
}

/** Throws unless `name` is a usable Redshift name (user or database). */
function checkRedshiftName(name: string, key: string): void {
  if (name.length === 0) throw new SecretShapeError(key, 'a non-empty string');
  if (name.includes('\0')) throw new SecretShapeError(key, 'a string without NUL characters');
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new SecretShapeError(key, `at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8 (Redshift's limit)`);
  }
}

/**
 * Redshift folds user names to lower case (quoted ones too, unless enable_case_sensitive_identifier
 * is on), and the MD5 hash is salted with the stored name: a name with capitals would get a hash
 * that never matches.
 */
function checkRedshiftUsername(name: string, key: string): void {
  checkRedshiftName(name, key);
  if (/[A-Z]/.test(name)) {
    throw new SecretShapeError(key, 'a lower-case user name (Redshift stores user names in lower case)');
  }
}

/**
 * Validates a Redshift secret and fills defaults (`port` 5439, `dbname` "dev"). Keys this adapter
 * does not know (`dbClusterIdentifier`, `namespaceName`, …) are kept, so writing the secret back
 * loses nothing.
 */
function parseRedshiftSecret(value: unknown): RedshiftSecret {
  const json = requireSecretObject(value, '(root)');
  const engine = requireSecretChoice(json.engine, 'engine', REDSHIFT_ENGINES);
  const host = nonEmptyString(json, 'host');
  const port = parseSecretPort(json.port, DEFAULT_PORT);
  const username = nonEmptyString(json, 'username');
  checkRedshiftUsername(username, 'username');
  const password = nonEmptyString(json, 'password');
  const dbname = json.dbname === undefined ? DEFAULT_DATABASE : nonEmptyString(json, 'dbname');
  checkRedshiftName(dbname, 'dbname');
  const tls = parseSecretTls(json.sslmode, json.ssl);
  if (json.masterarn !== undefined) nonEmptyString(json, 'masterarn');
  return { ...json, engine, host, port, username, password, dbname, ...tls };
}

export { REDSHIFT_ENGINES, checkRedshiftUsername, parseRedshiftSecret };
export type { RedshiftEngine, RedshiftSecret };
