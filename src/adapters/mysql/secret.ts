import type { DatabaseSecret } from '../../rotation/adapter.js';
import { SecretShapeError } from '../../shared/errors.js';
import { TLS_MODES } from './tls.js';
import type { TlsMode } from './tls.js';

/** The `engine` values this adapter serves, as AWS writes them. */
const MYSQL_ENGINES = ['mysql', 'aurora-mysql', 'mariadb'] as const;
type MySqlEngine = (typeof MYSQL_ENGINES)[number];

const DEFAULT_PORT = 3306;

/**
 * A MySQL/MariaDB secret: AWS's keys for these engines, with defaults filled. TLS can be chosen per
 * secret with `sslmode` or AWS's `ssl` (see `secretTlsMode`); the adapter's `tls.mode` option wins.
 */
interface MySqlSecret extends DatabaseSecret {
  engine: MySqlEngine;
  /** Default 3306. */
  port: number;
  /** Database to connect to; none by default (no database needs to exist for a login). */
  dbname?: string;
  /** `disable`, `require` or `verify-full`. */
  sslmode?: TlsMode;
  /** AWS's switch: `true` means `verify-full`, `false` means `disable`. Strings "true"/"false" are accepted. */
  ssl?: boolean;
}

type Json = Record<string, unknown>;

/** Optional keys may be absent or JSON null. */
function present(json: Json, key: string): boolean {
  return json[key] !== undefined && json[key] !== null;
}

function requireString(json: Json, key: string): string {
  const value = json[key];
  if (typeof value !== 'string' || value.length === 0) throw new SecretShapeError(key, 'a non-empty string');
  return value;
}

function optionalString(json: Json, key: string): string | undefined {
  return present(json, key) ? requireString(json, key) : undefined;
}

function parsePort(json: Json): number {
  if (!present(json, 'port')) return DEFAULT_PORT;
  const value = json.port;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new SecretShapeError('port', 'an integer from 1 to 65535 (a JSON number, not a string)');
  }
  return value;
}

function parseEngine(json: Json): MySqlEngine {
  const value = json.engine;
  if (typeof value !== 'string' || !(MYSQL_ENGINES as readonly string[]).includes(value)) {
    throw new SecretShapeError('engine', `one of ${MYSQL_ENGINES.map((e) => `"${e}"`).join(', ')}`);
  }
  return value as MySqlEngine;
}

function parseSslMode(json: Json): TlsMode | undefined {
  if (!present(json, 'sslmode')) return undefined;
  const value = json.sslmode;
  if (typeof value === 'string' && (TLS_MODES as readonly string[]).includes(value)) return value as TlsMode;
  throw new SecretShapeError('sslmode', `one of ${TLS_MODES.map((mode) => `"${mode}"`).join(', ')}`);
}

function parseSsl(json: Json): boolean | undefined {
  if (!present(json, 'ssl')) return undefined;
  // AWS's rotation templates accept a boolean or the strings "true"/"false".
  const value = typeof json.ssl === 'string' ? json.ssl.toLowerCase() : json.ssl;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SecretShapeError('ssl', 'a boolean (or the string "true" or "false")');
}

/** The TLS mode a secret asks for, from `sslmode` or AWS's `ssl`; undefined when it says nothing. */
function secretTlsMode(secret: Pick<MySqlSecret, 'sslmode' | 'ssl'>): TlsMode | undefined {
  if (secret.sslmode !== undefined) return secret.sslmode;
  if (secret.ssl === undefined) return undefined;
  return secret.ssl ? 'verify-full' : 'disable';
}

/**
 * Validates a MySQL/MariaDB secret's parsed JSON and fills defaults. Unknown keys are ignored (the
 * engine keeps them in the secret). Throws `SecretShapeError` naming the key, never its value.
 */
function parseMySqlSecret(value: unknown): MySqlSecret {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SecretShapeError('SecretString', 'a JSON object');
  }
  const json = value as Json;
  const secret: MySqlSecret = {
    engine: parseEngine(json),
    host: requireString(json, 'host'),
    port: parsePort(json),
    username: requireString(json, 'username'),
    password: requireString(json, 'password'),
  };
  const dbname = optionalString(json, 'dbname');
  if (dbname !== undefined) secret.dbname = dbname;
  const masterarn = optionalString(json, 'masterarn');
  if (masterarn !== undefined) secret.masterarn = masterarn;
  const sslmode = parseSslMode(json);
  const ssl = parseSsl(json);
  if (sslmode !== undefined && ssl !== undefined && secretTlsMode({ ssl }) !== sslmode) {
    throw new SecretShapeError(
      'ssl',
      'to agree with "sslmode" (ssl true means verify-full, false means disable)',
    );
  }
  if (sslmode !== undefined) secret.sslmode = sslmode;
  if (ssl !== undefined) secret.ssl = ssl;
  return secret;
}

export { DEFAULT_PORT, MYSQL_ENGINES, parseMySqlSecret, secretTlsMode };
export type { MySqlEngine, MySqlSecret };
