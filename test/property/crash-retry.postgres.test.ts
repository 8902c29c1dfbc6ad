import { startLocalSecretsManager } from '../../src/local';
import type { LocalSecretsManager } from '../../src/local';
import { createPostgresAdapter } from '../../src/adapters/postgres';
import { createRole, randomPassword, superuserSecret, uniqueRole, userSecret } from '../support/postgres';
import { crashAndRetryProperty } from './support/crash-model';

// Fewer runs than the in-memory property: each one creates a role and logs in to a real server.
const RUNS = Number(process.env.ROTATION_KIT_PG_PROPERTY_RUNS ?? 40);

describe('crash and retry interleavings, real PostgreSQL', () => {
  let server: LocalSecretsManager;
  beforeAll(async () => (server = await startLocalSecretsManager()));
  afterAll(() => server.stop());

  it(`keeps a working password at every moment and completes cleanly (${RUNS} runs)`, async () => {
    const adapter = createPostgresAdapter();
    await crashAndRetryProperty({
      server,
      runs: RUNS,
      async newTarget() {
        const role = uniqueRole('rk_crash');
        const password = randomPassword();
        await createRole(role, password);
        return { adapter, secret: userSecret(superuserSecret(), role, password) };
      },
    });
  }, 900_000);
});
