/**
 * Rotates a Redis/Valkey ACL user's password (single user), set by the `masterarn` superuser: in
 * Redis a user allowed to change its own password may change anyone's. Handler: `index.handler`.
 * `ROTATION_KIT_REDIS_PERSIST` (`none`, `acl-save`, `config-rewrite`) says how the server keeps its users.
 */
import { createRotationHandler, singleUser } from '../../src/index.js';
import { createRedisAdapter } from '../../src/adapters/redis/index.js';
import type { PersistMode } from '../../src/adapters/redis/index.js';

const persist = (process.env.ROTATION_KIT_REDIS_PERSIST || undefined) as PersistMode | undefined;

export const handler = createRotationHandler({
  adapter: createRedisAdapter({ persist }),
  strategy: singleUser({ changedBy: 'superuser' }),
});
