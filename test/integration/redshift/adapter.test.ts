// The Redshift adapter against a real PostgreSQL (no Redshift can run here), every user logging in
// through the md5 password method, as on Redshift. What only Redshift has (roles, SYSLOG ACCESS,
// SESSION TIMEOUT) is tested as statements in test/unit/adapters/redshift.test.ts.
import { createRedshiftAdapter } from '../../../src/adapters/redshift/index.js';
import type { PrivilegeCopyReport } from '../../../src/adapters/redshift/index.js';
import {
  ConfigurationError,
  PasswordPolicyError,
  PrivilegeCopyError,
  RoleNotFoundError,
} from '../../../src/shared/errors.js';
import { postgresAddress } from '../../support/postgres.js';
import {
  asUser,
  createMd5User,
  dropRoles,
  md5Hash,
  md5Login,
  outcome,
  redshiftPassword,
  redshiftSecret,
  redshiftUser,
  storedHash,
  withSuperuser,
} from '../../support/redshift-on-postgres.js';

const reports: PrivilegeCopyReport[] = [];
const adapter = createRedshiftAdapter({ onPrivilegeReport: (report) => reports.push(report) });
const users: string[] = [];
const schemas: string[] = [];

async function newUser(extra = ''): Promise<{ name: string; password: string }> {
  const name = redshiftUser();
  const password = redshiftPassword();
  await createMd5User(name, password, extra);
  users.push(name);
  return { name, password };
}

let admin: ReturnType<typeof redshiftSecret>;

beforeAll(async () => {
  const { name, password } = await newUser('SUPERUSER');
  admin = redshiftSecret(name, password);
});

afterAll(async () => {
  await withSuperuser(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  // Clones first: they are members of what their originals are members of.
  await dropRoles([...users].reverse());
});

describe('logging in and setting passwords', () => {
  it('canLogin: true with the password (authenticated by md5), false with a wrong one', async () => {
    const { name, password } = await newUser();
    expect(await md5Login(name, password)).toBe(`md5:${name}`);
    await expect(adapter.canLogin(redshiftSecret(name, password))).resolves.toBe(true);
    await expect(adapter.canLogin(redshiftSecret(name, `${password}x`))).resolves.toBe(false);
  });

  it('setPassword sends the MD5 hash, never the password: the server stores md5(password + user), which logs in by md5', async () => {
    const { name, password } = await newUser();
    const next = redshiftPassword();
    // The server's own password_encryption is scram-sha-256: a plaintext password would be stored as SCRAM.
    await adapter.setPassword(redshiftSecret(name, password), { username: name, password: next });
    expect(await storedHash(name)).toBe(md5Hash(next, name));
    expect(await md5Login(name, next)).toBe(`md5:${name}`);
    expect(await md5Login(name, password)).toBeNull();
    // The superuser path (setPassword as the masterarn user) does the same.
    const third = redshiftPassword();
    await adapter.setPassword(admin, { username: name, password: third });
    expect(await md5Login(name, third)).toBe(`md5:${name}`);
  });

  it.each([
    ['7 characters', 'Abc1234'.slice(0, 7)],
    ['65 characters', `Aa1${'x'.repeat(62)}`],
    ['no upper-case letter', 'abcdefg1'],
    ['no lower-case letter', 'ABCDEFG1'],
    ['no digit', 'Abcdefgh'],
    ['a space', 'Abcd 1234'],
    ['a single quote', "Abcd'1234"],
    ['a double quote', 'Abcd"1234'],
    ['a backslash', 'Abcd\\1234'],
    ['a slash', 'Abcd/1234'],
    ['an at sign', 'Abcd@1234'],
    ['a non-ASCII letter', 'Abcdé1234'],
  ])(
    'refuses a new password with %s before connecting: PasswordPolicyError, nothing changed',
    async (_, bad) => {
      const { name, password } = await newUser();
      const error = await adapter
        .setPassword(redshiftSecret(name, password), { username: name, password: bad })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PasswordPolicyError);
      expect((error as Error).name).toBe('PasswordPolicyError');
      expect(String((error as Error).message)).not.toContain(bad);
      expect(await md5Login(name, password)).toBe(`md5:${name}`);
      // Refused before connecting: a server that is not there is never reached.
      const unreachable = { ...redshiftSecret(name, password), port: 1 };
      await expect(
        adapter.setPassword(unreachable, { username: name, password: bad }),
      ).rejects.toBeInstanceOf(PasswordPolicyError);
    },
  );

  it('a user that does not exist is RoleNotFoundError (never created by setPassword)', async () => {
    const missing = redshiftUser('rs_nobody');
    await expect(
      adapter.setPassword(admin, { username: missing, password: redshiftPassword() }),
    ).rejects.toBeInstanceOf(RoleNotFoundError);
    expect(await storedHash(missing)).toBeNull();
  });
});

/** A schema with tables `t_read`, `t_write`, `t_forbidden`, `t_later`, and one the original owns. */
async function space(original: string): Promise<string> {
  const schema = redshiftUser('rs_s');
  schemas.push(schema);
  const { database } = postgresAddress();
  await withSuperuser(async (client) => {
    const user = client.escapeIdentifier(original);
    await client.query(`CREATE SCHEMA "${schema}"`);
    for (const table of ['t_read', 't_write', 't_forbidden', 't_later']) {
      await client.query(`CREATE TABLE "${schema}"."${table}" (n int)`);
    }
    await client.query(`CREATE GROUP "${schema}_readers"`);
    users.push(`${schema}_readers`);
    await client.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${user}`);
    await client.query(`GRANT SELECT ON "${schema}"."t_read" TO GROUP "${schema}_readers"`);
    await client.query(`ALTER GROUP "${schema}_readers" ADD USER ${user}`);
    await client.query(`GRANT INSERT, UPDATE ON "${schema}"."t_write" TO ${user}`);
    await client.query(`GRANT CREATE ON DATABASE "${database}" TO ${user}`);
    await client.query(`ALTER USER ${user} CREATEDB CONNECTION LIMIT 7`);
    await client.query(`CREATE TABLE "${schema}"."t_owned" (n int)`);
    await client.query(`ALTER TABLE "${schema}"."t_owned" OWNER TO ${user}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR USER ${user} IN SCHEMA "${schema}" GRANT SELECT ON TABLES TO PUBLIC`,
    );
  });
  return schema;
}

async function privileges(username: string, password: string, schema: string) {
  return asUser(username, password, async (client) => ({
    read: await outcome(() => client.query(`SELECT n FROM "${schema}"."t_read"`)),
    write: await outcome(() => client.query(`INSERT INTO "${schema}"."t_write" VALUES (1)`)),
    owned: await outcome(() => client.query(`SELECT n FROM "${schema}"."t_owned"`)),
    forbidden: await outcome(() => client.query(`SELECT n FROM "${schema}"."t_forbidden"`)),
    later: await outcome(() => client.query(`SELECT n FROM "${schema}"."t_later"`)),
  }));
}

async function settings(username: string) {
  return withSuperuser(async (client) => {
    const { rows } = await client.query(
      `SELECT rolcreatedb AS createdb, rolconnlimit AS connlimit,
              ARRAY(SELECT g.groname::text FROM pg_group g WHERE r.oid = ANY (g.grolist) ORDER BY 1) AS groups
         FROM pg_roles r WHERE rolname = $1`,
      [username],
    );
    return rows[0];
  });
}

describe('alternating users: ensureUserLike', () => {
  it('creates the clone with the original’s groups, settings and privileges, logging in by md5; reports what stays with the original', async () => {
    const original = await newUser();
    const clone = `${original.name}_clone`;
    users.push(clone);
    const schema = await space(original.name);
    const password = redshiftPassword();
    reports.length = 0;

    await adapter.ensureUserLike!(admin, original.name, { username: clone, password });

    expect(await storedHash(clone)).toBe(md5Hash(password, clone));
    expect(await md5Login(clone, password)).toBe(`md5:${clone}`); // through the copied md5 group
    const expected = {
      read: 'allowed',
      write: 'allowed',
      owned: 'allowed',
      forbidden: 'denied',
      later: 'denied',
    };
    expect(await privileges(original.name, original.password, schema)).toEqual(expected);
    expect(await privileges(clone, password, schema)).toEqual(expected);
    const originalSettings = await settings(original.name);
    expect(await settings(clone)).toEqual(originalSettings);
    expect(originalSettings).toMatchObject({ createdb: true, connlimit: 7 });

    expect(reports).toHaveLength(1);
    const [report] = reports;
    const user = `"${clone}"`;
    expect(report!.copied).toEqual(
      expect.arrayContaining([
        `ALTER USER ${user} CREATEDB`,
        `ALTER USER ${user} CONNECTION LIMIT 7`,
        `ALTER GROUP "rotation_kit_md5_clients" ADD USER ${user}`,
        `ALTER GROUP "${schema}_readers" ADD USER ${user}`,
        `GRANT CREATE ON DATABASE "${postgresAddress().database}" TO ${user}`,
        `GRANT USAGE ON SCHEMA "${schema}" TO ${user}`,
        `GRANT INSERT, UPDATE ON TABLE "${schema}"."t_write" TO ${user}`,
        `GRANT DELETE, INSERT, REFERENCES, SELECT, UPDATE ON TABLE "${schema}"."t_owned" TO ${user}`,
      ]),
    );
    // t_read comes through the group, not as a grant of its own.
    expect(report!.copied.some((statement) => statement.includes('"t_read"'))).toBe(false);
    expect(report!.copied.some((statement) => statement.includes(password))).toBe(false);
    expect(report!.notCopied).toEqual([
      expect.stringContaining('ownership of 1 table(s) or view(s)'),
      expect.stringContaining('default privileges'),
    ]);
  });

  it('re-syncs at every rotation: a privilege granted to the original later reaches the clone; nothing the clone holds is revoked', async () => {
    const original = await newUser();
    const clone = `${original.name}_clone`;
    users.push(clone);
    const schema = await space(original.name);
    await adapter.ensureUserLike!(admin, original.name, { username: clone, password: redshiftPassword() });
    await withSuperuser(async (client) => {
      await client.query(`GRANT SELECT ON "${schema}"."t_later" TO "${original.name}"`);
      await client.query(`GRANT SELECT ON "${schema}"."t_forbidden" TO "${clone}"`);
    });
    reports.length = 0;

    const next = redshiftPassword();
    await adapter.ensureUserLike!(admin, original.name, { username: clone, password: next });

    expect(reports[0]!.copied).toEqual([`GRANT SELECT ON TABLE "${schema}"."t_later" TO "${clone}"`]);
    expect(await privileges(clone, next, schema)).toMatchObject({ later: 'allowed', forbidden: 'allowed' });
    expect(await md5Login(clone, next)).toBe(`md5:${clone}`);

    // Alternating back: the original gets the clone's password and anything the clone has that it lacks.
    reports.length = 0;
    const back = redshiftPassword();
    await adapter.ensureUserLike!(admin, clone, { username: original.name, password: back });
    expect(await md5Login(original.name, back)).toBe(`md5:${original.name}`);
    expect(reports[0]!.copied).toEqual([
      `GRANT SELECT ON TABLE "${schema}"."t_forbidden" TO "${original.name}"`,
    ]);
  });

  it('a statement the server refuses is PrivilegeCopyError, and nothing changed: the clone does not exist', async () => {
    // A CREATEROLE admin that is not a superuser may create users but not add them to a group it does not administer.
    const weak = await newUser('CREATEROLE');
    const original = await newUser();
    const clone = `${original.name}_clone`;
    users.push(clone);
    const error = await adapter.ensureUserLike!(redshiftSecret(weak.name, weak.password), original.name, {
      username: clone,
      password: redshiftPassword(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivilegeCopyError);
    expect((error as Error).message).toContain(`ALTER GROUP "rotation_kit_md5_clients" ADD USER "${clone}"`);
    expect(await storedHash(clone)).toBeNull();
    expect(
      await withSuperuser(
        async (client) => (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [clone])).rowCount,
      ),
    ).toBe(0);
  });

  it('refuses an unknown original (RoleNotFoundError) and a clone named like its original (ConfigurationError)', async () => {
    const missing = redshiftUser('rs_nobody');
    await expect(
      adapter.ensureUserLike!(admin, missing, { username: `${missing}_clone`, password: redshiftPassword() }),
    ).rejects.toBeInstanceOf(RoleNotFoundError);
    expect(await storedHash(`${missing}_clone`)).toBeNull();
    const { name } = await newUser();
    await expect(
      adapter.ensureUserLike!(admin, name, { username: name, password: redshiftPassword() }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});
