// The crash-and-retry property for the dual-password strategy on a real redis-server: every
// password is added and retired by the Redis adapter, and every login check is a real AUTH.
import { startLocalSecretsManager } from '../../src/local';
import type { LocalSecretsManager } from '../../src/local';
import { createRedisAdapter } from '../../src/adapters/redis';
import type { RedisSecret } from '../../src/adapters/redis';
import { describeWithRedis, redisCall, startRedisServer, unusedPort } from '../support/redis-server';
import type { StartedRedis } from '../support/redis-server';
import { crashAndRetryProperty } from './support/crash-model';

// Fewer runs than the in-memory property: each one logs in to a real server many times.
const RUNS = Number(process.env.ROTATION_KIT_REDIS_PROPERTY_RUNS ?? 40);

describeWithRedis('crash and retry interleavings, dual password on a real redis-server', () => {
  let server: LocalSecretsManager;
  let redis: StartedRedis;
  beforeAll(async () => {
    server = await startLocalSecretsManager();
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it(`a working password at every moment; after completion AWSCURRENT and AWSPREVIOUS log in and no other password ever stored does (${RUNS} runs)`, async () => {
    const adapter = createRedisAdapter({ timeoutMs: 2000 });
    const closed = await unusedPort();
    await crashAndRetryProperty<RedisSecret>({
      server,
      runs: RUNS,
      strategy: 'dual-password',
      async newTarget(run) {
        const username = `rk_crash_${process.pid}_${run}`;
        const password = `Original-${run}-Pa55`;
        // The user changes its own passwords (changedBy 'self'), so it may run ACL SETUSER.
        await redisCall(redis, [
          'ACL',
          'SETUSER',
          username,
          'reset',
          'on',
          `>${password}`,
          '+ping',
          '+acl|setuser',
        ]);
        return {
          adapter,
          secret: {
            engine: 'redis',
            host: redis.host,
            port: redis.port,
            username,
            password,
            sslmode: 'disable',
          },
          hostile: [{ port: closed }, { engine: 'valkey' }, { username: redis.admin.username }],
        };
      },
    });
  }, 900_000);
});
