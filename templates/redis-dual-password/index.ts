/**
 * Rotates a Redis/Valkey ACL user with two valid passwords (zero downtime, no clone user): the
 * `masterarn` superuser adds the new password and retires the one before AWSCURRENT's. Handler:
 * `index.handler`. `ROTATION_KIT_REDIS_PERSIST` (`none`, `acl-save`, `config-rewrite`) says how the
 * server keeps its users.
 */
import { createRotationHandler, dualPassword } from '../../src/index.js';
import { createRedisAdapter } from '../../src/adapters/redis/index.js';
import type { PersistMode } from '../../src/adapters/redis/index.js';

const persist = (process.env.ROTATION_KIT_REDIS_PERSIST || undefined) as PersistMode | undefined;

export const handler = createRotationHandler({
  adapter: createRedisAdapter({ persist }),
  strategy: dualPassword({ changedBy: 'superuser' }),
});
