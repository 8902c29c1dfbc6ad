/**
 * Alternates a Redshift user and its `_clone`, set by the `masterarn` superuser, which copies the
 * original's privileges to the clone at every rotation. Handler: `index.handler`.
 */
import { alternatingUsers, createRotationHandler } from '../../src/index.js';
import { createRedshiftAdapter } from '../../src/adapters/redshift/index.js';

export const handler = createRotationHandler({
  adapter: createRedshiftAdapter(),
  strategy: alternatingUsers(),
});
