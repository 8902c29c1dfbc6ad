/**
 * A rotation Lambda for a Redis ACL user: the entry a template would be. It only picks options;
 * the adapter holds the Redis logic. In your own project, import from `rotation-kit` instead of
 * `../../src/index.js`.
 *
 * The secret: `{ "engine": "redis", "host", "port", "username", "password", "masterarn" }`, where
 * `masterarn` names the secret of an admin user allowed to run `ACL SETUSER` (see README.md). A
 * superuser changes the password because in Redis a user allowed to change its own password may
 * change any user's. For zero downtime, use `alternatingUsers()` instead.
 */
import { createRotationHandler, singleUser } from '../../src/index.js';
import { createRedisAclAdapter } from './adapter.js';
import type { PersistMode } from './adapter.js';

/** `none` (default), `acl-save` or `config-rewrite`: how the server keeps its users. Checked at cold start. */
const persist = (process.env.REDIS_ACL_PERSIST || undefined) as PersistMode | undefined;

const handler = createRotationHandler({
  adapter: createRedisAclAdapter({ persist }),
  strategy: singleUser({ changedBy: 'superuser' }),
});

export { handler };
