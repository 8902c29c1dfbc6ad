/**
 * The SQL this adapter runs. Values travel as bind parameters; user, group, role, schema, table and
 * database names go inline through `quoteIdentifier`, the password hash through `verifierLiteral`
 * (it accepts only a well-formed `md5` hash). Statements are written for Redshift and run unchanged
 * on PostgreSQL where both accept them; the few that only Redshift has (roles from
 * `svv_user_grants`, `svv_user_info` settings) run only when `version()` says Redshift.
 */
import { PrivilegeCopyError, RoleNotFoundError } from '../../shared/errors.js';
import type { QueryClient } from '../postgres/connect.js';
import { describe } from '../postgres/connect.js';
import { quoteIdentifier, verifierLiteral } from '../postgres/roles.js';

/** Which server answers: Redshift, or PostgreSQL standing in for it (the tests here). */
type Dialect = 'redshift' | 'postgres';

async function detectDialect(client: QueryClient): Promise<Dialect> {
  const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
  return /Redshift/i.test(String(rows[0]?.version ?? '')) ? 'redshift' : 'postgres';
}

function alterPasswordStatement(username: string, hash: string): string {
  return `ALTER USER ${quoteIdentifier(username)} PASSWORD ${verifierLiteral(hash)}`;
}

/** Schemas of the system, never synced. */
const SYSTEM_SCHEMAS = `substring(n.nspname, 1, 3) <> 'pg_' AND n.nspname NOT IN ('information_schema', 'catalog_history')`;
const RELATION_KINDS = `c.relkind IN ('r', 'v', 'm', 'p', 'f')`;
const QUALIFIED = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
/** `SELECT 'A' AS privilege UNION ALL SELECT 'B' ...`: Redshift has no VALUES list in FROM. */
const privileges = (...names: string[]): string =>
  names.map((name) => `SELECT '${name}' AS privilege`).join(' UNION ALL ');

/**
 * What `$1` (the original) may do that `$2` (the clone) may not, found by asking the server
 * (`has_*_privilege`), so privileges held through ownership, groups and PUBLIC count too: the
 * approach of AWS's own Redshift function, run here at every rotation instead of only at creation.
 */
const MISSING_DATABASE_PRIVILEGES = `
  SELECT d.datname AS object, p.privilege
    FROM pg_database d CROSS JOIN (${privileges('CREATE', 'TEMP')}) p
   WHERE NOT d.datistemplate
     AND has_database_privilege($1, d.datname, p.privilege)
     AND NOT has_database_privilege($2, d.datname, p.privilege)
   ORDER BY 1, 2`;

const MISSING_SCHEMA_PRIVILEGES = `
  SELECT n.nspname AS object, p.privilege
    FROM pg_namespace n CROSS JOIN (${privileges('USAGE', 'CREATE')}) p
   WHERE ${SYSTEM_SCHEMAS}
     AND has_schema_privilege($1, n.nspname, p.privilege)
     AND NOT has_schema_privilege($2, n.nspname, p.privilege)
   ORDER BY 1, 2`;

const MISSING_TABLE_PRIVILEGES = `
  SELECT n.nspname AS schema, c.relname AS object, p.privilege
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN (${privileges('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REFERENCES')}) p
   WHERE ${RELATION_KINDS} AND ${SYSTEM_SCHEMAS}
     AND has_table_privilege($1, ${QUALIFIED}, p.privilege)
     AND NOT has_table_privilege($2, ${QUALIFIED}, p.privilege)
   ORDER BY 1, 2, 3`;

/** Groups (pg_group, in Redshift and PostgreSQL) the original is in and the clone is not. */
const MISSING_GROUPS = `
  SELECT g.groname AS name
    FROM pg_group g
   WHERE COALESCE((SELECT usesysid FROM pg_user WHERE usename = $1) = ANY (g.grolist), false)
     AND NOT COALESCE((SELECT usesysid FROM pg_user WHERE usename = $2) = ANY (g.grolist), false)
   ORDER BY 1`;

/** Redshift only: roles (role-based access control) granted to the original and not to the clone. */
const MISSING_ROLES = `
  SELECT role_name AS name, admin_option
    FROM svv_user_grants
   WHERE user_name = $1
     AND role_name NOT IN (SELECT role_name FROM svv_user_grants WHERE user_name = $2)
   ORDER BY 1`;

/** Redshift only: the settings of CREATE/ALTER USER that live in svv_user_info. */
const REDSHIFT_USER_SETTINGS = `
  SELECT connection_limit, syslog_access, session_timeout
    FROM svv_user_info WHERE user_name = $1`;

const OWNED_OBJECTS = `
  SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner = $1 AND ${RELATION_KINDS} AND ${SYSTEM_SCHEMAS}) AS relations,
         (SELECT count(*) FROM pg_namespace n WHERE n.nspowner = $1 AND ${SYSTEM_SCHEMAS}) AS schemas`;

/** pg_default_acl names its user `defacluser` on Redshift, `defaclrole` on PostgreSQL. */
const defaultPrivileges = (dialect: Dialect): string =>
  `SELECT count(*) AS n FROM pg_default_acl WHERE ${dialect === 'redshift' ? 'defacluser' : 'defaclrole'} = $1`;

interface UserRow {
  id: number;
  createdb: boolean;
  superuser: boolean;
  connlimit: string;
}

async function userRow(client: QueryClient, dialect: Dialect, name: string): Promise<UserRow | undefined> {
  // Connection limits: svv_user_info's text (a number or UNLIMITED) on Redshift, pg_roles' -1 otherwise.
  const limit =
    dialect === 'redshift'
      ? '(SELECT connection_limit FROM svv_user_info WHERE user_name = u.usename)'
      : '(SELECT rolconnlimit::text FROM pg_roles WHERE rolname = u.usename)';
  const { rows } = await client.query<{
    id: number;
    createdb: boolean;
    superuser: boolean;
    connlimit: string;
  }>(
    `SELECT u.usesysid AS id, u.usecreatedb AS createdb, u.usesuper AS superuser, ${limit} AS connlimit
       FROM pg_user u WHERE u.usename = $1`,
    [name],
  );
  const row = rows[0];
  return row && { ...row, id: Number(row.id), connlimit: String(row.connlimit ?? '') };
}

/** `CONNECTION LIMIT` as both servers write it: UNLIMITED for Redshift's "UNLIMITED" and PostgreSQL's -1. */
function connectionLimit(value: string): string {
  return /^[0-9]+$/.test(value.trim()) ? value.trim() : 'UNLIMITED';
}

interface CloneRequest {
  like: string;
  username: string;
  hash: string;
}

/** What a sync did: the statements it ran on the clone, and what it could not copy, and why. */
interface PrivilegeCopyReport {
  from: string;
  to: string;
  /** Each statement run to copy a privilege, group, role or setting (never the password). */
  copied: string[];
  /** What the clone does not get, each with the reason; logged as a warning. */
  notCopied: string[];
}

/** The statements that give `to` what `from` has and `to` lacks; plus what cannot be copied. */
async function planSync(
  client: QueryClient,
  dialect: Dialect,
  from: UserRow & { name: string },
  to: UserRow & { name: string },
): Promise<{ statements: string[]; notCopied: string[] }> {
  const user = quoteIdentifier(to.name);
  const names = [from.name, to.name];
  const statements: string[] = [];
  const notCopied: string[] = [];

  if (from.superuser && !to.superuser) {
    notCopied.push(`superuser status (CREATEUSER): never given by rotation; grant it by hand if meant`);
  }
  if (from.createdb && !to.createdb) statements.push(`ALTER USER ${user} CREATEDB`);
  const limit = connectionLimit(from.connlimit);
  if (limit !== connectionLimit(to.connlimit))
    statements.push(`ALTER USER ${user} CONNECTION LIMIT ${limit}`);

  if (dialect === 'redshift') {
    const [fromSettings, toSettings] = await Promise.all(
      names.map(async (name) => (await client.query(REDSHIFT_USER_SETTINGS, [name])).rows[0] ?? {}),
    );
    const syslog = String(fromSettings!.syslog_access ?? '').toUpperCase();
    if (syslog === 'UNRESTRICTED' && String(toSettings!.syslog_access ?? '').toUpperCase() !== syslog) {
      statements.push(`ALTER USER ${user} SYSLOG ACCESS UNRESTRICTED`);
    }
    const timeout = Number(fromSettings!.session_timeout ?? 0);
    if (Number.isInteger(timeout) && timeout > 0 && timeout !== Number(toSettings!.session_timeout ?? 0)) {
      statements.push(`ALTER USER ${user} SESSION TIMEOUT ${timeout}`);
    }
    const roles = await client.query<{ name: string; admin_option: boolean }>(MISSING_ROLES, names);
    for (const role of roles.rows) {
      statements.push(
        `GRANT ROLE ${quoteIdentifier(role.name)} TO ${user}${role.admin_option ? ' WITH ADMIN OPTION' : ''}`,
      );
    }
  }

  const groups = await client.query<{ name: string }>(MISSING_GROUPS, names);
  for (const group of groups.rows)
    statements.push(`ALTER GROUP ${quoteIdentifier(group.name)} ADD USER ${user}`);

  return { statements, notCopied };
}

/** Object privileges the clone still lacks once its groups and roles are in place. */
async function planObjectGrants(client: QueryClient, from: string, to: string): Promise<string[]> {
  const user = quoteIdentifier(to);
  const grouped = new Map<string, string[]>();
  const add = (target: string, privilege: string) => {
    const list = grouped.get(target) ?? [];
    list.push(privilege);
    grouped.set(target, list);
  };
  const names = [from, to];
  const databases = await client.query<{ object: string; privilege: string }>(
    MISSING_DATABASE_PRIVILEGES,
    names,
  );
  for (const row of databases.rows) add(`DATABASE ${quoteIdentifier(row.object)}`, row.privilege);
  const schemas = await client.query<{ object: string; privilege: string }>(MISSING_SCHEMA_PRIVILEGES, names);
  for (const row of schemas.rows) add(`SCHEMA ${quoteIdentifier(row.object)}`, row.privilege);
  const tables = await client.query<{ schema: string; object: string; privilege: string }>(
    MISSING_TABLE_PRIVILEGES,
    names,
  );
  for (const row of tables.rows) {
    add(`TABLE ${quoteIdentifier(row.schema)}.${quoteIdentifier(row.object)}`, row.privilege);
  }
  return [...grouped].map(([target, list]) => `GRANT ${list.join(', ')} ON ${target} TO ${user}`);
}

/** What stays with the original by nature: ownership and default privileges. */
async function uncopyable(
  client: QueryClient,
  dialect: Dialect,
  from: UserRow & { name: string },
): Promise<string[]> {
  const notCopied: string[] = [];
  const owned = (await client.query<{ relations: unknown; schemas: unknown }>(OWNED_OBJECTS, [from.id]))
    .rows[0];
  const relations = Number(owned?.relations ?? 0);
  const schemas = Number(owned?.schemas ?? 0);
  if (relations + schemas > 0) {
    notCopied.push(
      `ownership of ${relations} table(s) or view(s) and ${schemas} schema(s) of "${from.name}": their privileges were granted, ` +
        'but ALTER, DROP and GRANT stay with the owner',
    );
  }
  const defaults = (await client.query<{ n: unknown }>(defaultPrivileges(dialect), [from.id])).rows[0];
  if (Number(defaults?.n ?? 0) > 0) {
    notCopied.push(
      `default privileges (ALTER DEFAULT PRIVILEGES FOR USER "${from.name}"): objects the clone creates do not get them`,
    );
  }
  return notCopied;
}

/**
 * Makes `username` a user with every privilege of `like` it does not have yet, and sets its
 * password, in the caller's transaction: creates it when missing (CREATE USER with the hash), else
 * sets the hash (ALTER USER); then copies settings (CREATEDB, CONNECTION LIMIT; on Redshift SYSLOG
 * ACCESS, SESSION TIMEOUT), Redshift roles, groups, and database, schema and table privileges. Only
 * ever adds: nothing the clone holds is revoked. Any statement the server refuses is a
 * PrivilegeCopyError, and the caller rolls everything back.
 */
async function syncClone(
  client: QueryClient,
  dialect: Dialect,
  request: CloneRequest,
): Promise<PrivilegeCopyReport> {
  const { like, username, hash } = request;
  const original = await userRow(client, dialect, like);
  if (!original) throw new RoleNotFoundError(like);
  const exists = (await userRow(client, dialect, username)) !== undefined;
  await client.query(
    exists
      ? alterPasswordStatement(username, hash)
      : `CREATE USER ${quoteIdentifier(username)} PASSWORD ${verifierLiteral(hash)}`,
  );
  const clone = (await userRow(client, dialect, username))!;
  const from = { ...original, name: like };
  const to = { ...clone, name: username };
  const copied: string[] = [];
  const run = async (statements: string[]) => {
    for (const statement of statements) {
      try {
        await client.query(statement);
      } catch (error) {
        throw new PrivilegeCopyError(like, username, `${statement}: ${describe(error, [hash])}`, {
          cause: error,
        });
      }
      copied.push(statement);
    }
  };
  const plan = await planSync(client, dialect, from, to);
  await run(plan.statements);
  // After groups and roles: what they give, the clone then holds through them, not as a direct grant.
  await run(await planObjectGrants(client, like, username));
  return {
    from: like,
    to: username,
    copied,
    notCopied: [...plan.notCopied, ...(await uncopyable(client, dialect, from))],
  };
}

export {
  MISSING_DATABASE_PRIVILEGES,
  MISSING_GROUPS,
  MISSING_ROLES,
  MISSING_SCHEMA_PRIVILEGES,
  MISSING_TABLE_PRIVILEGES,
  REDSHIFT_USER_SETTINGS,
  alterPasswordStatement,
  detectDialect,
  planSync,
  syncClone,
};
export type { CloneRequest, Dialect, PrivilegeCopyReport };
