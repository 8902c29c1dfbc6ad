import { Client } from 'pg';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { ConfigurationError, PrivilegeCopyError, RoleNotFoundError } from '../../../src/shared/errors.js';
import {
  createRole,
  dropRoles,
  loginWorks,
  randomPassword,
  storedVerifier,
  superuserSecret,
  uniqueRole,
  userSecret,
  withSuperuser,
} from '../../support/postgres.js';

const adapter = createPostgresAdapter();
const admin = superuserSecret();
const roles: string[] = [];
const schemas: string[] = [];

/** Runs `work` as `secret`, over a plain pg connection. */
async function as<T>(secret: PostgresSecret, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * An application user `<name>`: it can read `<schema>.direct` through a direct grant and
 * `<schema>.via_group` through a group role, and can create tables in `<schema>`.
 */
async function applicationUser(base = 'rk_app'): Promise<{ secret: PostgresSecret; schema: string }> {
  const name = `${base}_${uniqueRole('')}`.replace('__', '_');
  const password = randomPassword();
  const group = uniqueRole('rk_grp');
  const schema = uniqueRole('rk_sch');
  await createRole(name, password);
  roles.push(name, `${name}_clone`, group);
  schemas.push(schema);
  await withSuperuser(async (client) => {
    const role = client.escapeIdentifier(name);
    await client.query(`CREATE ROLE ${group} NOLOGIN`);
    await client.query(`GRANT ${group} TO ${role}`);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`);
    await client.query(`CREATE TABLE ${schema}.direct AS SELECT 1 AS x`);
    await client.query(`CREATE TABLE ${schema}.via_group AS SELECT 2 AS x`);
    await client.query(`GRANT SELECT ON ${schema}.direct TO ${role}`);
    await client.query(`GRANT SELECT ON ${schema}.via_group TO ${group}`);
    await client.query(`CREATE TABLE ${schema}.forbidden AS SELECT 3 AS x`);
  });
  return { secret: userSecret(admin, name, password), schema };
}

afterAll(async () => {
  await withSuperuser(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  await dropRoles(roles);
});

describe('ensureUserLike (alternating users)', () => {
  it('creates a login clone that can do what the original can, and no more', async () => {
    const { secret: original, schema } = await applicationUser();
    const clone = userSecret(admin, `${original.username}_clone`, randomPassword());
    await adapter.ensureUserLike!(admin, original.username, {
      username: clone.username,
      password: clone.password,
    });

    await expect(adapter.canLogin(clone)).resolves.toBe(true);
    await as(clone, async (client) => {
      const direct = await client.query(`SELECT x FROM ${schema}.direct`);
      const viaGroup = await client.query(`SELECT x FROM ${schema}.via_group`);
      expect([direct.rows[0].x, viaGroup.rows[0].x]).toEqual([1, 2]);
      await expect(client.query(`SELECT x FROM ${schema}.forbidden`)).rejects.toMatchObject({
        code: '42501',
      });
    });
    expect(await storedVerifier(clone.username)).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  it('acts as the original, so tables either user creates stay usable by both', async () => {
    const { secret: original, schema } = await applicationUser();
    const clone = userSecret(admin, `${original.username}_clone`, randomPassword());
    await adapter.ensureUserLike!(admin, original.username, {
      username: clone.username,
      password: clone.password,
    });

    const who = await as(clone, async (client) => {
      await client.query(`CREATE TABLE ${schema}.made_by_clone AS SELECT 4 AS x`);
      return (await client.query('SELECT current_user AS cur, session_user AS ses')).rows[0];
    });
    expect(who).toEqual({ cur: original.username, ses: clone.username });
    await as(original, async (client) => {
      expect((await client.query(`SELECT x FROM ${schema}.made_by_clone`)).rows[0].x).toBe(4);
      await client.query(`CREATE TABLE ${schema}.made_by_original AS SELECT 5 AS x`);
    });
    await as(clone, async (client) => {
      expect((await client.query(`SELECT x FROM ${schema}.made_by_original`)).rows[0].x).toBe(5);
    });
  });

  it('without cloneActsAsOriginal, what the clone creates is not usable by the original (the drift)', async () => {
    const { secret: original, schema } = await applicationUser();
    const clone = userSecret(admin, `${original.username}_clone`, randomPassword());
    await createPostgresAdapter({ cloneActsAsOriginal: false }).ensureUserLike!(admin, original.username, {
      username: clone.username,
      password: clone.password,
    });
    await as(clone, (client) => client.query(`CREATE TABLE ${schema}.made_by_clone AS SELECT 4 AS x`));
    await as(original, async (client) => {
      await expect(client.query(`SELECT x FROM ${schema}.made_by_clone`)).rejects.toMatchObject({
        code: '42501',
      });
    });
  });

  it('is idempotent: a second run only changes the password', async () => {
    const { secret: original } = await applicationUser();
    const cloneName = `${original.username}_clone`;
    const first = randomPassword();
    const second = randomPassword();
    await adapter.ensureUserLike!(admin, original.username, { username: cloneName, password: first });
    await adapter.ensureUserLike!(admin, original.username, { username: cloneName, password: first });
    await adapter.ensureUserLike!(admin, original.username, { username: cloneName, password: second });

    await expect(loginWorks(userSecret(admin, cloneName, second))).resolves.toBe(true);
    await expect(loginWorks(userSecret(admin, cloneName, first))).resolves.toBe(false);
    const memberships = await withSuperuser(async (client) => {
      const { rows } = await client.query(
        `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
          WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
        [cloneName],
      );
      return rows.map((row) => row.rolname);
    });
    expect(memberships).toEqual([original.username]);
  });

  it('alternating back sets the original password without a membership cycle', async () => {
    const { secret: original } = await applicationUser();
    const cloneName = `${original.username}_clone`;
    await adapter.ensureUserLike!(admin, original.username, {
      username: cloneName,
      password: randomPassword(),
    });
    const next = randomPassword();
    await adapter.ensureUserLike!(admin, cloneName, { username: original.username, password: next });

    await expect(loginWorks(userSecret(admin, original.username, next))).resolves.toBe(true);
    const settings = await withSuperuser(async (client) => {
      const { rows } = await client.query(
        `SELECT setconfig FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
        [original.username],
      );
      return rows;
    });
    expect(settings).toEqual([]);
  });

  it('gives an existing unrelated role the membership', async () => {
    const { secret: original, schema } = await applicationUser();
    const other = userSecret(admin, uniqueRole('rk_other'), randomPassword());
    await createRole(other.username, 'initial-password');
    roles.push(other.username);
    await adapter.ensureUserLike!(admin, original.username, {
      username: other.username,
      password: other.password,
    });
    await as(other, async (client) => {
      expect((await client.query(`SELECT x FROM ${schema}.direct`)).rows[0].x).toBe(1);
    });
  });

  it('copies the connection limit of the original', async () => {
    const { secret: original } = await applicationUser();
    await withSuperuser((client) =>
      client.query(`ALTER ROLE ${client.escapeIdentifier(original.username)} CONNECTION LIMIT 7`),
    );
    const cloneName = `${original.username}_clone`;
    await adapter.ensureUserLike!(admin, original.username, {
      username: cloneName,
      password: randomPassword(),
    });
    const limit = await withSuperuser(async (client) => {
      const { rows } = await client.query('SELECT rolconnlimit FROM pg_roles WHERE rolname = $1', [
        cloneName,
      ]);
      return rows[0].rolconnlimit;
    });
    expect(limit).toBe(7);
  });

  it.each([
    ['quotes and spaces', 'o"re illy'],
    ['unicode', 'ünï_ユーザー'],
    ['SQL', "x') TO postgres; --"],
  ])('works for names with %s', async (_label, base) => {
    const { secret: original, schema } = await applicationUser(base);
    const clone = userSecret(admin, `${original.username}_clone`, `'; -- ${randomPassword()} "`);
    await adapter.ensureUserLike!(admin, original.username, {
      username: clone.username,
      password: clone.password,
    });
    await as(clone, async (client) => {
      expect((await client.query(`SELECT x FROM ${schema}.direct`)).rows[0].x).toBe(1);
    });
  });

  it('throws RoleNotFoundError when the original does not exist, without the password', async () => {
    const password = `pw-${randomPassword()}`;
    const missing = uniqueRole('rk_missing');
    const error = await adapter.ensureUserLike!(admin, missing, {
      username: `${missing}_clone`,
      password,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(RoleNotFoundError);
    expect(error.message).toContain(missing);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(password);
    expect(await storedVerifier(`${missing}_clone`)).toBeNull();
  });

  describe('with a CREATEROLE admin that is not a superuser (like the RDS master user)', () => {
    async function createroleAdmin(): Promise<PostgresSecret> {
      const secret = userSecret(admin, uniqueRole('rk_master'), randomPassword());
      await createRole(secret.username, secret.password, 'CREATEROLE');
      roles.push(secret.username);
      return secret;
    }

    it('clones a role it administers', async () => {
      const master = await createroleAdmin();
      const original = userSecret(admin, uniqueRole('rk_owned'), randomPassword());
      const clone = userSecret(admin, `${original.username}_clone`, randomPassword());
      roles.push(original.username, clone.username);
      await as(master, (client) =>
        client.query(
          `CREATE ROLE ${original.username} LOGIN PASSWORD ${client.escapeLiteral(original.password)}`,
        ),
      );
      await adapter.ensureUserLike!(master, original.username, {
        username: clone.username,
        password: clone.password,
      });
      const who = await as(
        clone,
        async (client) => (await client.query('SELECT current_user AS cur')).rows[0].cur,
      );
      expect(who).toBe(original.username);
    });

    it('fails with PrivilegeCopyError, leaving no half-made clone, for a role it may not grant', async () => {
      const master = await createroleAdmin();
      const { secret: original } = await applicationUser();
      const cloneName = `${original.username}_clone`;
      const password = `pw-${randomPassword()}`;
      const error = await adapter.ensureUserLike!(master, original.username, {
        username: cloneName,
        password,
      }).catch((e) => e);
      expect(error).toBeInstanceOf(PrivilegeCopyError);
      expect(error.message).toContain(original.username);
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(password);
      expect(await storedVerifier(cloneName)).toBeNull();
      await expect(loginWorks(userSecret(admin, cloneName, password))).resolves.toBe(false);
    });
  });

  it('refuses to make a role like itself', async () => {
    const { secret: original } = await applicationUser();
    await expect(
      adapter.ensureUserLike!(admin, original.username, { username: original.username, password: 'x' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});
