import net from 'node:net';
import { createMySqlAdapter } from '../../../src/adapters/mysql/index.js';
import { DatabaseConnectionError, TlsRequiredError } from '../../../src/shared/errors.js';
import {
  asAdmin,
  createUser,
  describeWithMariaDb,
  dropUser,
  mariaDb,
  secretFor,
  uniqueName,
} from '../../support/mariadb.js';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sessions the server still has open for a user; waits for closes in flight to land. */
async function openSessions(user: string): Promise<number> {
  return asAdmin(mariaDb(), async (admin) => {
    for (let attempt = 0; ; attempt++) {
      const [rows] = await admin.query(
        'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?',
        [user],
      );
      const n = Number((rows as { n: number }[])[0]?.n);
      if (n === 0 || attempt >= 50) return n;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}

describeWithMariaDb('MySQL adapter: canLogin', () => {
  const adapter = createMySqlAdapter();
  const user = uniqueName('login');
  const password = 'right-password-1';

  beforeAll(() => createUser(mariaDb(), user, password));
  afterAll(() => dropUser(mariaDb(), user));

  it('is true for the right password', async () => {
    await expect(adapter.canLogin(secretFor(mariaDb(), {}, { username: user, password }))).resolves.toBe(
      true,
    );
  });

  it('is false for a wrong password (the server enforces authentication)', async () => {
    const secret = secretFor(mariaDb(), {}, { username: user, password: 'wrong-password' });
    await expect(adapter.canLogin(secret)).resolves.toBe(false);
  });

  it('is false for a user that does not exist', async () => {
    const secret = secretFor(mariaDb(), {}, { username: uniqueName('ghost'), password });
    await expect(adapter.canLogin(secret)).resolves.toBe(false);
  });

  it('is false for an expired password (the server no longer accepts it for work)', async () => {
    const expired = uniqueName('expired');
    await createUser(mariaDb(), expired, password, { grants: ['ALTER USER ?@? PASSWORD EXPIRE'] });
    try {
      await expect(adapter.canLogin(secretFor(mariaDb(), {}, { username: expired, password }))).resolves.toBe(
        false,
      );
    } finally {
      await dropUser(mariaDb(), expired);
    }
  });

  it('throws DatabaseConnectionError, not false, for a locked account (right password, other fault)', async () => {
    const locked = uniqueName('locked');
    await createUser(mariaDb(), locked, password, { grants: ['ALTER USER ?@? ACCOUNT LOCK'] });
    try {
      const error = await adapter
        .canLogin(secretFor(mariaDb(), {}, { username: locked, password }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toMatch(/locked/i);
    } finally {
      await dropUser(mariaDb(), locked);
    }
  });

  it('throws DatabaseConnectionError, not false, when nothing listens on the port', async () => {
    const secret = secretFor(mariaDb(), { port: await closedPort() }, { username: user, password });
    const error = await adapter.canLogin(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain(password);
  });

  it('throws DatabaseConnectionError after the connect timeout when the server never answers', async () => {
    const silent = net.createServer(() => {}); // accepts and says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const quick = createMySqlAdapter({ connectTimeoutMs: 300 });
      const port = (silent.address() as net.AddressInfo).port;
      const error = await quick
        .canLogin(secretFor(mariaDb(), { port }, { username: user, password }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toMatch(/ETIMEDOUT/);
    } finally {
      silent.close();
    }
  });

  it('throws DatabaseConnectionError when the credentials work but the database does not exist', async () => {
    const secret = secretFor(mariaDb(), { dbname: 'no_such_db' }, { username: user, password });
    await expect(adapter.canLogin(secret)).rejects.toBeInstanceOf(DatabaseConnectionError);
  });

  it('defaults to verify-full: a server without TLS is an error naming the mode, never a plaintext fallback', async () => {
    const { sslmode: _omitted, ...secret } = secretFor(
      mariaDb(),
      { host: 'localhost' },
      { username: user, password },
    );
    const error = await adapter.canLogin(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsRequiredError);
    expect((error as TlsRequiredError).message).toMatch(/"verify-full".*does not offer TLS/);
    expect((error as TlsRequiredError).context.mode).toBe('verify-full');
  });

  it('sslmode require against a server without TLS is a TlsRequiredError naming "require"', async () => {
    const secret = secretFor(mariaDb(), { sslmode: 'require' }, { username: user, password });
    const error = await adapter.canLogin(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsRequiredError);
    expect((error as Error).message).toMatch(/"require".*does not offer TLS/);
  });

  it('the tls.mode option overrides the secret', async () => {
    const plaintext = createMySqlAdapter({ tls: { mode: 'disable' } });
    const secret = secretFor(mariaDb(), { sslmode: 'verify-full' }, { username: user, password });
    await expect(plaintext.canLogin(secret)).resolves.toBe(true);
  });

  it('closes its connection on every path: success, wrong password, failed change', async () => {
    const secret = secretFor(mariaDb(), {}, { username: user, password });
    await adapter.canLogin(secret);
    await adapter.canLogin({ ...secret, password: 'wrong' });
    // A user may not change another user's password: the change fails after connecting.
    await expect(adapter.setPassword(secret, { username: 'root', password: 'x-y-z-1' })).rejects.toThrow();
    expect(await openSessions(user)).toBe(0);
  });
});
