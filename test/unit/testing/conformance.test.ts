import { ConformanceError, adapterConformanceCases } from '../../../src/testing/conformance';
import type { ConformanceTarget } from '../../../src/testing/conformance';
import { UNREACHABLE_HOST, createMemoryAdapter } from '../../../src/testing/memory-adapter';
import type { DatabaseSecret } from '../../../src/rotation/adapter';
import { LoginFailedError } from '../../../src/shared/errors';

function memoryTarget(): ConformanceTarget<DatabaseSecret> & {
  adapter: ReturnType<typeof createMemoryAdapter>;
} {
  const adapter = createMemoryAdapter({ users: { admin: 'admin-pw' } });
  const secret = (username: string, password: string): DatabaseSecret => ({
    engine: 'memory',
    host: 'mem',
    port: 1,
    username,
    password,
  });
  return {
    adapter,
    admin: secret('admin', 'admin-pw'),
    unreachable: { ...secret('x', 'Unreachable-Pa55'), host: UNREACHABLE_HOST },
    async createUser(username, password) {
      adapter.users.set(username, { password });
      return secret(username, password);
    },
    async dropUser(username) {
      adapter.users.delete(username);
    },
  };
}

describe('adapter conformance suite, on the in-memory reference adapter', () => {
  for (const c of adapterConformanceCases(memoryTarget())) it(c.name, c.run);
});

describe('the conformance suite catches broken adapters', () => {
  const failingCase = async (target: ConformanceTarget<DatabaseSecret>, name: RegExp) => {
    const found = adapterConformanceCases(target).find((c) => name.test(c.name));
    expect(found).toBeDefined();
    await expect(found!.run()).rejects.toBeInstanceOf(ConformanceError);
  };

  it('an adapter that answers false for an unreachable server', async () => {
    const target = memoryTarget();
    target.adapter.canLogin = async () => false;
    await failingCase(target, /unreachable/);
  });

  it("an adapter whose setPassword always changes the login user's own password", async () => {
    const target = memoryTarget();
    const real = target.adapter.setPassword.bind(target.adapter);
    target.adapter.setPassword = (login, change) =>
      real(login, { username: login.username, password: change.password });
    await failingCase(target, /as an admin changes the other user's password/);
  });

  it('an adapter whose setPassword does nothing', async () => {
    const target = memoryTarget();
    target.adapter.setPassword = async () => {};
    await failingCase(target, /new password logs in, the old one fails/);
  });

  it('an adapter that echoes the password in its errors', async () => {
    const target = memoryTarget();
    target.adapter.setPassword = async (login) => {
      throw new LoginFailedError(`login failed for ${login.username} with ${login.password}`);
    };
    await failingCase(target, /without echoing/);
  });

  it('an adapter whose rejected login is not a LoginFailedError', async () => {
    const target = memoryTarget();
    target.adapter.setPassword = async () => {
      throw new Error('access denied');
    };
    await failingCase(target, /without echoing/);
  });

  it('an adapter that accepts a string port', async () => {
    const target = memoryTarget();
    const parse = target.adapter.parseSecret.bind(target.adapter);
    target.adapter.parseSecret = (value) => parse({ ...(value as object), port: 1 });
    await failingCase(target, /string port/);
  });

  it('an adapter whose addPassword replaces the current password', async () => {
    const target = memoryTarget();
    target.adapter.dualPassword!.addPassword = (login, change) => target.adapter.setPassword(login, change);
    await failingCase(target, /addPassword: the new password logs in and the current one still does/);
  });

  it("an adapter whose retirePasswords always keeps the newest password (MySQL's DISCARD OLD PASSWORD alone)", async () => {
    const target = memoryTarget();
    target.adapter.dualPassword!.retirePasswords = async (_login, username) => {
      const user = target.adapter.users.get(username)!;
      delete user.others;
    };
    await failingCase(target, /retirePasswords keeps exactly the given password/);
  });
});
