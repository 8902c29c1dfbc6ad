// Starts the real database servers once for the whole run and hands their addresses to the test
// workers through the environment (workers are forked after this runs).
import { startPostgres } from './postgres-server.mjs';
import { startMariaDb } from './mariadb-server.mjs';

export default async function globalSetup() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Names this run's work folder for test/package (removed by globalTeardown, also in this process).
  process.env.ROTATION_KIT_TEST_RUN = String(process.pid);
  const [postgres, mariadb] = await Promise.all([startPostgres(), startMariaDb()]);
  globalThis.__ROTATION_KIT_SERVERS__ = [postgres, mariadb].filter(Boolean);
  for (const server of globalThis.__ROTATION_KIT_SERVERS__) Object.assign(process.env, server.env);
}
