// Global server settings (read_only, sql_mode) would disturb other test files sharing the global
// server, so this file starts a private one.
import { createMySqlAdapter } from '../../../src/adapters/mysql/index.js';
import { DatabaseConnectionError, ReadOnlyDatabaseError } from '../../../src/shared/errors.js';
import { startMariaDb } from '../../support/mariadb-server.cjs';
import type { StartedMariaDb } from '../../support/mariadb-server.cjs';
import type { MariaDbServer } from '../../support/mariadb.js';
import {
  ALL_PUNCTUATION,
  adminConnection,
  asAdmin,
  createUser,
  describeWithMariaDb,
  loginWorks,
  secretFor,
  serverFromEnv,
} from '../../support/mariadb.js';

describeWithMariaDb('MySQL adapter on a server with unusual global settings', () => {
  const adapter = createMySqlAdapter();
  let started: StartedMariaDb;
  let server: MariaDbServer;

  beforeAll(async () => {
    started = (await startMariaDb()) as StartedMariaDb;
    server = serverFromEnv(started.env);
    await createUser(server, 'app', 'app-password-1');
    await createUser(server, 'model', 'model-password-1', { grants: ['GRANT PROCESS ON *.* TO ?@?'] });
  }, 60_000);

  afterAll(() => started?.stop());

  describe('read_only = ON', () => {
    beforeAll(() => asAdmin(server, (admin) => admin.query('SET GLOBAL read_only = 1')));
    afterAll(() => asAdmin(server, (admin) => admin.query('SET GLOBAL read_only = 0')));

    it('setPassword by the admin (whom the server would let through) is refused with ReadOnlyDatabaseError', async () => {
      const error = await adapter
        .setPassword(secretFor(server), { username: 'app', password: 'app-password-2' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReadOnlyDatabaseError);
      expect((error as Error).message).toMatch(/@@read_only is ON/);
      expect(await loginWorks(server, 'app', 'app-password-1')).toBe(true);
    });

    it('setPassword by the user itself is refused the same way', async () => {
      const login = secretFor(server, {}, { username: 'app', password: 'app-password-1' });
      await expect(
        adapter.setPassword(login, { username: 'app', password: 'app-password-2' }),
      ).rejects.toBeInstanceOf(ReadOnlyDatabaseError);
      expect(await loginWorks(server, 'app', 'app-password-1')).toBe(true);
    });

    it('ensureUserLike is refused before anything is created', async () => {
      await expect(
        adapter.ensureUserLike!(secretFor(server), 'model', {
          username: 'model_clone',
          password: 'clone-password-1',
        }),
      ).rejects.toBeInstanceOf(ReadOnlyDatabaseError);
      const [rows] = await asAdmin(server, (admin) =>
        admin.query("SELECT User FROM mysql.user WHERE User = 'model_clone'"),
      );
      expect(rows).toEqual([]);
    });

    it('canLogin still works (a read-only server can be tested)', async () => {
      await expect(adapter.canLogin(secretFor(server))).resolves.toBe(true);
    });
  });

  describe('a change that waits on a lock', () => {
    it('ends with DatabaseConnectionError after queryTimeoutMs, is cancelled, and never lands later', async () => {
      const holder = await adminConnection(server);
      try {
        await holder.query('FLUSH TABLES WITH READ LOCK'); // blocks every write until released
        const quick = createMySqlAdapter({ queryTimeoutMs: 300 });
        const error = await quick
          .setPassword(secretFor(server), { username: 'app', password: 'blocked-password-1' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseConnectionError);
        expect((error as Error).message).toMatch(/PROTOCOL_SEQUENCE_TIMEOUT.*the statement was cancelled/);
        expect((error as Error).message).not.toContain('blocked-password-1');
      } finally {
        await holder.query('UNLOCK TABLES');
        await holder.end();
      }
      expect(await loginWorks(server, 'app', 'app-password-1')).toBe(true);
    });
  });

  describe('sql_mode with NO_BACKSLASH_ESCAPES and ANSI_QUOTES', () => {
    beforeAll(() =>
      asAdmin(server, (admin) =>
        admin.query("SET GLOBAL sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES,STRICT_TRANS_TABLES'"),
      ),
    );
    afterAll(() => asAdmin(server, (admin) => admin.query('SET GLOBAL sql_mode = DEFAULT')));

    it('quotes a password full of backslashes and quotes correctly anyway', async () => {
      const password = `\\' ${ALL_PUNCTUATION} \\\\`;
      await adapter.setPassword(secretFor(server), { username: 'app', password });
      expect(await loginWorks(server, 'app', password)).toBe(true);
      const login = secretFor(server, {}, { username: 'app', password });
      await adapter.setPassword(login, { username: 'app', password: 'app-password-1' });
      expect(await loginWorks(server, 'app', 'app-password-1')).toBe(true);
    });

    it('copies grants (SHOW GRANTS would use double quotes in this mode)', async () => {
      await adapter.ensureUserLike!(secretFor(server), 'model', {
        username: 'mo"del\'_clone',
        password: 'clone-1',
      });
      expect(await loginWorks(server, 'mo"del\'_clone', 'clone-1')).toBe(true);
      const [rows] = await asAdmin(server, async (admin) => {
        await admin.query("SET SESSION sql_mode = ''"); // mysql2's escaping (backslashes) needs this
        return admin.query('SHOW GRANTS FOR ?@?', ['mo"del\'_clone', '%']);
      });
      expect(JSON.stringify(rows)).toMatch(/GRANT PROCESS ON \*\.\*/);
    });
  });
});
