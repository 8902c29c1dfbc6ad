import type { DatabaseAdapter, DatabaseSecret, PasswordChange } from '../rotation/adapter.js';
import { parseSecretPort } from '../adapters/shared/secret-fields.js';
import {
  DatabaseConnectionError,
  LoginFailedError,
  RoleNotFoundError,
  SecretShapeError,
} from '../shared/errors.js';

/** One user of the in-memory database. */
interface MemoryUser {
  password: string;
  /** More valid passwords (the dual-password capability keeps the older ones here). */
  others?: string[];
  /** Names of the users whose privileges this one has. */
  like?: string;
}

/**
 * A database that lives in a Map: for unit tests of steps, hooks and strategies, and as the
 * reference adapter of the conformance suite. Not a stand-in for proving a real rotation.
 *
 * @example
 * import { createMemoryAdapter } from 'rotation-kit/testing';
 * const db = createMemoryAdapter({ users: { app: 'old-password' } });
 * await db.canLogin({ engine: 'memory', host: 'h', port: 1, username: 'app', password: 'old-password' }); // true
 */
/** A host name the memory adapter treats as unreachable. */
const UNREACHABLE_HOST = 'unreachable.invalid';

interface MemoryAdapter extends DatabaseAdapter<DatabaseSecret> {
  readonly users: Map<string, MemoryUser>;
  /** Every call, in order, for assertions: `canLogin:app`, `setPassword:app->app`, ... */
  readonly calls: string[];
  /** While true, every call throws as an unreachable database would. */
  down: boolean;
}

function validPasswords(user: MemoryUser | undefined): string[] {
  return user ? [user.password, ...(user.others ?? [])] : [];
}

function createMemoryAdapter(
  init: { users?: Record<string, string>; /** Default true. */ dualPassword?: boolean } = {},
): MemoryAdapter {
  const users = new Map<string, MemoryUser>(
    Object.entries(init.users ?? {}).map(([name, password]) => [name, { password }]),
  );
  const calls: string[] = [];
  const adapter: MemoryAdapter = {
    engines: ['memory'],
    connectionKeys: ['engine', 'host', 'port', 'username'],
    users,
    calls,
    down: false,
    parseSecret(value) {
      const secret = value as Record<string, unknown>;
      if (value === null || typeof value !== 'object')
        throw new SecretShapeError('SecretString', 'a JSON object');
      for (const key of ['host', 'username', 'password'] as const) {
        if (typeof secret[key] !== 'string' || secret[key] === '')
          throw new SecretShapeError(key, 'a non-empty string');
      }
      const port = parseSecretPort(secret.port, 1);
      return { ...(secret as unknown as DatabaseSecret), engine: 'memory', port };
    },
    async canLogin(secret) {
      calls.push(`canLogin:${secret.username}`);
      assertUp();
      if (secret.host === UNREACHABLE_HOST) throw new DatabaseConnectionError('memory database unreachable');
      return validPasswords(users.get(secret.username)).includes(secret.password);
    },
    async setPassword(login, change: PasswordChange) {
      calls.push(`setPassword:${login.username}->${change.username}`);
      assertUp();
      assertLogin(login);
      const user = users.get(change.username);
      if (!user) throw new Error(`no user ${change.username}`);
      user.password = change.password;
      delete user.others;
    },
    async ensureUserLike(admin, like, change) {
      calls.push(`ensureUserLike:${admin.username}:${like}->${change.username}`);
      assertUp();
      assertLogin(admin);
      const existing = users.get(change.username);
      users.set(change.username, { password: change.password, like: existing?.like ?? like });
    },
  };
  if (init.dualPassword !== false) {
    const userOf = (login: DatabaseSecret, username: string) => {
      assertUp();
      assertLogin(login);
      const user = users.get(username);
      if (!user) throw new RoleNotFoundError(username);
      return user;
    };
    Object.assign(adapter, {
      dualPassword: {
        async addPassword(login: DatabaseSecret, change: PasswordChange) {
          calls.push(`addPassword:${login.username}->${change.username}`);
          const user = userOf(login, change.username);
          const all = validPasswords(user);
          if (!all.includes(change.password)) Object.assign(user, { password: change.password, others: all });
        },
        async retirePasswords(login: DatabaseSecret, username: string, keep: readonly string[]) {
          calls.push(`retirePasswords:${login.username}->${username}`);
          const user = userOf(login, username);
          const kept = validPasswords(user).filter((password) => keep.includes(password));
          // No kept password: the user cannot log in at all (an empty password never logs in).
          Object.assign(user, { password: kept[0] ?? '', others: kept.slice(1) });
        },
      },
    });
  }
  function assertLogin(login: DatabaseSecret): void {
    if (!validPasswords(users.get(login.username)).includes(login.password))
      throw new LoginFailedError('login rejected');
  }
  function assertUp(): void {
    if (adapter.down) throw new DatabaseConnectionError('memory database is down');
  }
  return adapter;
}

export { UNREACHABLE_HOST, createMemoryAdapter };
export type { MemoryAdapter, MemoryUser };
