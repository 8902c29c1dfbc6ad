// A password change that waits on another session's lock must be aborted by the server when the
// adapter gives up, never applied later (after the step reported failure, after `repair` acted on
// the old password). The MySQL adapter's twin: test/integration/mysql/server-modes.test.ts.
import { Client } from 'pg';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import { DatabaseConnectionError } from '../../../src/shared/errors.js';
import {
  createRole,
  dropRoles,
  loginWorks,
  postgresAddress,
  randomPassword,
  sessionCount,
  superuserSecret,
  uniqueRole,
  userSecret,
} from '../../support/postgres.js';

const role = uniqueRole('rk_locked');
const oldPassword = randomPassword();
const applicationName = `rk-timeout-${process.pid}`;

beforeAll(() => createRole(role, oldPassword));
afterAll(() => dropRoles([role]));

/** Waits (bounded) until the adapter's server session has ended: whatever it was going to do is done. */
async function adapterSessionsGone(): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if ((await sessionCount(applicationName)) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('a change that waits on a lock', () => {
  it('ends with DatabaseConnectionError after queryTimeoutMs, is aborted by the server, and never lands later', async () => {
    const holder = new Client({ ...postgresAddress(), ssl: false });
    await holder.connect();
    const newPassword = randomPassword();
    const quick = createPostgresAdapter({ queryTimeoutMs: 300, applicationName });
    try {
      // Another session alters the role and keeps its transaction open: the role's row is locked.
      await holder.query(`BEGIN; ALTER ROLE ${holder.escapeIdentifier(role)} CONNECTION LIMIT 7`);
      const error = await quick
        .setPassword(superuserSecret(), { username: role, password: newPassword })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toMatch(
        /aborted it, so nothing changed: .*(lock|statement) timeout \((55P03|57014)\)/,
      );
      expect((error as Error).message).not.toContain(newPassword);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await adapterSessionsGone()).toBe(true);
    const secret = userSecret(superuserSecret(), role, oldPassword);
    expect(await loginWorks(secret)).toBe(true);
    expect(await loginWorks({ ...secret, password: newPassword })).toBe(false);
  });
});
