/**
 * Dual passwords on MySQL 8.0.14 and later: `ALTER USER ... RETAIN CURRENT PASSWORD` makes the new
 * password primary and keeps the old primary as the secondary; `DISCARD OLD PASSWORD` drops the
 * secondary. An account holds at most two. MariaDB has no such thing, so every method refuses it.
 * Not verified on a real MySQL 8 here (none can be installed on the test machine): the statements
 * and the version check are tested as statements; the refusal is tested on a real MariaDB.
 */
import {
  ConfigurationError,
  DatabaseConnectionError,
  DualPasswordUnsupportedError,
  RoleNotFoundError,
} from '../../shared/errors.js';
import { ER_MISSING_CURRENT_PASSWORD, isNoSuchAccount, setAccountPassword } from './accounts.js';
import { run } from './connect.js';
import type { ServerFlavor, Session } from './connect.js';
import type { Account } from './grants.js';
import { accountName, quoteString } from './sql.js';

/** The first MySQL release with RETAIN CURRENT PASSWORD and DISCARD OLD PASSWORD. */
const DUAL_PASSWORD_MYSQL_VERSION = [8, 0, 14] as const;

/** Why this server cannot hold two passwords per account, or undefined when it can. */
function dualPasswordRefusal(flavor: ServerFlavor, version: string): string | undefined {
  if (flavor === 'mariadb') return `MariaDB (${version}) has no dual passwords (no RETAIN CURRENT PASSWORD)`;
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return `the server version "${version}" cannot be read as MySQL's`;
  const parts = match.slice(1, 4).map(Number);
  for (const [index, minimum] of DUAL_PASSWORD_MYSQL_VERSION.entries()) {
    const part = parts[index] as number;
    if (part > minimum) return undefined;
    if (part < minimum) return `MySQL ${version} has no dual passwords (8.0.14 or later is needed)`;
  }
  return undefined;
}

/** Throws DualPasswordUnsupportedError unless the session's server holds two passwords per account. */
function assertDualPasswordServer(session: Session, engine: string): void {
  const refusal = dualPasswordRefusal(session.flavor, session.version);
  if (refusal !== undefined) throw new DualPasswordUnsupportedError(engine, refusal);
}

/**
 * `ALTER USER ... IDENTIFIED BY <new> [REPLACE <current>] RETAIN CURRENT PASSWORD`: the new password
 * becomes primary, the current primary the secondary (the former secondary is dropped). REPLACE is
 * for a user changing its own password under `password_require_current`.
 */
function addPasswordStatement(account: Account, password: string, replace?: string): string {
  const replaceClause = replace === undefined ? '' : ` REPLACE ${quoteString(replace)}`;
  return (
    `ALTER USER ${accountName(account.user, account.host)} IDENTIFIED BY ${quoteString(password)}` +
    `${replaceClause} RETAIN CURRENT PASSWORD`
  );
}

/** `ALTER USER ... DISCARD OLD PASSWORD`: only the primary password remains. */
function discardOldPasswordStatement(account: Account): string {
  return `ALTER USER ${accountName(account.user, account.host)} DISCARD OLD PASSWORD`;
}

/**
 * The passwords to keep, as the statements that leave exactly them: `keep[0]` set as primary (the
 * secondary, whatever it is, is untouched by that), then either the secondary dropped or `keep[1]`
 * added keeping `keep[0]`. Setting the primary first matters: after a rotation that was abandoned,
 * the password to keep may be the secondary, which DISCARD OLD PASSWORD alone would drop.
 */
function retireStatements(account: Account, keep: readonly string[]): { sql: string; secrets: string[] }[] {
  if (keep.length < 1 || keep.length > 2) {
    throw new ConfigurationError('keep', 'one or two passwords (a MySQL account holds at most two)');
  }
  const [primary, secondary] = keep as [string, string | undefined];
  const setPrimary = {
    sql: `ALTER USER ${accountName(account.user, account.host)} IDENTIFIED BY ${quoteString(primary)}`,
    secrets: [primary],
  };
  if (secondary === undefined)
    return [setPrimary, { sql: discardOldPasswordStatement(account), secrets: [] }];
  return [setPrimary, { sql: addPasswordStatement(account, secondary), secrets: [primary, secondary] }];
}

/** A missing account becomes RoleNotFoundError, as for setPassword. */
async function onAccount<T>(account: Account, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isNoSuchAccount(error)) throw new RoleNotFoundError(`${account.user}@${account.host}`);
    throw error;
  }
}

/**
 * Runs `retireStatements`; the primary is set the way setPassword sets it (with REPLACE for a user
 * changing itself under `password_require_current`). `currentPassword` is the login's.
 */
async function retirePasswords(
  session: Session,
  account: Account,
  keep: readonly string[],
  currentPassword: string,
): Promise<void> {
  const [, ...rest] = retireStatements(account, keep);
  const what = `retiring the other passwords of ${accountName(account.user, account.host)}`;
  await setAccountPassword(session, account, keep[0] as string, currentPassword);
  await onAccount(account, async () => {
    for (const { sql, secrets } of rest) await run(session, sql, what, secrets);
  });
}

/** Adds `password`, keeping the current primary as the secondary; REPLACE when the server asks. */
async function addPassword(
  session: Session,
  account: Account,
  password: string,
  currentPassword: string,
): Promise<void> {
  const what = `adding a password to ${accountName(account.user, account.host)}`;
  await onAccount(account, async () => {
    try {
      await run(session, addPasswordStatement(account, password), what, [password]);
    } catch (error) {
      const self = session.account.user === account.user && session.account.host === account.host;
      const needsCurrent =
        error instanceof DatabaseConnectionError && error.context.errno === ER_MISSING_CURRENT_PASSWORD;
      if (!self || !needsCurrent) throw error;
      await run(session, addPasswordStatement(account, password, currentPassword), what, [
        password,
        currentPassword,
      ]);
    }
  });
}

export {
  DUAL_PASSWORD_MYSQL_VERSION,
  addPassword,
  addPasswordStatement,
  assertDualPasswordServer,
  discardOldPasswordStatement,
  dualPasswordRefusal,
  retirePasswords,
  retireStatements,
};
