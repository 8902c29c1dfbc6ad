import { startLocalSecretsManager } from '../../src/local';
import type { LocalSecretsManager } from '../../src/local';
import { createMemoryAdapter } from '../../src/testing/memory-adapter';
import { crashAndRetryProperty } from './support/crash-model';

// CI runs at least 1,000 interleavings; ROTATION_KIT_PROPERTY_RUNS raises (or, locally, lowers) it.
const RUNS = Number(process.env.ROTATION_KIT_PROPERTY_RUNS ?? 1000);

describe('crash and retry interleavings, in-memory database', () => {
  let server: LocalSecretsManager;
  beforeAll(async () => (server = await startLocalSecretsManager()));
  afterAll(() => server.stop());

  it(`keeps a working password on the secret's own server at every moment, through repairs, hostile pending versions and timeouts, and completes cleanly (${RUNS} runs)`, async () => {
    await crashAndRetryProperty({
      server,
      runs: RUNS,
      async newTarget(run) {
        const password = `Original-${run}-Pa55`;
        return {
          adapter: createMemoryAdapter({ users: { app: password } }),
          secret: { engine: 'memory', host: 'db', port: 1, username: 'app', password },
          // Another port or host (a second server), another user.
          hostile: [{ port: 2 }, { host: 'replica.db' }, { username: 'admin' }],
        };
      },
    });
  }, 900_000);
});
