import type { DatabaseSecret } from '../../rotation/adapter.js';
import { SecretShapeError } from '../../shared/errors.js';
import {
  optionalSecretString,
  optionalSecretValue,
  parseSecretPort,
  parseSecretTls,
  requireSecretChoice,
  requireSecretObject,
  requireSecretString,
  type SecretJson,
} from '../shared/secret-fields.js';
import type { TlsMode } from '../shared/tls-settings.js';

/** The `engine` values this adapter serves, as AWS writes them. */
const MYSQL_ENGINES = ['mysql', 'aurora-mysql', 'mariadb'] as const;
type MySqlEngine = (typeof MYSQL_ENGINES)[number];

const DEFAULT_PORT = 3306;

/**
 * The longest user name each engine stores, in characters: MySQL 8 and Aurora MySQL 32 (MySQL's
 * documented limit; no MySQL server is tested here), MariaDB 128 (its server refuses 129 with "is
 * too long for user name"; checked on MariaDB 10.11). createSecret parses the next secret, so an
 * alternate user `<user>_clone` over the limit is refused before AWSPENDING is written.
 */
const MAX_USERNAME_CHARS: Readonly<Record<MySqlEngine, number>> = {
  mysql: 32,
  'aurora-mysql': 32,
  mariadb: 128,
};

function requireUsername(json: SecretJson, engine: MySqlEngine): string {
  const username = requireSecretString(json, 'username');
  const limit = MAX_USERNAME_CHARS[engine];
  if ([...username].length > limit) {
    throw new SecretShapeError(
      'username',
      `at most ${limit} characters (the longest user name ${engine} stores)`,
    );
  }
  return username;
}

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

/** AWS's MySQL rotation templates also accept "True"/"FALSE" for `ssl`, in any case. */
function sslValue(json: SecretJson): unknown {
  const value = optionalSecretValue(json, 'ssl');
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/**
 * Validates a MySQL/MariaDB secret's parsed JSON and fills defaults. Unknown keys are ignored (the
 * engine keeps them in the secret). Throws `SecretShapeError` naming the key, never its value.
 */
function parseMySqlSecret(value: unknown): MySqlSecret {
  const json = requireSecretObject(value, 'SecretString');
  const engine = requireSecretChoice(json.engine, 'engine', MYSQL_ENGINES);
  const secret: MySqlSecret = {
    engine,
    host: requireSecretString(json, 'host'),
    port: parseSecretPort(optionalSecretValue(json, 'port'), DEFAULT_PORT),
    username: requireUsername(json, engine),
    password: requireSecretString(json, 'password'),
  };
  const dbname = optionalSecretString(json, 'dbname');
  if (dbname !== undefined) secret.dbname = dbname;
  const masterarn = optionalSecretString(json, 'masterarn');
  if (masterarn !== undefined) secret.masterarn = masterarn;
  return { ...secret, ...parseSecretTls(optionalSecretValue(json, 'sslmode'), sslValue(json)) };
}

export { DEFAULT_PORT, MAX_USERNAME_CHARS, MYSQL_ENGINES, parseMySqlSecret };
export type { MySqlEngine, MySqlSecret };
