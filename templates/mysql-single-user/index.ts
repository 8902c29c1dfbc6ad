/** Rotates a MySQL/MariaDB user's own password (single user). Handler: `index.handler`. */
import { createRotationHandler, singleUser } from '../../src/index.js';
import { createMySqlAdapter } from '../../src/adapters/mysql/index.js';

export const handler = createRotationHandler({ adapter: createMySqlAdapter(), strategy: singleUser() });
