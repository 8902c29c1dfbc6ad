import net from 'node:net';
import { Client } from 'pg';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import { DatabaseConnectionError, RoleNotFoundError } from '../../../src/shared/errors.js';
import {
  createRole,
  dropRoles,
  postgresAddress,
  randomPassword,
  sessionCount,
  superuserSecret,
  uniqueRole,
  userSecret,
} from '../../support/postgres.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connection faults', () => {
  it('connection refused is DatabaseConnectionError, never false, and hides the password', async () => {
    const password = `pw-${randomPassword()}`;
    const secret = superuserSecret({ port: await closedPort(), password });
    const error = await createPostgresAdapter()
      .canLogin(secret)
      .catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.code).toBe('DATABASE_CONNECTION');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(`127.0.0.1:${secret.port}`);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(password);
  });

  it('a server that never answers times out as DatabaseConnectionError and the socket is closed', async () => {
    const closed: Array<Promise<void>> = [];
    const silent = net.createServer((socket) => {
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      socket.resume(); // read (and ignore) what arrives, so the client's close is noticed
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const adapter = createPostgresAdapter({ connectTimeoutMs: 300 });
      // The default TLS mode sends an SSLRequest first; plaintext sends the startup message first.
      for (const sslmode of ['verify-full', 'disable'] as const) {
        const error = await adapter.canLogin(superuserSecret({ port, sslmode })).catch((e) => e);
        expect(error).toBeInstanceOf(DatabaseConnectionError);
        expect(error.message).toMatch(/timeout/i);
      }
      expect(closed).toHaveLength(2);
      await Promise.all(closed);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('every connection is closed, on every path', () => {
  const roles: string[] = [];
  afterAll(() => dropRoles(roles));

  it('leaves no session behind after a batch of successes and failures', async () => {
    const applicationName = uniqueRole('rk_leak');
    const adapter = createPostgresAdapter({ applicationName });
    const name = uniqueRole('rk_leak_user');
    const password = randomPassword();
    await createRole(name, password);
    roles.push(name, `${name}_clone`);
    const admin = superuserSecret();
    const user = userSecret(admin, name, password);

    // The count sees a session that is open: the assertion below can fail.
    const probe = new Client({ ...postgresAddress(), application_name: applicationName });
    await probe.connect();
    expect(await sessionCount(applicationName)).toBe(1);
    await probe.end();
    expect(await sessionCount(applicationName)).toBe(0);

    const missing = uniqueRole('rk_missing');
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => adapter.canLogin(user)),
      ...Array.from({ length: 5 }, () => adapter.canLogin(userSecret(admin, name, 'wrong'))),
      ...Array.from({ length: 5 }, () => adapter.setPassword(admin, { username: missing, password: 'x1' })),
      ...Array.from({ length: 3 }, () =>
        adapter.ensureUserLike!(admin, missing, { username: `${missing}_c`, password: 'x' }),
      ),
      adapter.setPassword(admin, { username: name, password }),
      adapter.ensureUserLike!(admin, name, { username: `${name}_clone`, password }),
    ]);
    const values = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value : outcome.reason,
    );
    expect(values.slice(0, 5)).toEqual(Array(5).fill(true));
    expect(values.slice(5, 10)).toEqual(Array(5).fill(false));
    for (const reason of values.slice(10, 18)) expect(reason).toBeInstanceOf(RoleNotFoundError);
    expect(values.slice(18)).toEqual([undefined, undefined]);

    expect(await sessionCount(applicationName)).toBe(0);
  });
});
