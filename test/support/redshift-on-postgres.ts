/**
 * Redshift is not available here; the Redshift adapter is run against the globalSetup PostgreSQL
 * instead, with every user it touches logging in through PostgreSQL's `md5` method (members of the
 * md5 group role, whose pg_hba line says `md5`), the password authentication Redshift uses. Users
 * are created with an MD5 hash computed here, so the server stores MD5 as Redshift does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { RedshiftSecret } from '../../src/adapters/redshift/secret.js';
import { MD5_CLIENTS_ROLE, dropRoles, postgresAddress, uniqueRole, withSuperuser } from './postgres.js';

/** A password that meets Redshift's rules: upper, lower, digit, 8-64 characters, none of '"\/@ or space. */
function redshiftPassword(): string {
  return `Rk7${randomBytes(18).toString('base64url')}`;
}

/** A Redshift secret for `username` on the test server (no TLS there). */
function redshiftSecret(username: string, password: string): RedshiftSecret {
  const { host, port, database } = postgresAddress();
  return { engine: 'redshift', host, port, dbname: database, username, password, sslmode: 'disable' };
}

function md5Hash(password: string, username: string): string {
  return `md5${createHash('md5')
    .update(password + username)
    .digest('hex')}`;
}

/** Creates a user that logs in with md5 (`extra`: more CREATE ROLE options, e.g. SUPERUSER). */
async function createMd5User(name: string, password: string, extra = ''): Promise<void> {
  await withSuperuser((client) =>
    client.query(
      `CREATE ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD '${md5Hash(password, name)}' ` +
        `IN ROLE ${MD5_CLIENTS_ROLE} ${extra}`,
    ),
  );
}

/** A lower-case user name no other test uses, short enough for `<name>_clone`. */
function redshiftUser(prefix = 'rs'): string {
  return uniqueRole(prefix);
}

/**
 * Logs in as `username` with pg directly (not through the adapter) and returns how the server
 * authenticated the session (`system_user`: "md5:<user>"), or null when the password is refused.
 */
async function md5Login(username: string, password: string): Promise<string | null> {
  const { host, port, database } = postgresAddress();
  const client = new Client({ host, port, database, user: username, password, ssl: false });
  try {
    await client.connect();
    const { rows } = await client.query<{ method: string }>('SELECT system_user AS method');
    return rows[0]!.method;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return null;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` as `username` over a plain pg connection. */
async function asUser<T>(
  username: string,
  password: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const { host, port, database } = postgresAddress();
  const client = new Client({ host, port, database, user: username, password, ssl: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `allowed`, or `denied` on SQLSTATE 42501 (insufficient_privilege). */
async function outcome(work: () => Promise<unknown>): Promise<'allowed' | 'denied'> {
  try {
    await work();
    return 'allowed';
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return 'denied';
    throw error;
  }
}

/** The stored password hash of `name`. */
async function storedHash(name: string): Promise<string | null> {
  return withSuperuser(async (client) => {
    const { rows } = await client.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [name]);
    return (rows[0]?.rolpassword as string | null | undefined) ?? null;
  });
}

/**
 * The shape the template tests (test/deploy) rotate through: users log in by md5, the master secret
 * is the globalSetup superuser written as a Redshift secret.
 */
function redshiftTestDatabase(prefix: string) {
  const { user, password } = postgresAddress();
  return {
    superuserSecret: () => ({ ...redshiftSecret(user, password) }),
    superuserPassword: () => password,
    userSecret: (username: string, userPassword: string) => ({ ...redshiftSecret(username, userPassword) }),
    uniqueUser: () => redshiftUser(prefix),
    createUser: (username: string, userPassword: string) => createMd5User(username, userPassword),
    dropUsers: (usernames: string[]) => dropRoles(usernames),
    loginWorks: async (username: string, userPassword: string) =>
      (await md5Login(username, userPassword)) !== null,
  };
}

export {
  asUser,
  createMd5User,
  dropRoles,
  md5Hash,
  md5Login,
  outcome,
  redshiftPassword,
  redshiftSecret,
  redshiftTestDatabase,
  redshiftUser,
  storedHash,
  withSuperuser,
};
