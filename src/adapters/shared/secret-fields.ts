/**
 * Key-by-key checks for a database secret's parsed JSON, shared by the adapters. Each throws
 * `SecretShapeError` naming the key and what was expected, never the value. Which keys a secret
 * has, and whether JSON null counts as absent, is each adapter's choice: these helpers take a
 * value that is `undefined` when absent.
 */
import { SecretShapeError } from '../../shared/errors.js';
import { DEFAULT_TLS_MODE, TLS_MODES, TLS_MODE_STRENGTH, type TlsMode } from './tls-settings.js';

/** A secret's parsed JSON object. */
type SecretJson = Record<string, unknown>;

/** The TLS keys a secret may carry: `sslmode`, or AWS's `ssl` switch. */
interface SecretTls {
  sslmode?: TlsMode;
  ssl?: boolean;
}

/** What a port must be, as error messages say it. */
const PORT_EXPECTED = 'an integer from 1 to 65535 (a JSON number, or a string of digits such as "5432")';

/**
 * `value` as a JSON object (not null, not an array); otherwise a SecretShapeError naming `key`
 * (the name an adapter gives the whole secret).
 *
 * @example
 * ```ts
 * import { requireSecretObject } from 'rotation-kit';
 *
 * const json = requireSecretObject(JSON.parse(secretString), 'SecretString');
 * ```
 */
function requireSecretObject(value: unknown, key: string): SecretJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SecretShapeError(key, 'a JSON object');
  }
  return value as SecretJson;
}

/**
 * The value at `key`, or undefined when the key is absent or JSON null (both mean "not set").
 *
 * @example
 * ```ts
 * import { optionalSecretValue } from 'rotation-kit';
 *
 * const tls = optionalSecretValue(json, 'tls'); // undefined for {} and for { "tls": null }
 * ```
 */
function optionalSecretValue(json: SecretJson, key: string): unknown {
  const value = json[key];
  return value === null ? undefined : value;
}

/**
 * The non-empty string at `key`; otherwise a SecretShapeError naming `key`.
 *
 * @example
 * ```ts
 * import { requireSecretString } from 'rotation-kit';
 *
 * const host = requireSecretString(json, 'host');
 * ```
 */
function requireSecretString(json: SecretJson, key: string): string {
  const value = json[key];
  if (typeof value !== 'string' || value.length === 0) throw new SecretShapeError(key, 'a non-empty string');
  return value;
}

/**
 * The non-empty string at `key`, or undefined when the key is absent or JSON null.
 *
 * @example
 * ```ts
 * import { optionalSecretString } from 'rotation-kit';
 *
 * const masterarn = optionalSecretString(json, 'masterarn');
 * ```
 */
function optionalSecretString(json: SecretJson, key: string): string | undefined {
  return optionalSecretValue(json, key) === undefined ? undefined : requireSecretString(json, key);
}

/**
 * A port: `fallback` when `value` is undefined, else an integer from 1 to 65535, given as a JSON
 * number or, as AWS's rotation templates accept it, a string of decimal digits ("5432"). Anything
 * else (" 5432", "5432.0", "0x1538", 0, 70000) is refused. `expected` words the error.
 *
 * @example
 * ```ts
 * import { optionalSecretValue, parseSecretPort } from 'rotation-kit';
 *
 * const port = parseSecretPort(optionalSecretValue(json, 'port'), 6379);
 * ```
 */
function parseSecretPort(value: unknown, fallback: number, expected = PORT_EXPECTED): number {
  if (value === undefined) return fallback;
  const port = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SecretShapeError('port', expected);
  }
  return port;
}

/** `value` when it is one of `choices`; otherwise a SecretShapeError naming `key` and listing them. */
function requireSecretChoice<T extends string>(value: unknown, key: string, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new SecretShapeError(key, `one of ${choices.map((choice) => `"${choice}"`).join(', ')}`);
}

function parseSslMode(value: unknown): TlsMode | undefined {
  return value === undefined ? undefined : requireSecretChoice(value, 'sslmode', TLS_MODES);
}

function parseSsl(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new SecretShapeError('ssl', 'a boolean (or the string "true" or "false")');
}

/** The TLS mode a secret asks for, from `sslmode` or AWS's `ssl`; undefined when it says nothing. */
function secretTlsMode(secret: SecretTls): TlsMode | undefined {
  if (secret.sslmode !== undefined) return secret.sslmode;
  if (secret.ssl === undefined) return undefined;
  return secret.ssl ? 'verify-full' : 'disable';
}

/**
 * How strict the TLS is that a secret asks for (see `TLS_MODE_STRENGTH`); a secret that names no
 * mode gets the default, `verify-full`. For an adapter's `tlsStrength`.
 */
function secretTlsStrength(secret: SecretTls): number {
  return TLS_MODE_STRENGTH[secretTlsMode(secret) ?? DEFAULT_TLS_MODE];
}

/**
 * The secret's `sslmode` (one of the TLS modes) and `ssl` (a boolean, or the exact strings "true"
 * or "false"), each undefined when absent. Refuses an `ssl` that disagrees with `sslmode`
 * (true means verify-full, false means disable), naming `ssl`.
 */
function parseSecretTls(sslmode: unknown, ssl: unknown): SecretTls {
  const tls: SecretTls = {};
  const mode = parseSslMode(sslmode);
  const flag = parseSsl(ssl);
  if (mode !== undefined && flag !== undefined && secretTlsMode({ ssl: flag }) !== mode) {
    throw new SecretShapeError(
      'ssl',
      'to agree with "sslmode" (ssl true means verify-full, false means disable)',
    );
  }
  if (mode !== undefined) tls.sslmode = mode;
  if (flag !== undefined) tls.ssl = flag;
  return tls;
}

export {
  optionalSecretString,
  optionalSecretValue,
  parseSecretPort,
  parseSecretTls,
  requireSecretChoice,
  requireSecretObject,
  requireSecretString,
  secretTlsMode,
  secretTlsStrength,
};
export type { SecretJson, SecretTls };
