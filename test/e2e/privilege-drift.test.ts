// Issue 6 item 10: does the clone keep the original's privileges over time? Real rotations through
// the multi-user templates (local Secrets Manager over HTTP, real PostgreSQL and MariaDB), then
// what each user can do, checked with the drivers directly.
//
// What these tests establish:
// - PostgreSQL: the clone is a member of the original (GRANT original TO clone) and its sessions act
//   as the original (ALTER ROLE clone SET role = original). Nothing is copied, so privileges do not
//   drift: tables either user creates belong to the original, and a grant or revoke on the original
//   applies to the clone at once. Rotating back to the original only sets its password. Per-role
//   settings (ALTER ROLE original SET search_path ...) are the exception: they do not reach the clone.
// - MySQL/MariaDB: there is no role inheritance between accounts; each rotation replays the grants
//   of the user AWSCURRENT names onto the other one, adding and never revoking. Database-level grants
//   cover tables created later by anyone (MySQL has no owners). A grant added to one user reaches the
//   other at the next rotation that sets the other's password (until then they differ); a grant
//   revoked from one user only is given back by the next rotation that copies from the other one.
//   To change privileges without drift, grant them to a role both users hold (or change both users).
// - A clone created beforehand by the DBA, with privileges of its own, is supported by both.
import type { Connection } from 'mysql2/promise';
import type { Client } from 'pg';
import * as mariadb from '../support/mariadb.js';
import * as postgres from '../support/postgres.js';
import {
  asMySqlUser,
  asPostgresUser,
  myTable,
  mysqlDatabase,
  pgTable,
  postgresDatabase,
  postgresOutcome,
  randomPassword,
} from './support/databases.js';
import type { Outcome, TestDatabase } from './support/databases.js';
import { RotationRig } from './support/rotation-rig.js';

let rig: RotationRig;

beforeAll(async () => {
  rig = await RotationRig.start();
});

afterAll(async () => {
  await rig?.stop();
});

/** An application user with a multi-user secret, rotated through the real template on demand. */
interface Pair {
  user: string;
  clone: string;
  space: string;
  /** Each user's latest password: the initial one, then what rotations set. */
  password(username: string): string;
  /** One rotation; resolves to the username AWSCURRENT names afterwards. */
  rotate(): Promise<string>;
}

async function createPair(db: TestDatabase): Promise<Pair> {
  const space = await db.createSpace();
  const user = db.uniqueUser();
  const clone = `${user}_clone`;
  db.track(clone);
  const passwords = new Map([[user, randomPassword()]]);
  await db.createAppUser(user, passwords.get(user) as string, space);
  const masterArn = await rig.createSecret(`drift/${user}/master`, db.superuserSecret());
  const arn = await rig.createSecret(`drift/${user}`, {
    ...db.userSecret(user, passwords.get(user) as string),
    masterarn: masterArn,
  });
  const rotationFunction = await rig.registerTemplate(db.templates.multi);
  return {
    user,
    clone,
    space,
    password(username) {
      const password = passwords.get(username);
      if (password === undefined) throw new Error(`no password known for ${username}`);
      return password;
    },
    async rotate() {
      await rig.rotateOrThrow(arn, rotationFunction);
      const current = await rig.read(arn);
      passwords.set(current.username, current.password);
      return current.username;
    },
  };
}

describe('PostgreSQL (postgres-multi-user): the clone is a member of the original and acts as it', () => {
  const db = postgresDatabase();
  afterAll(() => db.cleanup());

  const as = <T>(pair: Pair, username: string, work: (client: Client) => Promise<T>) =>
    asPostgresUser(username, pair.password(username), work);
  const read = (pair: Pair, username: string, table: string): Promise<Outcome> =>
    db.read(username, pair.password(username), pair.space, table);
  const superuser = (sql: string) => postgres.withSuperuser((client) => client.query(sql));

  it('tables either user creates after the clone exists belong to the original and stay usable by both', async () => {
    const pair = await createPair(db);
    await superuser(`GRANT CREATE ON SCHEMA "${pair.space}" TO "${pair.user}"`);
    expect(await pair.rotate()).toBe(pair.clone);

    await as(pair, pair.clone, async (client) => {
      await client.query(`CREATE TABLE ${pgTable(pair.space, 'by_clone')} AS SELECT 1 AS n`);
      const { rows } = await client.query('SELECT current_user AS cur, session_user AS ses');
      expect(rows[0]).toEqual({ cur: pair.user, ses: pair.clone });
    });
    await as(pair, pair.user, async (client) => {
      await client.query(`INSERT INTO ${pgTable(pair.space, 'by_clone')} (n) VALUES (2)`);
      await client.query(`CREATE TABLE ${pgTable(pair.space, 'by_original')} AS SELECT 3 AS n`);
    });
    await as(pair, pair.clone, (client) =>
      client.query(`INSERT INTO ${pgTable(pair.space, 'by_original')} (n) VALUES (4)`),
    );
    const owners = await postgres.withSuperuser(async (client) => {
      const { rows } = await client.query(
        'SELECT tablename, tableowner FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
        [pair.space],
      );
      return Object.fromEntries(rows.map((row) => [row.tablename, row.tableowner]));
    });
    expect(owners).toMatchObject({ by_clone: pair.user, by_original: pair.user });

    // Back to the original: still the same for both.
    expect(await pair.rotate()).toBe(pair.user);
    for (const username of [pair.user, pair.clone]) {
      for (const table of ['by_clone', 'by_original', 'readable']) {
        expect([username, table, await read(pair, username, table)]).toEqual([username, table, 'allowed']);
      }
      expect([username, await read(pair, username, 'forbidden')]).toEqual([username, 'denied']);
    }
  });

  it('a grant or revoke on the original applies to the clone at once, with no rotation in between', async () => {
    const pair = await createPair(db);
    expect(await pair.rotate()).toBe(pair.clone);
    await superuser(`CREATE TABLE ${pgTable(pair.space, 'late')} AS SELECT 5 AS n`);
    expect(await read(pair, pair.clone, 'late')).toBe('denied');

    await superuser(`GRANT SELECT ON ${pgTable(pair.space, 'late')} TO "${pair.user}"`);
    expect(await read(pair, pair.clone, 'late')).toBe('allowed');

    await superuser(`REVOKE SELECT ON ${pgTable(pair.space, 'late')} FROM "${pair.user}"`);
    expect(await read(pair, pair.clone, 'late')).toBe('denied');
  });

  it('per-role settings of the original (ALTER ROLE ... SET) do not reach the clone’s sessions', async () => {
    const pair = await createPair(db);
    expect(await pair.rotate()).toBe(pair.clone);
    await superuser(`ALTER ROLE "${pair.user}" SET search_path = "${pair.space}"`);
    const searchPath = (username: string) =>
      as(pair, username, async (client) => (await client.query('SHOW search_path')).rows[0].search_path);

    expect(await searchPath(pair.user)).toBe(pair.space);
    // Settings apply by the login role (session_user); SET role = original does not bring them.
    expect(await searchPath(pair.clone)).toBe('"$user", public');
  });

  it('rotating back and forth keeps one one-way membership (no cycle) and sets only passwords', async () => {
    const pair = await createPair(db);
    for (const expected of [pair.clone, pair.user, pair.clone, pair.user]) {
      expect(await pair.rotate()).toBe(expected);
    }
    const roles = await postgres.withSuperuser(async (client) => {
      const { rows } = await client.query(
        `SELECT r.rolname::text AS role,
                ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                       WHERE m.member = r.oid ORDER BY 1) AS member_of,
                s.setconfig AS settings
           FROM pg_roles r LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
          WHERE r.rolname = ANY($1) ORDER BY r.rolname`,
        [[pair.user, pair.clone]],
      );
      return rows;
    });
    expect(roles).toEqual([
      { role: pair.user, member_of: [], settings: null },
      { role: pair.clone, member_of: [pair.user], settings: [`role=${pair.user}`] },
    ]);
    expect(await db.loginWorks(pair.user, pair.password(pair.user))).toBe(true);
    expect(await db.loginWorks(pair.clone, pair.password(pair.clone))).toBe(true);
  });

  it('a clone created beforehand with privileges of its own is supported; its sessions then act as the original', async () => {
    const pair = await createPair(db);
    const preset = randomPassword();
    await postgres.createRole(pair.clone, preset);
    await superuser(`CREATE TABLE ${pgTable(pair.space, 'clone_only')} AS SELECT 6 AS n`);
    await superuser(`GRANT USAGE ON SCHEMA "${pair.space}" TO "${pair.clone}"`);
    await superuser(`GRANT SELECT ON ${pgTable(pair.space, 'clone_only')} TO "${pair.clone}"`);
    const before = (table: string) => db.read(pair.clone, preset, pair.space, table);
    expect([await before('clone_only'), await before('readable')]).toEqual(['allowed', 'denied']);

    expect(await pair.rotate()).toBe(pair.clone);
    expect(await db.loginWorks(pair.clone, pair.password(pair.clone))).toBe(true);
    expect(await db.loginWorks(pair.clone, preset)).toBe(false);
    expect(await read(pair, pair.clone, 'readable')).toBe('allowed');
    expect(await read(pair, pair.clone, 'forbidden')).toBe('denied');
    // Its own grant is kept, but its sessions run as the original (cloneActsAsOriginal), so the
    // grant is in effect only after SET ROLE NONE: both users of the pair behave alike.
    expect(await read(pair, pair.clone, 'clone_only')).toBe('denied');
    const asItself = await as(pair, pair.clone, async (client) => {
      await client.query('SET ROLE NONE');
      return postgresOutcome(() => client.query(`SELECT n FROM ${pgTable(pair.space, 'clone_only')}`));
    });
    expect(asItself).toBe('allowed');

    // Back to the original: it gains nothing of the clone's (PostgreSQL copies nothing back).
    expect(await pair.rotate()).toBe(pair.user);
    expect(await read(pair, pair.user, 'clone_only')).toBe('denied');
    expect(await read(pair, pair.user, 'readable')).toBe('allowed');
  });
});

mariadb.describeWithMariaDb(
  'MySQL/MariaDB (mysql-multi-user): grants are copied at each rotation, never revoked',
  () => {
    const db = mysqlDatabase();
    afterAll(() => db.cleanup());

    const read = (pair: Pair, username: string, table: string): Promise<Outcome> =>
      db.read(username, pair.password(username), pair.space, table);
    const admin = <T>(work: (connection: Connection) => Promise<T>) =>
      mariadb.asAdmin(mariadb.mariaDb(), work);

    /** SHOW GRANTS of a user with its own name and password hash taken out, sorted. */
    async function grantsOf(username: string): Promise<string[]> {
      return admin(async (connection) => {
        const [rows] = await connection.query('SHOW GRANTS FOR ?@?', [username, '%']);
        return (rows as Record<string, string>[])
          .map((row) => String(Object.values(row)[0]))
          .map((line) =>
            line
              .split(`\`${username}\`@\`%\``)
              .join('<grantee>')
              .replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ''),
          )
          .sort();
      });
    }

    it('a database-level grant covers tables either user creates later (MySQL has no owners)', async () => {
      const pair = await createPair(db);
      await admin((connection) =>
        connection.query(`GRANT SELECT, INSERT, CREATE ON \`${pair.space}\`.* TO ?@?`, [pair.user, '%']),
      );
      expect(await pair.rotate()).toBe(pair.clone);

      await asMySqlUser(pair.clone, pair.password(pair.clone), async (connection) => {
        await connection.query(`CREATE TABLE ${myTable(pair.space, 'by_clone')} (n INT)`);
        await connection.query(`INSERT INTO ${myTable(pair.space, 'by_clone')} VALUES (1)`);
      });
      await asMySqlUser(pair.user, pair.password(pair.user), async (connection) => {
        await connection.query(`INSERT INTO ${myTable(pair.space, 'by_clone')} VALUES (2)`);
        await connection.query(`CREATE TABLE ${myTable(pair.space, 'by_original')} (n INT)`);
      });
      for (const username of [pair.user, pair.clone]) {
        for (const table of ['by_clone', 'by_original']) {
          expect([username, table, await read(pair, username, table)]).toEqual([username, table, 'allowed']);
        }
      }
    });

    it('privileges held through a role reach both users at once: the way to grant without drift', async () => {
      const pair = await createPair(db);
      const role = mariadb.uniqueName('rke_r');
      await admin(async (connection) => {
        await connection.query(`CREATE ROLE \`${role}\``);
        await connection.query(`GRANT \`${role}\` TO ?@?`, [pair.user, '%']);
        await connection.query(`SET DEFAULT ROLE \`${role}\` FOR ?@?`, [pair.user, '%']);
        await connection.query(`CREATE TABLE ${myTable(pair.space, 'late')} (n INT)`);
      });
      try {
        expect(await pair.rotate()).toBe(pair.clone); // the clone gets the role, as its default role too

        await admin((connection) =>
          connection.query(`GRANT SELECT ON ${myTable(pair.space, 'late')} TO \`${role}\``),
        );
        expect(await read(pair, pair.user, 'late')).toBe('allowed');
        expect(await read(pair, pair.clone, 'late')).toBe('allowed');

        await admin((connection) =>
          connection.query(`REVOKE SELECT ON ${myTable(pair.space, 'late')} FROM \`${role}\``),
        );
        expect(await read(pair, pair.user, 'late')).toBe('denied');
        expect(await read(pair, pair.clone, 'late')).toBe('denied');
      } finally {
        await admin((connection) => connection.query(`DROP ROLE IF EXISTS \`${role}\``));
      }
    });

    it('a grant added to the original later reaches the clone only at the next rotation that sets the clone’s password', async () => {
      const pair = await createPair(db);
      expect(await pair.rotate()).toBe(pair.clone); // clone created from the original's grants
      await admin(async (connection) => {
        await connection.query(`CREATE TABLE ${myTable(pair.space, 'late')} (n INT)`);
        await connection.query(`GRANT SELECT ON ${myTable(pair.space, 'late')} TO ?@?`, [pair.user, '%']);
      });
      // The drift: AWSCURRENT names the clone, so applications lack the new grant...
      expect(await read(pair, pair.user, 'late')).toBe('allowed');
      expect(await read(pair, pair.clone, 'late')).toBe('denied');

      // ...after the next rotation, back to the original, they have it (the clone still lacks it)...
      expect(await pair.rotate()).toBe(pair.user);
      expect(await read(pair, pair.clone, 'late')).toBe('denied');

      // ...and the rotation after that copies the original's grants to the clone again.
      expect(await pair.rotate()).toBe(pair.clone);
      expect(await read(pair, pair.clone, 'late')).toBe('allowed');
      expect(await grantsOf(pair.clone)).toEqual(await grantsOf(pair.user));
    });

    it('a grant revoked from one user only is given back by the next rotation that copies from the other: revoke from both', async () => {
      const pair = await createPair(db);
      expect(await pair.rotate()).toBe(pair.clone);
      await admin((connection) =>
        connection.query(`REVOKE SELECT ON ${myTable(pair.space, 'readable')} FROM ?@?`, [pair.user, '%']),
      );
      expect(await read(pair, pair.user, 'readable')).toBe('denied');
      expect(await read(pair, pair.clone, 'readable')).toBe('allowed');

      // The next rotation sets the original's password and replays the clone's grants onto it.
      expect(await pair.rotate()).toBe(pair.user);
      expect(await read(pair, pair.user, 'readable')).toBe('allowed');

      // Revoked from both, it stays revoked.
      await admin(async (connection) => {
        for (const username of [pair.user, pair.clone]) {
          await connection.query(`REVOKE SELECT ON ${myTable(pair.space, 'readable')} FROM ?@?`, [
            username,
            '%',
          ]);
        }
      });
      expect(await pair.rotate()).toBe(pair.clone);
      expect(await pair.rotate()).toBe(pair.user);
      expect(await read(pair, pair.user, 'readable')).toBe('denied');
      expect(await read(pair, pair.clone, 'readable')).toBe('denied');
    });

    it('a clone created beforehand with grants of its own is supported; the two converge to the union of their grants', async () => {
      const pair = await createPair(db);
      const preset = randomPassword();
      await admin(async (connection) => {
        await connection.query(`CREATE TABLE ${myTable(pair.space, 'clone_only')} (n INT)`);
        await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [pair.clone, '%', preset]);
        await connection.query(`GRANT SELECT ON ${myTable(pair.space, 'clone_only')} TO ?@?`, [
          pair.clone,
          '%',
        ]);
      });
      const before = (table: string) => db.read(pair.clone, preset, pair.space, table);
      expect([await before('clone_only'), await before('readable')]).toEqual(['allowed', 'denied']);

      expect(await pair.rotate()).toBe(pair.clone);
      expect(await db.loginWorks(pair.clone, pair.password(pair.clone))).toBe(true);
      expect(await db.loginWorks(pair.clone, preset)).toBe(false);
      // The original's grants were added; the clone's own were kept.
      expect(await read(pair, pair.clone, 'readable')).toBe('allowed');
      expect(await read(pair, pair.clone, 'clone_only')).toBe('allowed');
      expect(await read(pair, pair.clone, 'forbidden')).toBe('denied');
      expect(await read(pair, pair.user, 'clone_only')).toBe('denied');

      // Back to the original: the clone's grants are replayed onto it, its own included.
      expect(await pair.rotate()).toBe(pair.user);
      expect(await read(pair, pair.user, 'clone_only')).toBe('allowed');
      expect(await grantsOf(pair.user)).toEqual(await grantsOf(pair.clone));
    });
  },
);
