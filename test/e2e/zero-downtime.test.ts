// Issue 5, proved: application clients keep logging in with whatever AWSCURRENT says during 20
// rotations of the real postgres-multi-user template, run one after another, and none of their
// logins fails. The same loop against postgres-single-user, for contrast, is counted and printed
// (not asserted to be zero). The application model is described in support/login-loop.ts; the
// pacing (each rotation held between setSecret and finishSecret until every client has tried a
// login, the next one started once every client uses what the last one made current) in
// support/zero-downtime.ts. bench/zero-downtime.ts reports the same measurement as numbers, and
// also without pacing.
import { dropRoles } from '../support/postgres.js';
import { describeWithRedis, startRedisServer } from '../support/redis-server.js';
import type { StartedRedis } from '../support/redis-server.js';
import type { ClientModel } from './support/login-loop.js';
import { RotationRig } from './support/rotation-rig.js';
import {
  createPostgresApp,
  createRedisApp,
  redisAppLogin,
  runZeroDowntime,
} from './support/zero-downtime.js';
import type { PostgresTemplate, RedisTemplate, ZeroDowntimeResult } from './support/zero-downtime.js';

const ROTATIONS = 20;
const CLIENTS: ClientModel[] = [
  { name: 'reads AWSCURRENT before every login', cacheMs: 0 },
  { name: 'caches what it read for 100 ms', cacheMs: 100 },
];
// Pacing guarantees each client two logins per rotation (one between setSecret and finishSecret,
// one with what finishSecret made current) and one at the start.
const MIN_LOGINS_PER_CLIENT = 2 * ROTATIONS + 1;
const BOUNDS = { maxLogins: 20_000, maxMs: 90_000 };

let rig: RotationRig;
const roles: string[] = [];

beforeAll(async () => {
  rig = await RotationRig.start();
});

afterAll(async () => {
  await rig?.stop();
  await dropRoles(roles);
});

async function run(
  template: PostgresTemplate | RedisTemplate,
  redis?: StartedRedis,
): Promise<ZeroDowntimeResult> {
  const app = redis
    ? await createRedisApp(rig, template as RedisTemplate, redis)
    : await createPostgresApp(rig, template as PostgresTemplate);
  if (!redis) roles.push(...app.roles);
  const result = await runZeroDowntime({
    rig,
    template,
    ...(redis && { login: redisAppLogin(redis) }),
    secretArn: app.secretArn,
    rotations: ROTATIONS,
    paced: true,
    clients: CLIENTS,
    ...BOUNDS,
  });
  const lines = result.stats.clients.map(
    (client) =>
      `  ${client.name}: ${client.logins} logins, ${client.failures} failed ` +
      `(${client.loginsDuringRotation} during rotations, ${client.reads} reads)`,
  );
  console.log(
    `${template}, ${ROTATIONS} rotations: ${result.stats.logins} logins, ` +
      `${result.stats.failures} failed, ${result.stats.errors} errors\n${lines.join('\n')}`,
  );
  return result;
}

function expectLoopRan(result: ZeroDowntimeResult): void {
  expect({ errors: result.stats.errors, firstError: result.stats.firstError }).toEqual({
    errors: 0,
    firstError: undefined,
  });
  expect(result.currentUsers).toHaveLength(ROTATIONS);
  for (const client of result.stats.clients) {
    expect(client.logins).toBeGreaterThanOrEqual(MIN_LOGINS_PER_CLIENT);
    expect(client.loginsDuringRotation).toBeGreaterThanOrEqual(ROTATIONS);
  }
}

describe('zero downtime (issue 5): clients logging in with AWSCURRENT during 20 rotations', () => {
  it('alternating users (postgres-multi-user): zero failed logins, and both users take turns', async () => {
    const result = await run('postgres-multi-user');

    expectLoopRan(result);
    expect(result.stats.failures).toBe(0);
    const user = result.currentUsers[1] as string;
    const clone = `${user}_clone`;
    expect(result.currentUsers).toEqual(
      Array.from({ length: ROTATIONS }, (_, index) => (index % 2 === 0 ? clone : user)),
    );
    for (const client of result.stats.clients) {
      expect(Object.keys(client.usersLoggedIn).sort()).toEqual([user, clone].sort());
    }
  }, 120_000);

  it('single user (postgres-single-user), for contrast: the same loop, failures counted', async () => {
    const result = await run('postgres-single-user');

    expectLoopRan(result);
    // Not asserted to be zero, or to be any number: printed above and measured by the benchmark.
    // At least one failure shows that the loop does see a rejected login when there is one (a loop
    // that could not would make the zero above meaningless): between setSecret and finishSecret,
    // which the pacing makes every client cross, AWSCURRENT names a password that no longer works.
    expect(result.stats.failures).toBeGreaterThan(0);
    expect(new Set(result.currentUsers).size).toBe(1);
  }, 120_000);
});

// Issue 15: the dual-password strategy on Redis gives the same zero with one user and no clone.
describeWithRedis(
  'zero downtime (issue 15): dual password on Redis, clients using AWSCURRENT during 20 rotations',
  () => {
    let redis: StartedRedis;
    beforeAll(async () => (redis = await startRedisServer()));
    afterAll(async () => redis?.stop());

    it('dual password (redis-dual-password): zero failed logins, one user throughout', async () => {
      const result = await run('redis-dual-password', redis);

      expectLoopRan(result);
      expect(result.stats.failures).toBe(0);
      expect(new Set(result.currentUsers).size).toBe(1);
    }, 120_000);

    it('single user (redis-single-user), for contrast: the same loop sees rejected logins', async () => {
      const result = await run('redis-single-user', redis);

      expectLoopRan(result);
      expect(result.stats.failures).toBeGreaterThan(0);
    }, 120_000);
  },
);
