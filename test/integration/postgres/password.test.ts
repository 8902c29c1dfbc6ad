import { createHash } from 'node:crypto';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import {
  DatabaseConnectionError,
  LoginFailedError,
  ReadOnlyDatabaseError,
  RoleNotFoundError,
  SecretShapeError,
} from '../../../src/shared/errors.js';
import {
  MD5_CLIENTS_ROLE,
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

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const adapter = createPostgresAdapter();
const created: string[] = [];

async function newRole(prefix = 'rk_pw', extra = ''): Promise<{ name: string; password: string }> {
  const name = uniqueRole(prefix);
  const password = randomPassword();
  await createRole(name, password, extra);
  created.push(name);
  return { name, password };
}

afterAll(() => dropRoles(created));

/** Error text as a log line would show it. */
function printed(error: unknown): string {
  return `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
}

describe('canLogin', () => {
  it('is true for the right password and false for a wrong one or an unknown user', async () => {
    const { name, password } = await newRole();
    const admin = superuserSecret();
    await expect(adapter.canLogin(userSecret(admin, name, password))).resolves.toBe(true);
    await expect(adapter.canLogin(userSecret(admin, name, `${password}x`))).resolves.toBe(false);
    await expect(adapter.canLogin(userSecret(admin, uniqueRole('rk_nobody'), password))).resolves.toBe(false);
  });

  it('is false for a role that may not log in (SQLSTATE 28000)', async () => {
    const { name, password } = await newRole('rk_nologin');
    await withSuperuser((client) => client.query(`ALTER ROLE ${client.escapeIdentifier(name)} NOLOGIN`));
    await expect(adapter.canLogin(userSecret(superuserSecret(), name, password))).resolves.toBe(false);
  });

  it('throws DatabaseConnectionError, not false, for a database that does not exist', async () => {
    const { name, password } = await newRole();
    const secret = { ...userSecret(superuserSecret(), name, password), dbname: 'no_such_database' };
    await expect(adapter.canLogin(secret)).rejects.toBeInstanceOf(DatabaseConnectionError);
  });
});

describe('setPassword', () => {
  it('lets a user change its own password: the new one logs in, the old one no longer does', async () => {
    const { name, password } = await newRole();
    const current = userSecret(superuserSecret(), name, password);
    const next = randomPassword();
    await adapter.setPassword(current, { username: name, password: next });
    await expect(adapter.canLogin(userSecret(current, name, next))).resolves.toBe(true);
    await expect(adapter.canLogin(current)).resolves.toBe(false);
  });

  it('stores a SCRAM-SHA-256 verifier computed client-side, never plaintext', async () => {
    const { name } = await newRole();
    const next = randomPassword();
    await adapter.setPassword(superuserSecret(), { username: name, password: next });
    const verifier = await storedVerifier(name);
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
    );
    expect(verifier).not.toContain(next);
  });

  it('honours scramIterations', async () => {
    const { name } = await newRole();
    const next = randomPassword();
    await createPostgresAdapter({ scramIterations: 10_000 }).setPassword(superuserSecret(), {
      username: name,
      password: next,
    });
    expect(await storedVerifier(name)).toMatch(/^SCRAM-SHA-256\$10000:/);
    await expect(loginWorks(userSecret(superuserSecret(), name, next))).resolves.toBe(true);
  });

  it.each([
    ['a double quote', 'o"reilly'],
    ['spaces', 'app user with spaces'],
    ['unicode', 'ünïcødé_ユーザー'],
    ['SQL', "x'); DROP ROLE postgres; --"],
    ['a backslash', 'back\\slash'],
    ['upper case', 'MixedCase'],
  ])('works for a username with %s', async (_label, base) => {
    const name = `${base}_${uniqueRole('')}`;
    const password = randomPassword();
    await createRole(name, password);
    created.push(name);
    const next = `${PUNCTUATION} ${randomPassword()} `;
    await adapter.setPassword(userSecret(superuserSecret(), name, password), {
      username: name,
      password: next,
    });
    await expect(loginWorks(userSecret(superuserSecret(), name, next))).resolves.toBe(true);
    await expect(loginWorks(userSecret(superuserSecret(), name, password))).resolves.toBe(false);
  });

  it.each([
    ['every punctuation character', PUNCTUATION],
    ['leading, inner and trailing spaces', `  ${PUNCTUATION} with spaces  `],
    ['quotes that would end a literal', "'; ALTER ROLE postgres PASSWORD 'owned'; --"],
    ['a dollar-quote', '$$ $tag$ \\ $$'],
    ['non-ASCII letters', 'pässwörd-ünïcødé-✓'],
  ])('sets a password with %s', async (_label, next) => {
    const { name } = await newRole();
    await adapter.setPassword(superuserSecret(), { username: name, password: next });
    await expect(loginWorks(userSecret(superuserSecret(), name, next))).resolves.toBe(true);
    // The superuser's own password is untouched by any "injection".
    await expect(loginWorks(superuserSecret())).resolves.toBe(true);
  });

  it('applies SASLprep as libpq does: a soft hyphen is not part of the password', async () => {
    const { name } = await newRole();
    await adapter.setPassword(superuserSecret(), { username: name, password: 'I\u00ADX-rotated' });
    await expect(loginWorks(userSecret(superuserSecret(), name, 'IX-rotated'))).resolves.toBe(true);
  });

  it("stores md5 + md5(password + username) when asked, equal to the server's own md5", async () => {
    const { name } = await newRole('rk_md5');
    const next = `${PUNCTUATION} md5`;
    await createPostgresAdapter({ passwordEncryption: 'md5' }).setPassword(superuserSecret(), {
      username: name,
      password: next,
    });
    const ours = await storedVerifier(name);
    expect(ours).toBe(
      `md5${createHash('md5')
        .update(next + name)
        .digest('hex')}`,
    );
    const servers = await withSuperuser(async (client) => {
      await client.query("SET password_encryption = 'md5'");
      await client.query(
        `ALTER ROLE ${client.escapeIdentifier(name)} PASSWORD ${client.escapeLiteral(next)}`,
      );
      const { rows } = await client.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [name]);
      return rows[0].rolpassword as string;
    });
    expect(ours).toBe(servers);
  });

  it('an md5 verifier logs in only where pg_hba allows md5 (SCRAM stays enforced elsewhere)', async () => {
    const { name } = await newRole('rk_md5');
    const next = randomPassword();
    await createPostgresAdapter({ passwordEncryption: 'md5' }).setPassword(superuserSecret(), {
      username: name,
      password: next,
    });
    const secret = userSecret(superuserSecret(), name, next);
    await expect(loginWorks(secret)).resolves.toBe(false);
    await withSuperuser((client) =>
      client.query(`GRANT ${MD5_CLIENTS_ROLE} TO ${client.escapeIdentifier(name)}`),
    );
    await expect(loginWorks(secret)).resolves.toBe(true);
  });

  it('throws RoleNotFoundError for a role that does not exist, without the password', async () => {
    const next = `never-${randomPassword()}`;
    const missing = uniqueRole('rk_missing');
    const error = await adapter
      .setPassword(superuserSecret(), { username: missing, password: next })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RoleNotFoundError);
    expect(error.message).toContain(missing);
    expect(printed(error)).not.toContain(next);
  });

  it('throws LoginFailedError when the login credentials are wrong, without either password', async () => {
    const { name, password } = await newRole();
    const wrong = `wrong-${randomPassword()}`;
    const next = `next-${randomPassword()}`;
    const error = await adapter
      .setPassword(userSecret(superuserSecret(), name, wrong), { username: name, password: next })
      .catch((e) => e);
    expect(error).toBeInstanceOf(LoginFailedError);
    for (const secret of [wrong, next, password]) expect(printed(error)).not.toContain(secret);
  });

  it('throws a named error when the login may not change that role, without the password', async () => {
    const { name, password } = await newRole();
    const { name: other } = await newRole();
    const next = `next-${randomPassword()}`;
    const error = await adapter
      .setPassword(userSecret(superuserSecret(), name, password), { username: other, password: next })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.context.sqlState).toBe('42501');
    expect(printed(error)).not.toContain(next);
    expect(printed(error)).not.toContain(password);
  });

  it('throws ReadOnlyDatabaseError when the session is read-only on a primary', async () => {
    const { name, password } = await newRole('rk_ro');
    await withSuperuser((client) =>
      client.query(`ALTER ROLE ${client.escapeIdentifier(name)} SET default_transaction_read_only = on`),
    );
    const error = await adapter
      .setPassword(userSecret(superuserSecret(), name, password), {
        username: name,
        password: randomPassword(),
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ReadOnlyDatabaseError);
    expect(error.message).toContain('read-only');
    await expect(loginWorks(userSecret(superuserSecret(), name, password))).resolves.toBe(true);
  });

  it('refuses a target username PostgreSQL would truncate (it would change another role)', async () => {
    const long = `${'a'.repeat(63)}_clone`;
    await expect(
      adapter.setPassword(superuserSecret(), { username: long, password: 'x' }),
    ).rejects.toBeInstanceOf(SecretShapeError);
  });
});
