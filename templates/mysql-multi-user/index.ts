/** Alternates a MySQL/MariaDB user and its `_clone`, set by the `masterarn` superuser. Handler: `index.handler`. */
import { alternatingUsers, createRotationHandler } from '../../src/index.js';
import { createMySqlAdapter } from '../../src/adapters/mysql/index.js';

export const handler = createRotationHandler({ adapter: createMySqlAdapter(), strategy: alternatingUsers() });
