/**
 * The one check that a version cannot redirect a password change: every key the adapter connects
 * by must agree with AWSCURRENT. setSecret, the superuser fallback and `repair` all go through it.
 */
import { UnsafeChangeError } from '../shared/errors.js';
import type { DatabaseAdapter, DatabaseSecret } from './adapter.js';

/** Where a superuser secret must point: the server of the secret being rotated. */
const SERVER_KEYS = ['engine', 'host', 'port'] as const;

/** Parsed values are strings, numbers or booleans; anything else is compared by its JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function valueOf(secret: DatabaseSecret, key: string): unknown {
  return (secret as unknown as Record<string, unknown>)[key];
}

/**
 * Throws `UnsafeChangeError` naming the first of the adapter's connection keys on which `pending`
 * differs from `current`, or `sslmode` when it asks for weaker TLS. The username is not compared
 * here: it is the strategy's rule (single user keeps it, alternating users switches to the other).
 * Both secrets must be parsed by `adapter`, so defaults are filled and "5432" equals 5432.
 */
function assertSameTarget<S extends DatabaseSecret>(
  adapter: DatabaseAdapter<S>,
  current: S,
  pending: S,
): void {
  for (const key of adapter.connectionKeys) {
    if (key === 'username') continue;
    if (!sameValue(valueOf(current, key), valueOf(pending, key))) throw new UnsafeChangeError(key);
  }
  if (adapter.tlsStrength && adapter.tlsStrength(pending) < adapter.tlsStrength(current)) {
    throw new UnsafeChangeError('sslmode');
  }
}

/**
 * Throws `UnsafeChangeError` unless the superuser secret `admin` names the same server (engine,
 * host, port) as the secret being rotated: a superuser of another server must never be used.
 */
function assertSameServer(admin: DatabaseSecret, current: DatabaseSecret): void {
  for (const key of SERVER_KEYS) {
    if (!sameValue(admin[key], current[key]))
      throw new UnsafeChangeError(key, 'superuser (masterarn) secret');
  }
}

export { assertSameServer, assertSameTarget };
