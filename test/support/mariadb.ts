/**
 * Helpers for tests against the MariaDB server that Jest's globalSetup starts (its address arrives in
 * ROTATION_KIT_MYSQL_*). Without MariaDB the suites skip with the reason; under CI=true they fail.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import type { MySqlSecret } from '../../src/adapters/mysql/index.js';
import type { MariaDbServerEnv } from './mariadb-server.cjs';

interface MariaDbServer {
  host: string;
  port: number;
  /** An admin with all privileges, WITH GRANT OPTION. */
  user: string;
  password: string;
}

const NOT_STARTED = 'MariaDB test server not started (run through Jest so that globalSetup starts it)';

function fromEnv(env: Partial<MariaDbServerEnv>): MariaDbServer | undefined {
  const { ROTATION_KIT_MYSQL_HOST: host, ROTATION_KIT_MYSQL_PORT: port } = env;
  const { ROTATION_KIT_MYSQL_USER: user, ROTATION_KIT_MYSQL_PASSWORD: password } = env;
  if (!host || !port || !user || !password) return undefined;
  return { host, port: Number(port), user, password };
}

function globalMariaDb(): MariaDbServer | undefined {
  return fromEnv(process.env as Partial<MariaDbServerEnv>);
}

/**
 * `describe` for suites that need MariaDB. Missing server: skipped with the reason in its title, or,
 * under CI=true, one failing test, so that CI can never pass without running these tests.
 */
function describeWithMariaDb(name: string, body: () => void): void {
  if (globalMariaDb()) {
    describe(name, body);
    return;
  }
  const reason = process.env.ROTATION_KIT_MYSQL_SKIP_REASON ?? NOT_STARTED;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs MariaDB, which CI must provide', () => {
        throw new Error(`CI=true but the MariaDB tests cannot run: ${reason}`);
      });
    });
    return;
  }
  // Deliberate: without mariadbd (outside CI) the suite cannot run; the reason is in its title, and
  // under CI=true the branch above fails instead, so CI can never pass without running it.
  describe.skip(`${name} [skipped: ${reason}]`, body);
}

/** The global server; call inside tests or hooks only (a skipped suite never gets here). */
function mariaDb(): MariaDbServer {
  const server = globalMariaDb();
  if (!server) throw new Error(process.env.ROTATION_KIT_MYSQL_SKIP_REASON ?? NOT_STARTED);
  return server;
}

/** A server's connection info from a privately started server's env. */
function serverFromEnv(env: MariaDbServerEnv): MariaDbServer {
  return fromEnv(env) as MariaDbServer;
}

/** A name no other test (or test file, on the shared server) uses. */
function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A secret for the admin (or any user), plaintext unless the test says otherwise. */
function secretFor(
  server: MariaDbServer,
  overrides: Partial<MySqlSecret> = {},
  credentials: { username: string; password: string } = { username: server.user, password: server.password },
): MySqlSecret {
  return {
    engine: 'mariadb',
    host: server.host,
    port: server.port,
    sslmode: 'disable',
    ...credentials,
    ...overrides,
  };
}

/** A raw admin connection for test setup. Escaping here is mysql2's, independent of the adapter's. */
async function adminConnection(server: MariaDbServer): Promise<Connection> {
  return createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
  });
}

/** Runs setup work as the admin and closes the connection. */
async function asAdmin<T>(server: MariaDbServer, work: (admin: Connection) => Promise<T>): Promise<T> {
  const admin = await adminConnection(server);
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Creates `'user'@'host'` with a password and optional grant statements (`?` is the account). */
async function createUser(
  server: MariaDbServer,
  user: string,
  password: string,
  options: { host?: string; grants?: string[] } = {},
): Promise<void> {
  const host = options.host ?? '%';
  await asAdmin(server, async (admin) => {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
    for (const grant of options.grants ?? []) await admin.query(grant, [user, host]);
  });
}

async function dropUser(server: MariaDbServer, user: string, host = '%'): Promise<void> {
  await asAdmin(server, (admin) => admin.query('DROP USER IF EXISTS ?@?', [user, host]));
}

/** Logs in directly with mysql2 (not through the adapter): true, false on access denied. */
async function loginWorks(server: MariaDbServer, user: string, password: string): Promise<boolean> {
  try {
    const connection = await createConnection({ host: server.host, port: server.port, user, password });
    await connection.end();
    return true;
  } catch (error) {
    if ((error as { errno?: number }).errno === 1045) return false;
    throw error;
  }
}

/** Every printable ASCII punctuation character (GetRandomPassword's set) plus spaces. */
const ALL_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export {
  ALL_PUNCTUATION,
  adminConnection,
  asAdmin,
  createUser,
  describeWithMariaDb,
  dropUser,
  loginWorks,
  mariaDb,
  secretFor,
  serverFromEnv,
  uniqueName,
};
export type { MariaDbServer };
