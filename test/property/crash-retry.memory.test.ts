import { startLocalSecretsManager } from '../../src/local';
import type { LocalSecretsManager } from '../../src/local';
import { createMemoryAdapter } from '../../src/testing/memory-adapter';
import { crashAndRetryProperty } from './support/crash-model';

// CI runs at least 1,000 interleavings; ROTATION_KIT_PROPERTY_RUNS raises (or, locally, lowers) it.
const RUNS = Number(process.env.ROTATION_KIT_PROPERTY_RUNS ?? 1000);
// The dual-password strategy shares the model; fewer runs, since the single-user ones cover the engine.
const DUAL_RUNS = Number(process.env.ROTATION_KIT_DUAL_PROPERTY_RUNS ?? 200);

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

  it(`dual password: a working password at every moment; after completion AWSCURRENT and AWSPREVIOUS log in and no other password ever stored does (${DUAL_RUNS} runs)`, async () => {
    await crashAndRetryProperty({
      server,
      runs: DUAL_RUNS,
      strategy: 'dual-password',
      async newTarget(run) {
        const password = `Original-${run}-Pa55`;
        return {
          adapter: createMemoryAdapter({ users: { app: password } }),
          secret: { engine: 'memory', host: 'db', port: 1, username: 'app', password },
          hostile: [{ port: 2 }, { host: 'replica.db' }, { username: 'admin' }],
        };
      },
    });
  }, 900_000);
});
