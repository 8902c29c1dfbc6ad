import type { DatabaseSecret } from '../../src/index.js';
import {
  SecretShapeError,
  optionalSecretString,
  optionalSecretValue,
  parseSecretPort,
  requireSecretObject,
  requireSecretString,
} from '../../src/index.js';

/** The `engine` value this adapter serves. */
const API_KEY_ENGINES = ['api-key-service'] as const;

/**
 * An API user's secret: `{ "engine": "api-key-service", "host", "port" (default 443), "username",
 * "password" (the API key), "tls"? (default true), "masterarn"? }`.
 */
interface ApiKeySecret extends DatabaseSecret {
  engine: 'api-key-service';
  /** HTTPS when true (the default); plain HTTP only when the secret says `"tls": false`. */
  tls: boolean;
}

/** Basic auth cannot carry a `:` in the user name, so no such user can log in. */
function requireUsername(json: Record<string, unknown>): string {
  const value = requireSecretString(json, 'username');
  if (value.includes(':')) throw new SecretShapeError('username', 'a user name without ":"');
  return value;
}

function parseTls(json: Record<string, unknown>): boolean {
  const value = optionalSecretValue(json, 'tls');
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new SecretShapeError('tls', 'true or false (a JSON boolean)');
  return value;
}

/**
 * Validates a secret's parsed JSON and fills defaults; unknown keys are ignored (the engine keeps
 * them). Throws `SecretShapeError` naming the key, never its value.
 */
function parseApiKeySecret(value: unknown): ApiKeySecret {
  const json = requireSecretObject(value, 'SecretString');
  if (json.engine !== 'api-key-service') throw new SecretShapeError('engine', '"api-key-service"');
  const secret: ApiKeySecret = {
    engine: 'api-key-service',
    host: requireSecretString(json, 'host'),
    port: parseSecretPort(optionalSecretValue(json, 'port'), 443),
    username: requireUsername(json),
    password: requireSecretString(json, 'password'),
    tls: parseTls(json),
  };
  const masterarn = optionalSecretString(json, 'masterarn');
  if (masterarn !== undefined) secret.masterarn = masterarn;
  return secret;
}

export { API_KEY_ENGINES, parseApiKeySecret };
export type { ApiKeySecret };
