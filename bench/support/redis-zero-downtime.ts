/**
 * Zero downtime on Redis (issue 15): the login loop of test/e2e/support/login-loop.ts, run against
 * a private redis-server while N rotations of redis-dual-password run, beside redis-single-user for
 * contrast. Clients read AWSCURRENT before every login or cache it for `cacheMs`; paced as described
 * in test/e2e/support/zero-downtime.ts. Shared by `npm run bench` and bench/zero-downtime.ts.
 */
import type { ClientModel } from '../../test/e2e/support/login-loop.js';
import { RotationRig } from '../../test/e2e/support/rotation-rig.js';
import { createRedisApp, redisAppLogin, runZeroDowntime } from '../../test/e2e/support/zero-downtime.js';
import type { RedisTemplate } from '../../test/e2e/support/zero-downtime.js';
import { redisMissingReason, startRedisServer } from '../../test/support/redis-server.js';

interface RedisZeroDowntimeRow {
  strategy: 'dual-password' | 'single-user';
  template: RedisTemplate;
  pacing: 'paced' | 'back-to-back';
  client: string;
  cacheMs: number;
  clients: number;
  logins: number;
  failures: number;
  errors: number;
  loginsDuringRotation: number;
  failureRate: number;
}

const STRATEGY: Record<RedisTemplate, RedisZeroDowntimeRow['strategy']> = {
  'redis-dual-password': 'dual-password',
  'redis-single-user': 'single-user',
};

/** Rows per template, pacing and client model; undefined (with the reason) when redis-server is missing. */
async function measureRedisZeroDowntime(options: {
  rotations: number;
  clients: readonly ClientModel[];
  pacings?: readonly boolean[];
}): Promise<{ rows: RedisZeroDowntimeRow[] } | { skipped: string }> {
  const missing = redisMissingReason();
  if (missing) return { skipped: missing };
  const redis = await startRedisServer();
  const rig = await RotationRig.start();
  const rows: RedisZeroDowntimeRow[] = [];
  try {
    for (const paced of options.pacings ?? [true]) {
      for (const template of ['redis-dual-password', 'redis-single-user'] as const) {
        const app = await createRedisApp(rig, template, redis);
        const result = await runZeroDowntime({
          rig,
          template,
          login: redisAppLogin(redis),
          secretArn: app.secretArn,
          rotations: options.rotations,
          paced,
          clients: options.clients,
          maxLogins: 100_000,
          maxMs: 600_000,
        });
        const byModel = new Map<string, RedisZeroDowntimeRow>();
        for (const client of result.stats.clients) {
          const row = byModel.get(client.name) ?? {
            strategy: STRATEGY[template],
            template,
            pacing: paced ? 'paced' : 'back-to-back',
            client: client.name,
            cacheMs: client.cacheMs,
            clients: 0,
            logins: 0,
            failures: 0,
            errors: 0,
            loginsDuringRotation: 0,
            failureRate: 0,
          };
          row.clients += 1;
          row.logins += client.logins;
          row.failures += client.failures;
          row.errors += client.errors;
          row.loginsDuringRotation += client.loginsDuringRotation;
          row.failureRate = row.logins === 0 ? 0 : Number((row.failures / row.logins).toFixed(4));
          byModel.set(client.name, row);
        }
        rows.push(...byModel.values());
      }
    }
  } finally {
    await rig.stop();
    await redis.stop();
  }
  return { rows };
}

export { measureRedisZeroDowntime };
export type { RedisZeroDowntimeRow };
