import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { ReadOnlyDatabaseError } from '../../../src/shared/errors.js';
import {
  spawnPostgres,
  superuserSecret,
  withSuperuser,
  type SpawnedPostgres,
} from '../../support/postgres.js';

// A real hot standby: a cluster started in recovery (standby.signal), exactly the state of a read
// replica or an Aurora reader. pg_is_in_recovery() is true and every write is refused by the server.
let standby: SpawnedPostgres;
let superuser: PostgresSecret;
const adapter = createPostgresAdapter();

beforeAll(async () => {
  standby = await spawnPostgres({ standby: true });
  superuser = superuserSecret({}, standby.address);
}, 60_000);

afterAll(() => standby?.stop());

describe('a hot standby', () => {
  it('is what the test claims: in recovery, and reachable', async () => {
    const { rows } = await withSuperuser(
      (client) => client.query('SELECT pg_is_in_recovery() AS r'),
      standby.address,
    );
    expect(rows[0].r).toBe(true);
    await expect(adapter.canLogin(superuser)).resolves.toBe(true);
  });

  it('refuses setPassword with ReadOnlyDatabaseError naming the replica, before any change is tried', async () => {
    const error = await adapter
      .setPassword(superuser, { username: superuser.username, password: 'n3w-Passw0rd' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ReadOnlyDatabaseError);
    expect(error.code).toBe('READ_ONLY_DATABASE');
    expect(error.message).toMatch(/hot standby or read replica/);
    expect(error.message).not.toContain('n3w-Passw0rd');
    // Nothing changed: the old password still works.
    await expect(adapter.canLogin(superuser)).resolves.toBe(true);
  });

  it('refuses ensureUserLike the same way', async () => {
    const error = await adapter.ensureUserLike!(superuser, superuser.username, {
      username: 'someone_clone',
      password: 'n3w-Passw0rd',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ReadOnlyDatabaseError);
  });
});
