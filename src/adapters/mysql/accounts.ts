/**
 * The account statements: the read-only check, setting a password, and copying one account's
 * privileges to another. Names and passwords are quoted by `sql.ts`; no statement takes raw input.
 */
import {
  DatabaseConnectionError,
  PrivilegeCopyError,
  ReadOnlyDatabaseError,
  RoleNotFoundError,
} from '../../shared/errors.js';
import { rows, run } from './connect.js';
import type { Session } from './connect.js';
import { UnreplayableGrantError, rewriteGrant } from './grants.js';
import type { Account } from './grants.js';
import { accountName, quoteString } from './sql.js';

/** System variables that make a server refuse writes; MariaDB has no super_read_only. */
const READ_ONLY_VARIABLES = ['read_only', 'super_read_only', 'innodb_read_only'];
/** MySQL 8 with `password_require_current`: a user changing its own password must name the old one. */
const ER_MISSING_CURRENT_PASSWORD = 3892;
/** The account does not exist: SET PASSWORD (MariaDB), ALTER USER (MySQL), SHOW GRANTS. */
const NO_SUCH_ACCOUNT = new Set([
  1133 /* ER_PASSWORD_NO_MATCH */, 1396 /* ER_CANNOT_USER */, 1141 /* ER_NONEXISTING_GRANT */,
]);

function isNoSuchAccount(error: unknown): boolean {
  return error instanceof DatabaseConnectionError && NO_SUCH_ACCOUNT.has(Number(error.context.errno));
}

/**
 * Refuses a replica or a read-only server with a named error, before any change, even for a
 * superuser whom the server itself would let through.
 */
async function assertWritable(session: Session): Promise<void> {
  const names = READ_ONLY_VARIABLES.map((name) => quoteString(name)).join(', ');
  const variables = await rows(
    session,
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${names})`,
    'reading the read-only settings',
  );
  for (const row of variables) {
    const name = String(row.Variable_name ?? row.VARIABLE_NAME);
    const value = String(row.Value ?? row.VALUE ?? '').toUpperCase();
    if (value !== 'OFF' && value !== '0' && value !== '') {
      throw new ReadOnlyDatabaseError(`@@${name} is ${value}; connect to the primary`, { variable: name });
    }
  }
}

/**
 * Sets an account's password with the statement each server takes from both a superuser and the
 * account itself: on MariaDB a user without CREATE USER may run SET PASSWORD for itself but not
 * ALTER USER; MySQL 8 has no PASSWORD() function and takes ALTER USER. The account is always named
 * explicitly (`ALTER USER CURRENT_USER()` can answer OK without a change on MariaDB).
 */
async function setAccountPassword(
  session: Session,
  account: Account,
  password: string,
  currentPassword: string,
): Promise<void> {
  const name = accountName(account.user, account.host);
  const what = `changing the password of ${name}`;
  try {
    if (session.flavor === 'mariadb') {
      await run(session, `SET PASSWORD FOR ${name} = PASSWORD(${quoteString(password)})`, what, [password]);
      return;
    }
    const alter = `ALTER USER ${name} IDENTIFIED BY ${quoteString(password)}`;
    try {
      await run(session, alter, what, [password]);
    } catch (error) {
      const self = session.account.user === account.user && session.account.host === account.host;
      const needsCurrent =
        error instanceof DatabaseConnectionError && error.context.errno === ER_MISSING_CURRENT_PASSWORD;
      if (!self || !needsCurrent) throw error;
      await run(session, `${alter} REPLACE ${quoteString(currentPassword)}`, what, [
        password,
        currentPassword,
      ]);
    }
  } catch (error) {
    if (isNoSuchAccount(error)) throw new RoleNotFoundError(`${account.user}@${account.host}`);
    throw error;
  }
}

/** MySQL 8 keeps default roles out of SHOW GRANTS: copy them from mysql.default_roles. */
async function copyMySqlDefaultRoles(session: Session, from: Account, to: Account): Promise<void> {
  const roles = await rows(
    session,
    'SELECT DEFAULT_ROLE_USER AS user, DEFAULT_ROLE_HOST AS host FROM mysql.default_roles ' +
      `WHERE USER = ${quoteString(from.user)} AND HOST = ${quoteString(from.host)}`,
    `reading the default roles of ${accountName(from.user, from.host)}`,
  );
  if (roles.length === 0) return;
  const list = roles.map((role) => accountName(String(role.user), String(role.host))).join(', ');
  await run(session, `SET DEFAULT ROLE ${list} TO ${accountName(to.user, to.host)}`, 'setting default roles');
}

/** Reads and rewrites every grant of `from` before anything changes, so a refusal changes nothing. */
async function grantsToReplay(session: Session, from: Account, to: Account): Promise<string[]> {
  let grants: Record<string, unknown>[];
  try {
    grants = await rows(session, `SHOW GRANTS FOR ${accountName(from.user, from.host)}`, 'SHOW GRANTS');
  } catch (error) {
    if (isNoSuchAccount(error)) throw new RoleNotFoundError(`${from.user}@${from.host}`);
    throw error;
  }
  return grants.map((row) => {
    try {
      return rewriteGrant(String(Object.values(row)[0] ?? ''), from, to);
    } catch (error) {
      if (!(error instanceof UnreplayableGrantError)) throw error;
      throw new PrivilegeCopyError(from.user, to.user, `cannot replay a SHOW GRANTS line: ${error.message}`);
    }
  });
}

/**
 * Makes `to` exist with at least `from`'s privileges and the given password. Idempotent: an
 * existing account is kept (privileges are only added), and its password set again.
 */
async function cloneAccount(
  session: Session,
  from: Account,
  to: Account,
  password: string,
  adminPassword: string,
) {
  const statements = await grantsToReplay(session, from, to);
  const clone = accountName(to.user, to.host);
  // Created with its password at once: never an account without one, not even for a moment.
  await run(
    session,
    `CREATE USER IF NOT EXISTS ${clone} IDENTIFIED BY ${quoteString(password)}`,
    `creating ${clone}`,
    [password],
  );
  for (const statement of statements) await run(session, statement, `copying privileges to ${clone}`);
  if (session.flavor === 'mysql') await copyMySqlDefaultRoles(session, from, to);
  await setAccountPassword(session, to, password, adminPassword);
}

export { ER_MISSING_CURRENT_PASSWORD, assertWritable, cloneAccount, isNoSuchAccount, setAccountPassword };
