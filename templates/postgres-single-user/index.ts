/** Rotates a PostgreSQL user's own password (single user). Handler: `index.handler`. */
import { createRotationHandler, singleUser } from '../../src/index.js';
import { createPostgresAdapter } from '../../src/adapters/postgres/index.js';

export const handler = createRotationHandler({ adapter: createPostgresAdapter(), strategy: singleUser() });
