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
  type SecretTls,
} from '../shared/secret-fields.js';

/** The `engine` values this adapter serves: Redis, and Valkey (its fork, with the same ACL commands). */
const REDIS_ENGINES = ['redis', 'valkey'] as const;
type RedisEngine = (typeof REDIS_ENGINES)[number];

const DEFAULT_REDIS_PORT = 6379;

/**
 * A Redis/Valkey ACL user's secret: `{ "engine": "redis", "host", "port" (default 6379),
 * "username", "password", "sslmode"?, "ssl"?, "masterarn"? }`. TLS as for the other adapters:
 * `sslmode` (`disable`, `require`, `verify-full`) or AWS's `ssl` switch; the adapter's `tls.mode`
 * option wins; neither: `verify-full`.
 */
interface RedisSecret extends DatabaseSecret, SecretTls {
  engine: RedisEngine;
  /** Default 6379. */
  port: number;
}

/** Redis refuses usernames with spaces or NUL (`ACL SETUSER`), so no such user can exist. */
function requireUsername(json: SecretJson): string {
  const value = requireSecretString(json, 'username');
  if (/[\s\0]/.test(value)) throw new SecretShapeError('username', 'a Redis ACL username (no spaces or NUL)');
  return value;
}

/**
 * Validates a Redis secret's parsed JSON and fills defaults. Unknown keys are ignored (the engine
 * keeps them in the secret). Throws `SecretShapeError` naming the key, never its value.
 */
function parseRedisSecret(value: unknown): RedisSecret {
  const json = requireSecretObject(value, 'SecretString');
  const secret: RedisSecret = {
    engine: requireSecretChoice(json.engine, 'engine', REDIS_ENGINES),
    host: requireSecretString(json, 'host'),
    port: parseSecretPort(optionalSecretValue(json, 'port'), DEFAULT_REDIS_PORT),
    username: requireUsername(json),
    password: requireSecretString(json, 'password'),
    ...parseSecretTls(optionalSecretValue(json, 'sslmode'), optionalSecretValue(json, 'ssl')),
  };
  const masterarn = optionalSecretString(json, 'masterarn');
  if (masterarn !== undefined) secret.masterarn = masterarn;
  return secret;
}

export { DEFAULT_REDIS_PORT, REDIS_ENGINES, parseRedisSecret };
export type { RedisEngine, RedisSecret };
