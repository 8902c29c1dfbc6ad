import type { DatabaseSecret } from '../../src/index.js';
import { SecretShapeError } from '../../src/index.js';

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

/** Redis refuses usernames with spaces or NUL (`ACL SETUSER`), so no such user can exist. */
function requireUsername(json: Json): string {
  const value = requireString(json, 'username');
  if (/[\s\0]/.test(value)) throw new SecretShapeError('username', 'a Redis ACL username (no spaces or NUL)');
  return value;
}

function parsePort(json: Json): number {
  if (!present(json, 'port')) return DEFAULT_REDIS_PORT;
  const value = json.port;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new SecretShapeError('port', 'an integer from 1 to 65535 (a JSON number, not a string)');
  }
  return value;
}

function parseTls(json: Json): boolean {
  if (!present(json, 'tls')) return false;
  if (typeof json.tls !== 'boolean') throw new SecretShapeError('tls', 'true or false (a JSON boolean)');
  return json.tls;
}

/**
 * Validates a Redis secret's parsed JSON and fills defaults. Unknown keys are ignored (the engine
 * keeps them in the secret). Throws `SecretShapeError` naming the key, never its value.
 */
function parseRedisSecret(value: unknown): RedisSecret {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SecretShapeError('SecretString', 'a JSON object');
  }
  const json = value as Json;
  if (json.engine !== 'redis') throw new SecretShapeError('engine', '"redis"');
  const secret: RedisSecret = {
    engine: 'redis',
    host: requireString(json, 'host'),
    port: parsePort(json),
    username: requireUsername(json),
    password: requireString(json, 'password'),
    tls: parseTls(json),
  };
  if (present(json, 'masterarn')) secret.masterarn = requireString(json, 'masterarn');
  return secret;
}

export { DEFAULT_REDIS_PORT, REDIS_ENGINES, parseRedisSecret };
export type { RedisSecret };
