// Jest's globalSetup loads this ESM file; the implementation is CommonJS so test files can use it too.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startMariaDb } = require('./mariadb-server.cjs');

export { startMariaDb };
