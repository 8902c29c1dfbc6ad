// The databases the template tests (bundle-run, lambda-runtime) rotate through, one shape per
// engine: accounts, secrets and a direct login check, on the servers the tests themselves start.
import * as mariadb from '../../support/mariadb.js';
import * as postgres from '../../support/postgres.js';
import { redisTestDatabase } from '../../support/redis-server.js';
import type { StartedRedis } from '../../support/redis-server.js';
import { redshiftTestDatabase } from '../../support/redshift-on-postgres.js';

type Json = Record<string, unknown>;

/** One database engine, as a rotation needs it. */
interface TestDatabase {
  superuserSecret(): Json;
  superuserPassword(): string;
  userSecret(username: string, password: string): Json;
  uniqueUser(): string;
  createUser(username: string, password: string): Promise<void>;
  dropUsers(usernames: string[]): Promise<void>;
  loginWorks(username: string, password: string): Promise<boolean>;
}

function postgresTestDatabase(prefix: string): TestDatabase {
  return {
    superuserSecret: () => ({ ...postgres.superuserSecret() }),
    superuserPassword: () => postgres.postgresAddress().password,
    userSecret: (username, password) => ({ ...postgres.superuserSecret({ username, password }) }),
    uniqueUser: () => postgres.uniqueRole(prefix),
    createUser: (username, password) => postgres.createRole(username, password),
    dropUsers: (usernames) => postgres.dropRoles(usernames),
    loginWorks: (username, password) => postgres.loginWorks(postgres.superuserSecret({ username, password })),
  };
}

function mysqlTestDatabase(prefix: string): TestDatabase {
  return {
    superuserSecret: () => ({ ...mariadb.secretFor(mariadb.mariaDb()) }),
    superuserPassword: () => mariadb.mariaDb().password,
    userSecret: (username, password) => ({
      ...mariadb.secretFor(mariadb.mariaDb(), {}, { username, password }),
    }),
    uniqueUser: () => mariadb.uniqueName(prefix),
    createUser: (username, password) => mariadb.createUser(mariadb.mariaDb(), username, password),
    dropUsers: async (usernames) => {
      for (const username of usernames) await mariadb.dropUser(mariadb.mariaDb(), username);
    },
    loginWorks: (username, password) => mariadb.loginWorks(mariadb.mariaDb(), username, password),
  };
}

/** Every engine's test database; `redis()` returns the server the caller's beforeAll started. */
function templateDatabases(prefix: string, redis: () => StartedRedis) {
  return {
    postgres: postgresTestDatabase(prefix),
    mysql: mysqlTestDatabase(prefix),
    redshift: redshiftTestDatabase(prefix) as TestDatabase,
    redis: redisTestDatabase(redis, prefix) as TestDatabase,
  };
}

export { templateDatabases };
export type { Json, TestDatabase };
