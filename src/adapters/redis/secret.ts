import type { DatabaseSecret, SecretJson } from '../../src/index.js';
import {
  SecretShapeError,
  optionalSecretString,
  optionalSecretValue,
  parseSecretPort,
  requireSecretObject,
  requireSecretString,
} from '../../src/index.js';

/** The `engine` values this adapter serves. */
const REDIS_ENGINES = ['redis'] as const;

const DEFAULT_REDIS_PORT = 6379;

/**
 * A Redis ACL user's secret:
 * `{ "engine": "redis", "host", "port" (default 6379), "username", "password", "tls"? , "masterarn"? }`.
 */
interface RedisSecret extends DatabaseSecret {
  engine: 'redis';
  /** Default 6379. */
  port: number;
  /** Connect with TLS and verify the server certificate. Default false (Redis's own default). */
  tls: boolean;
}

/** Redis refuses usernames with spaces or NUL (`ACL SETUSER`), so no such user can exist. */
function requireUsername(json: SecretJson): string {
  const value = requireSecretString(json, 'username');
  if (/[\s\0]/.test(value)) throw new SecretShapeError('username', 'a Redis ACL username (no spaces or NUL)');
  return value;
}

function parseTls(json: SecretJson): boolean {
  const value = optionalSecretValue(json, 'tls');
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new SecretShapeError('tls', 'true or false (a JSON boolean)');
  return value;
}

/**
 * Validates a Redis secret's parsed JSON and fills defaults. Unknown keys are ignored (the engine
 * keeps them in the secret). Throws `SecretShapeError` naming the key, never its value.
 */
function parseRedisSecret(value: unknown): RedisSecret {
  const json = requireSecretObject(value, 'SecretString');
  if (json.engine !== 'redis') throw new SecretShapeError('engine', '"redis"');
  const secret: RedisSecret = {
    engine: 'redis',
    host: requireSecretString(json, 'host'),
    port: parseSecretPort(optionalSecretValue(json, 'port'), DEFAULT_REDIS_PORT),
    username: requireUsername(json),
    password: requireSecretString(json, 'password'),
    tls: parseTls(json),
  };
  const masterarn = optionalSecretString(json, 'masterarn');
  if (masterarn !== undefined) secret.masterarn = masterarn;
  return secret;
}

export { DEFAULT_REDIS_PORT, REDIS_ENGINES, parseRedisSecret };
export type { RedisSecret };
