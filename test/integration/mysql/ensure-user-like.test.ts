import type { Connection } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import { createMySqlAdapter } from '../../../src/adapters/mysql/index.js';
import { DatabaseConnectionError, RoleNotFoundError } from '../../../src/shared/errors.js';
import {
  ALL_PUNCTUATION,
  asAdmin,
  createUser,
  describeWithMariaDb,
  dropUser,
  loginWorks,
  mariaDb,
  secretFor,
  uniqueName,
} from '../../support/mariadb.js';

/** SHOW GRANTS for an account, with its own name and password hash taken out, sorted. */
async function grantsOf(user: string, host = '%'): Promise<string[]> {
  return asAdmin(mariaDb(), async (admin) => {
    const [rows] = await admin.query('SHOW GRANTS FOR ?@?', [user, host]);
    const quoted = '`' + user.replace(/`/g, '``') + '`@`' + host + '`';
    return (rows as Record<string, string>[])
      .map((row) => Object.values(row)[0] as string)
      .map((line) =>
        line
          .split(quoted)
          .join('<grantee>')
          .replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ''),
      )
      .sort();
  });
}

async function accountCount(user: string): Promise<number> {
  return asAdmin(mariaDb(), async (admin) => {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ?', [user]);
    return Number((rows as { n: number }[])[0]?.n);
  });
}

async function connectAs(user: string, password: string): Promise<Connection> {
  const { host, port } = mariaDb();
  return createConnection({ host, port, user, password });
}

describeWithMariaDb('MySQL adapter: ensureUserLike (alternating users)', () => {
  const adapter = createMySqlAdapter();
  const db = uniqueName('app');
  const role = uniqueName('reader');
  const original = `app user ${uniqueName('o')}`;
  const clone = `${original}_clone`;
  const originalPassword = 'original-password-1';

  beforeAll(async () => {
    await asAdmin(mariaDb(), async (admin) => {
      await admin.query(`CREATE DATABASE \`${db}\``);
      await admin.query(`CREATE TABLE \`${db}\`.items (id INT, name TEXT)`);
      await admin.query(`CREATE TABLE \`${db}\`.audit (id INT)`);
      await admin.query(`INSERT INTO \`${db}\`.audit VALUES (42)`);
      await admin.query(`CREATE PROCEDURE \`${db}\`.ping() SELECT 'pong' AS answer`);
      await admin.query(`CREATE ROLE \`${role}\``);
      await admin.query(`GRANT SELECT ON \`${db}\`.audit TO \`${role}\``);
    });
    await createUser(mariaDb(), original, originalPassword, {
      grants: [
        `GRANT SELECT, INSERT ON \`${db}\`.* TO ?@?`,
        `GRANT UPDATE (name) ON \`${db}\`.items TO ?@?`,
        `GRANT EXECUTE ON PROCEDURE \`${db}\`.ping TO ?@?`,
        'GRANT PROCESS ON *.* TO ?@? WITH MAX_QUERIES_PER_HOUR 1000',
        `GRANT \`${role}\` TO ?@?`,
        `SET DEFAULT ROLE \`${role}\` FOR ?@?`,
      ],
    });
  });

  afterAll(async () => {
    await dropUser(mariaDb(), original);
    await dropUser(mariaDb(), clone);
    await asAdmin(mariaDb(), async (admin) => {
      await admin.query(`DROP ROLE IF EXISTS \`${role}\``);
      await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    });
  });

  it('creates the clone with the same grants (default role and limits included) and the password', async () => {
    const password = `clone ${ALL_PUNCTUATION} 1`;
    await adapter.ensureUserLike!(secretFor(mariaDb()), original, { username: clone, password });
    expect(await loginWorks(mariaDb(), clone, password)).toBe(true);
    expect(await grantsOf(clone)).toEqual(await grantsOf(original));
    expect(await grantsOf(original)).toEqual(
      expect.arrayContaining([expect.stringMatching(/MAX_QUERIES_PER_HOUR 1000/)]),
    );
  });

  it('the clone can do what the original can, and no more', async () => {
    const password = 'clone-password-2';
    await adapter.ensureUserLike!(secretFor(mariaDb()), original, { username: clone, password });
    for (const [user, pass] of [
      [original, originalPassword],
      [clone, password],
    ] as const) {
      const connection = await connectAs(user, pass);
      try {
        await connection.query(`INSERT INTO \`${db}\`.items VALUES (1, ?)`, [user]);
        await connection.query(`UPDATE \`${db}\`.items SET name = 'renamed' WHERE name = ?`, [user]);
        await connection.query(`CALL \`${db}\`.ping()`);
        const [audit] = await connection.query(`SELECT id FROM \`${db}\`.audit`); // through the default role
        expect(audit).toEqual([{ id: 42 }]);
        await expect(connection.query(`DELETE FROM \`${db}\`.items`)).rejects.toMatchObject({ errno: 1142 });
        await expect(connection.query(`UPDATE \`${db}\`.items SET id = 2`)).rejects.toMatchObject({
          errno: 1143,
        });
      } finally {
        await connection.end();
      }
    }
  });

  it('is idempotent: a second run changes only the password', async () => {
    await adapter.ensureUserLike!(secretFor(mariaDb()), original, {
      username: clone,
      password: 'round-1-password',
    });
    const grantsBefore = await grantsOf(clone);
    await adapter.ensureUserLike!(secretFor(mariaDb()), original, {
      username: clone,
      password: 'round-2-password',
    });
    await adapter.ensureUserLike!(secretFor(mariaDb()), original, {
      username: clone,
      password: 'round-2-password',
    });
    expect(await loginWorks(mariaDb(), clone, 'round-2-password')).toBe(true);
    expect(await loginWorks(mariaDb(), clone, 'round-1-password')).toBe(false);
    expect(await grantsOf(clone)).toEqual(grantsBefore);
    expect(await accountCount(clone)).toBe(1);
    expect(await loginWorks(mariaDb(), original, originalPassword)).toBe(true);
  });

  it('alternates back: the clone as the model, the original as the target, changes the original password', async () => {
    await adapter.ensureUserLike!(secretFor(mariaDb()), clone, {
      username: original,
      password: 'original-password-2',
    });
    expect(await loginWorks(mariaDb(), original, 'original-password-2')).toBe(true);
    expect(await grantsOf(original)).toEqual(await grantsOf(clone));
    await adapter.setPassword(secretFor(mariaDb()), { username: original, password: originalPassword });
  });

  it('with the same user as model and target, only sets the password', async () => {
    await adapter.ensureUserLike!(secretFor(mariaDb()), original, {
      username: original,
      password: 'same-user-2',
    });
    expect(await loginWorks(mariaDb(), original, 'same-user-2')).toBe(true);
    await adapter.setPassword(secretFor(mariaDb()), { username: original, password: originalPassword });
  });

  it('a model user that does not exist is a RoleNotFoundError, and nothing is created', async () => {
    const ghost = uniqueName('ghost');
    const error = await adapter.ensureUserLike!(secretFor(mariaDb()), ghost, {
      username: `${ghost}_clone`,
      password: 'never-used-1',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoleNotFoundError);
    expect((error as Error).message).toContain(ghost);
    expect(await accountCount(`${ghost}_clone`)).toBe(0);
  });

  it('a login without privileges fails with an error that shows no password', async () => {
    const weak = uniqueName('weak');
    await createUser(mariaDb(), weak, 'weak-password-1');
    try {
      const error = await adapter.ensureUserLike!(
        secretFor(mariaDb(), {}, { username: weak, password: 'weak-password-1' }),
        original,
        {
          username: uniqueName('c'),
          password: 'clone-password-x',
        },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      const printable = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
      expect(printable).not.toContain('weak-password-1');
      expect(printable).not.toContain('clone-password-x');
    } finally {
      await dropUser(mariaDb(), weak);
    }
  });
});
