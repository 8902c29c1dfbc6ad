/**
 * The two real servers globalSetup starts, behind one small interface so a test can loop over
 * them: application users, a "space" (a PostgreSQL schema, a MySQL database) holding a table the
 * user may read (`readable`) and one it may not (`forbidden`), and checks made with the drivers
 * directly (never through the adapter under test). Everything created is dropped by `cleanup()`.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { Client } from 'pg';
import * as mariadb from '../../support/mariadb.js';
import * as postgres from '../../support/postgres.js';
import type { TemplateName } from './rotation-rig.js';

/** What a user tried, and whether the server allowed it. A fault other than "denied" throws. */
type Outcome = 'allowed' | 'denied';

interface TestDatabase {
  readonly name: 'postgres' | 'mysql';
  readonly templates: { single: TemplateName; multi: TemplateName };
  /** `describe`, skipped (or failing under CI) when the server is missing. */
  describe(name: string, body: () => void): void;
  superuserSecret(): Record<string, unknown>;
  /** An application secret for `username` (TLS mode `disable`: the test servers have no TLS). */
  userSecret(username: string, password: string): Record<string, unknown>;
  /** A user name no other test uses, short enough for `<name>_clone`. */
  uniqueUser(): string;
  /** A new schema (PostgreSQL) or database (MySQL) with the tables `readable` and `forbidden`. */
  createSpace(): Promise<string>;
  /** A login user that may read `<space>.readable`, and nothing else there. */
  createAppUser(username: string, password: string, space: string): Promise<void>;
  /** Marks users for `cleanup()` that a test did not create itself (a clone). */
  track(...usernames: string[]): void;
  loginWorks(username: string, password: string): Promise<boolean>;
  read(username: string, password: string, space: string, table: string): Promise<Outcome>;
  insert(username: string, password: string, space: string, table: string): Promise<Outcome>;
  cleanup(): Promise<void>;
}

function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Runs `work` as a PostgreSQL user over a plain pg connection. */
async function asPostgresUser<T>(
  username: string,
  password: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const { host, port, database } = postgres.postgresAddress();
  const client = new Client({ host, port, database, user: username, password, ssl: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `allowed`, or `denied` on SQLSTATE 42501 (insufficient_privilege). */
async function postgresOutcome(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    await work();
    return 'allowed';
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return 'denied';
    throw error;
  }
}

/** `"schema"."table"` */
const pgTable = (space: string, table: string): string => `"${space}"."${table}"`;

function postgresDatabase(): TestDatabase {
  const roles: string[] = [];
  const schemas: string[] = [];
  return {
    name: 'postgres',
    templates: { single: 'postgres-single-user', multi: 'postgres-multi-user' },
    describe: (name, body) => describe(name, body),
    superuserSecret: () => ({ ...postgres.superuserSecret() }),
    userSecret: (username, password) => ({ ...postgres.superuserSecret({ username, password }) }),
    uniqueUser: () => postgres.uniqueRole('rke'),
    async createSpace() {
      const schema = postgres.uniqueRole('rke_s');
      schemas.push(schema);
      await postgres.withSuperuser(async (client) => {
        await client.query(`CREATE SCHEMA "${schema}"`);
        await client.query(`CREATE TABLE ${pgTable(schema, 'readable')} AS SELECT 1 AS n`);
        await client.query(`CREATE TABLE ${pgTable(schema, 'forbidden')} AS SELECT 2 AS n`);
      });
      return schema;
    },
    async createAppUser(username, password, space) {
      roles.push(username);
      await postgres.createRole(username, password);
      await postgres.withSuperuser(async (client) => {
        await client.query(`GRANT USAGE ON SCHEMA "${space}" TO "${username}"`);
        await client.query(`GRANT SELECT ON ${pgTable(space, 'readable')} TO "${username}"`);
      });
    },
    track: (...usernames) => void roles.push(...usernames),
    loginWorks: (username, password) => postgres.loginWorks(postgres.superuserSecret({ username, password })),
    read: (username, password, space, table) =>
      asPostgresUser(username, password, (client) =>
        postgresOutcome(() => client.query(`SELECT n FROM ${pgTable(space, table)}`)),
      ),
    insert: (username, password, space, table) =>
      asPostgresUser(username, password, (client) =>
        postgresOutcome(() => client.query(`INSERT INTO ${pgTable(space, table)} (n) VALUES (9)`)),
      ),
    async cleanup() {
      await postgres.withSuperuser(async (client) => {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      });
      // Clones first: they are members of their originals.
      await postgres.dropRoles([...roles].reverse());
    },
  };
}

/** Runs `work` as a MySQL user. */
async function asMySqlUser<T>(
  username: string,
  password: string,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const { host, port } = mariadb.mariaDb();
  const connection = await createConnection({ host, port, user: username, password });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** ER_TABLEACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_COLUMNACCESS_DENIED_ERROR. */
const MYSQL_DENIED = new Set([1142, 1044, 1143]);

async function mysqlOutcome(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    await work();
    return 'allowed';
  } catch (error) {
    if (MYSQL_DENIED.has(Number((error as { errno?: unknown }).errno))) return 'denied';
    throw error;
  }
}

/** `` `db`.`table` `` */
const myTable = (space: string, table: string): string => `\`${space}\`.\`${table}\``;

function mysqlDatabase(): TestDatabase {
  const users: string[] = [];
  const databases: string[] = [];
  return {
    name: 'mysql',
    templates: { single: 'mysql-single-user', multi: 'mysql-multi-user' },
    describe: (name, body) => mariadb.describeWithMariaDb(name, body),
    superuserSecret: () => ({ ...mariadb.secretFor(mariadb.mariaDb()) }),
    userSecret: (username, password) => ({
      ...mariadb.secretFor(mariadb.mariaDb(), {}, { username, password }),
    }),
    uniqueUser: () => mariadb.uniqueName('rke'),
    async createSpace() {
      const database = mariadb.uniqueName('rke_d');
      databases.push(database);
      await mariadb.asAdmin(mariadb.mariaDb(), async (admin) => {
        await admin.query(`CREATE DATABASE \`${database}\``);
        await admin.query(`CREATE TABLE ${myTable(database, 'readable')} (n INT)`);
        await admin.query(`CREATE TABLE ${myTable(database, 'forbidden')} (n INT)`);
        await admin.query(`INSERT INTO ${myTable(database, 'readable')} VALUES (1)`);
        await admin.query(`INSERT INTO ${myTable(database, 'forbidden')} VALUES (2)`);
      });
      return database;
    },
    async createAppUser(username, password, space) {
      users.push(username);
      await mariadb.createUser(mariadb.mariaDb(), username, password, {
        grants: [`GRANT SELECT ON ${myTable(space, 'readable')} TO ?@?`],
      });
    },
    track: (...usernames) => void users.push(...usernames),
    loginWorks: (username, password) => mariadb.loginWorks(mariadb.mariaDb(), username, password),
    read: (username, password, space, table) =>
      asMySqlUser(username, password, (connection) =>
        mysqlOutcome(() => connection.query(`SELECT n FROM ${myTable(space, table)}`)),
      ),
    insert: (username, password, space, table) =>
      asMySqlUser(username, password, (connection) =>
        mysqlOutcome(() => connection.query(`INSERT INTO ${myTable(space, table)} (n) VALUES (9)`)),
      ),
    async cleanup() {
      if (users.length === 0 && databases.length === 0) return;
      for (const user of users) await mariadb.dropUser(mariadb.mariaDb(), user);
      await mariadb.asAdmin(mariadb.mariaDb(), async (admin) => {
        for (const database of databases) await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      });
    },
  };
}

export {
  asMySqlUser,
  asPostgresUser,
  myTable,
  mysqlDatabase,
  mysqlOutcome,
  pgTable,
  postgresDatabase,
  postgresOutcome,
  randomPassword,
};
export type { Outcome, TestDatabase };
