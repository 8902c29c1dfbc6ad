// The embedded PostgreSQL starter lives in src/embedded/ (the demo ships it); this path stays for the
// tests, globalSetup and benchmarks that import `startPostgres` from here or run it as a script:
//   node test/support/postgres-server.mjs '{"tls":{...}}'   (see src/embedded/postgres-server.mjs)
import { runIfMain } from '../../src/embedded/postgres-server.mjs';

export * from '../../src/embedded/postgres-server.mjs';

runIfMain(import.meta.url);
