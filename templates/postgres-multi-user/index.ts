/** Alternates a PostgreSQL user and its `_clone`, set by the `masterarn` superuser. Handler: `index.handler`. */
import { alternatingUsers, createRotationHandler } from '../../src/index.js';
import { createPostgresAdapter } from '../../src/adapters/postgres/index.js';

export const handler = createRotationHandler({
  adapter: createPostgresAdapter(),
  strategy: alternatingUsers(),
});
