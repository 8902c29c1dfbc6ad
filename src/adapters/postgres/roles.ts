/**
 * The SQL this adapter runs. Values travel as bind parameters; the two places PostgreSQL's grammar
 * needs an identifier or literal inline (role names, the password verifier of ALTER/CREATE ROLE,
 * which are utility statements and take no parameters) go through `quoteIdentifier` and
 * `verifierLiteral`, which accept any role name and only well-formed verifiers.
 */
import {
  DatabaseConnectionError,
  PrivilegeCopyError,
  ReadOnlyDatabaseError,
  RoleNotFoundError,
  RotationError,
} from '../../shared/errors.js';
import type { QueryClient } from './connect.js';
import { describe, sqlState } from './connect.js';

/** `"name"` with inner quotes doubled: safe for any role name (NUL is rejected before this). */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const VERIFIER = /^(SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+|md5[0-9a-f]{32})$/;

/** A verifier as a string literal. Verifiers hold no quote or backslash; anything else is refused. */
function verifierLiteral(verifier: string): string {
  if (!VERIFIER.test(verifier)) throw new Error('Refusing to send a malformed password verifier');
  return `'${verifier}'`;
}

interface Target {
  host: string;
  port: number;
}

/** Maps a failed statement to a named error; the message never holds the password or verifier. */
function statementFailure(
  error: unknown,
  action: string,
  target: Target,
  role?: string,
  secrets: readonly string[] = [],
): Error {
  if (error instanceof RotationError) return error;
  const state = sqlState(error);
  const context = { host: target.host, port: target.port, sqlState: state };
  if (state === '25006') return new ReadOnlyDatabaseError('the transaction is read-only', context);
  if (state === '42704' && role !== undefined) return new RoleNotFoundError(role);
  if (state === '55P03' || state === '57014') {
    return new DatabaseConnectionError(
      `PostgreSQL at ${target.host}:${target.port} ran out of time to ${action} and aborted it, so nothing changed: ${describe(error, secrets)}`,
      context,
      { cause: error },
    );
  }
  return new DatabaseConnectionError(
    `PostgreSQL at ${target.host}:${target.port} refused to ${action}: ${describe(error, secrets)}`,
    context,
    { cause: error },
  );
}

/** Password changes must reach the writable primary, not a standby or a read replica. */
async function assertWritable(client: QueryClient, target: Target): Promise<void> {
  const { rows } = await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
  if (rows[0]?.recovery !== false) {
    throw new ReadOnlyDatabaseError('the server is a hot standby or read replica; connect to the primary', {
      host: target.host,
      port: target.port,
    });
  }
}

async function alterPassword(client: QueryClient, username: string, verifier: string): Promise<void> {
  await client.query(`ALTER ROLE ${quoteIdentifier(username)} WITH PASSWORD ${verifierLiteral(verifier)}`);
}

interface CloneRequest {
  like: string;
  username: string;
  verifier: string;
  /** Make the clone's sessions start as `like` (ALTER ROLE clone SET role = like). */
  setRole: boolean;
}

/** How `username` relates to `like` today. */
async function relation(
  client: QueryClient,
  like: string,
  username: string,
): Promise<'missing' | 'clone' | 'original' | 'unrelated'> {
  const { rows } = await client.query<{ exists: boolean; clone: boolean; original: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2) AS exists,
            EXISTS (SELECT 1 FROM pg_auth_members m
                     WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)
                       AND m.member = (SELECT oid FROM pg_roles WHERE rolname = $2)) AS clone,
            EXISTS (SELECT 1 FROM pg_auth_members m
                     WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $2)
                       AND m.member = (SELECT oid FROM pg_roles WHERE rolname = $1)) AS original`,
    [like, username],
  );
  const row = rows[0];
  if (!row?.exists) return 'missing';
  if (row.clone) return 'clone';
  return row.original ? 'original' : 'unrelated';
}

/**
 * Makes `username` a login role that holds `like`'s privileges, in one transaction:
 * - missing: CREATE ROLE ... LOGIN INHERIT (with `like`'s connection limit), then GRANT like TO it;
 * - unrelated: GRANT like TO it;
 * - already a member of `like`: nothing to add;
 * - `like` is a member of it (it is the original and `like` its clone, as when alternating back):
 *   nothing to add, which would make a membership cycle;
 * then, except for the original, ALTER ROLE ... SET role = like (when `setRole`), and the password.
 */
async function ensureClone(client: QueryClient, request: CloneRequest): Promise<void> {
  const { like, username, verifier } = request;
  const { rows } = await client.query<{ connlimit: number }>(
    'SELECT rolconnlimit AS connlimit FROM pg_roles WHERE rolname = $1',
    [like],
  );
  if (rows.length === 0) throw new RoleNotFoundError(like);
  const current = await relation(client, like, username);
  const role = quoteIdentifier(username);
  if (current === 'missing') {
    const limit = Number(rows[0]!.connlimit);
    await client.query(
      `CREATE ROLE ${role} WITH LOGIN INHERIT CONNECTION LIMIT ${Number.isInteger(limit) ? limit : -1} ` +
        `PASSWORD ${verifierLiteral(verifier)}`,
    );
  } else {
    await client.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${verifierLiteral(verifier)}`);
  }
  try {
    if (current === 'missing' || current === 'unrelated') {
      await client.query(`GRANT ${quoteIdentifier(like)} TO ${role}`);
    }
    if (current !== 'original' && request.setRole) {
      await client.query(`ALTER ROLE ${role} SET role = ${quoteIdentifier(like)}`);
    }
  } catch (error) {
    // Typically the admin lacks ADMIN OPTION on `like` (a non-superuser admin, as on RDS).
    throw new PrivilegeCopyError(like, username, describe(error, [verifier]), { cause: error });
  }
}

export { alterPassword, assertWritable, ensureClone, quoteIdentifier, statementFailure, verifierLiteral };
export type { CloneRequest, Target };
