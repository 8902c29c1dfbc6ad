import { Client } from 'pg';
import { startLocalSecretsManager } from '../../src/local';
import type { LocalSecretsManager } from '../../src/local';
import { createPostgresAdapter } from '../../src/adapters/postgres';
import {
  createRole,
  postgresAddress,
  randomPassword,
  sessionCount,
  superuserSecret,
  uniqueRole,
  userSecret,
} from '../support/postgres';
import { closedPort } from '../e2e/support/single-user-rotation';
import { crashAndRetryProperty } from './support/crash-model';

// Fewer runs than the in-memory property: each one creates a role and logs in to a real server.
const RUNS = Number(process.env.ROTATION_KIT_PG_PROPERTY_RUNS ?? 40);
const APPLICATION_NAME = `rk-property-${process.pid}`;

/** Waits (bounded) until the adapter's sessions have ended: whatever the server was doing is done. */
async function adapterSessionsGone(): Promise<void> {
  for (let i = 0; i < 200 && (await sessionCount(APPLICATION_NAME)) > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('crash and retry interleavings, real PostgreSQL', () => {
  let server: LocalSecretsManager;
  beforeAll(async () => (server = await startLocalSecretsManager()));
  afterAll(() => server.stop());

  it(`keeps a working password on the secret's own server at every moment, through repairs, hostile pending versions and real lock timeouts, and completes cleanly (${RUNS} runs)`, async () => {
    // A short server-side timeout, so a change queued behind another session's lock is aborted quickly.
    const adapter = createPostgresAdapter({ queryTimeoutMs: 250, applicationName: APPLICATION_NAME });
    const unusedPort = await closedPort();
    await crashAndRetryProperty({
      server,
      runs: RUNS,
      async newTarget() {
        const role = uniqueRole('rk_crash');
        const password = randomPassword();
        await createRole(role, password);
        return {
          adapter,
          secret: userSecret(superuserSecret(), role, password),
          hostile: [
            { port: unusedPort },
            { dbname: 'template1' },
            { engine: 'aurora-postgresql' },
            { username: superuserSecret().username },
          ],
          async whileLocked(work) {
            const holder = new Client({ ...postgresAddress(), ssl: false });
            await holder.connect();
            try {
              await holder.query(`BEGIN; ALTER ROLE ${holder.escapeIdentifier(role)} CONNECTION LIMIT 5`);
              await work();
            } finally {
              await holder.query('ROLLBACK');
              await holder.end();
              await adapterSessionsGone();
            }
          },
        };
      },
    });
  }, 900_000);
});
