/**
 * The zero-downtime scenario (issue 5), shared by test/e2e/zero-downtime.test.ts and
 * bench/zero-downtime.ts: a PostgreSQL application user and its secret, the real template's handler
 * as the rotation function, N RotateSecret calls one after another, and a `LoginLoop` logging in with
 * whatever AWSCURRENT says the whole time. Free of Jest globals.
 *
 * Pacing. On AWS the four steps are four separate Lambda invocations, and rotations are days apart.
 * With `paced: true` the scenario keeps both facts, measured in client actions instead of time so it
 * is deterministic: after setSecret, each rotation waits until every client has made a login attempt
 * (the window between setSecret and finishSecret, where a single-user rotation has already changed
 * the password AWSCURRENT still names), and the next rotation starts only once every client has
 * logged in with credentials read after the last one finished (rotations further apart than the
 * clients' cache TTL). With `paced: false` rotations follow each other as fast as they run, which
 * breaks the second assumption for a caching client.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { PostgresAddress } from '../../support/postgres.js';
import { createRole, postgresAddress, superuserSecret, uniqueRole } from '../../support/postgres.js';
import { randomPassword } from './databases.js';
import { LoginLoop } from './login-loop.js';
import type { ClientModel, Credentials, LoopStats } from './login-loop.js';
import { readSecret } from './rotation-rig.js';
import type { RotationRig, TemplateName } from './rotation-rig.js';
import { loginWorks, redisCall } from '../../support/redis-server.js';
import type { StartedRedis } from '../../support/redis-server.js';

type PostgresTemplate = 'postgres-multi-user' | 'postgres-single-user';
type RedisTemplate = 'redis-dual-password' | 'redis-single-user';

interface PostgresApp {
  secretArn: string;
  /** Roles to drop afterwards (the clone included). */
  roles: string[];
}

/**
 * An application role (and, for the multi-user template, the superuser secret its `masterarn`
 * names) with its secret in the local Secrets Manager. TLS mode `disable`: the server has none.
 */
async function createPostgresApp(
  rig: RotationRig,
  template: PostgresTemplate,
  address: PostgresAddress = postgresAddress(),
): Promise<PostgresApp> {
  const user = uniqueRole('rk_zd');
  const password = randomPassword();
  await createRole(user, password, '', address);
  const secret: Record<string, unknown> = { ...superuserSecret({ username: user, password }, address) };
  if (template === 'postgres-multi-user') {
    secret.masterarn = await rig.createSecret(`zero-downtime/${user}/master`, {
      ...superuserSecret({}, address),
    });
  }
  const secretArn = await rig.createSecret(`zero-downtime/${user}`, secret);
  return { secretArn, roles: [`${user}_clone`, user] };
}

/** What an application does to log in: a new connection with the secret's keys, and one query. */
async function postgresAppLogin(credentials: Credentials): Promise<boolean> {
  const client = new Client({
    host: String(credentials.host),
    port: Number(credentials.port),
    database: String(credentials.dbname ?? 'postgres'),
    user: credentials.username,
    password: credentials.password,
    ssl: false,
    connectionTimeoutMillis: 5_000,
    application_name: 'rotation-kit-e2e-app',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === '28P01') return false; // invalid_password
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A Redis ACL user allowed `GET` on its keys (no ACL rights: both templates change passwords as the
 * `masterarn` admin), its secret and the admin's. TLS mode `disable`: the test server has none.
 */
async function createRedisApp(
  rig: RotationRig,
  template: RedisTemplate,
  redis: StartedRedis,
): Promise<PostgresApp> {
  const user = `rk_zd_${template.replace(/-/g, '_')}_${process.pid}_${Date.now()}`;
  const password = randomPassword();
  await redisCall(redis, ['ACL', 'SETUSER', user, 'reset', 'on', `>${password}`, '~app:*', '-@all', '+get']);
  const address = { engine: 'redis', host: redis.host, port: redis.port, sslmode: 'disable' };
  const masterarn = await rig.createSecret(`zero-downtime/${user}/admin`, { ...address, ...redis.admin });
  const secretArn = await rig.createSecret(`zero-downtime/${user}`, {
    ...address,
    username: user,
    password,
    masterarn,
  });
  return { secretArn, roles: [user] };
}

/** An application's login to Redis: `AUTH <user> <password>` on a new connection. */
function redisAppLogin(redis: StartedRedis): (credentials: Credentials) => Promise<boolean> {
  return (credentials) => loginWorks(redis, credentials.username, credentials.password);
}

interface ZeroDowntimeOptions {
  rig: RotationRig;
  template: TemplateName;
  /** How an application logs in; default a PostgreSQL connection and `SELECT 1`. */
  login?(credentials: Credentials): Promise<boolean>;
  secretArn: string;
  rotations: number;
  paced: boolean;
  clients: readonly ClientModel[];
  /** Bounds of the login loop. */
  maxLogins: number;
  maxMs: number;
}

interface ZeroDowntimeResult {
  template: TemplateName;
  paced: boolean;
  rotations: number;
  /** AWSCURRENT's username after each rotation. */
  currentUsers: string[];
  stats: LoopStats;
  ms: number;
}

async function runZeroDowntime(options: ZeroDowntimeOptions): Promise<ZeroDowntimeResult> {
  const { rig, template, secretArn, paced } = options;
  const appClient = rig.newClient();
  const loop = new LoginLoop({
    clients: options.clients,
    readCurrent: () => readSecret(appClient, secretArn),
    login: options.login ?? postgresAppLogin,
    maxLogins: options.maxLogins,
    maxMs: options.maxMs,
  });
  const functionArn = rig.register(
    `${template}-${paced ? 'paced' : 'back-to-back'}`,
    await rig.template(template),
    async (step) => {
      if (paced && step === 'setSecret') await loop.attempted();
    },
  );
  const currentUsers: string[] = [];
  const started = performance.now();
  loop.start();
  let stats: LoopStats;
  try {
    await loop.refreshed(); // every client is up and has logged in once
    for (let rotation = 0; rotation < options.rotations; rotation += 1) {
      loop.setRotating(true);
      await rig.rotateOrThrow(secretArn, functionArn);
      loop.setRotating(false);
      currentUsers.push((await rig.read(secretArn)).username);
      if (paced) await loop.refreshed();
    }
  } finally {
    stats = await loop.stop();
    appClient.destroy();
  }
  return {
    template,
    paced,
    rotations: options.rotations,
    currentUsers,
    stats,
    ms: Math.round(performance.now() - started),
  };
}

export { createPostgresApp, createRedisApp, postgresAppLogin, redisAppLogin, runZeroDowntime };
export type { PostgresApp, PostgresTemplate, RedisTemplate, ZeroDowntimeOptions, ZeroDowntimeResult };
