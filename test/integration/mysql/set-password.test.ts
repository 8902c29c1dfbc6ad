import { createMySqlAdapter } from '../../../src/adapters/mysql/index.js';
import type { RotationError } from '../../../src/shared/errors.js';
import { DatabaseConnectionError, RoleNotFoundError } from '../../../src/shared/errors.js';
import { redact } from '../../../src/shared/redact.js';
import {
  ALL_PUNCTUATION,
  asAdmin,
  createUser,
  describeWithMariaDb,
  dropUser,
  loginWorks,
  mariaDb,
  secretFor,
  uniqueName,
} from '../../support/mariadb.js';

/** Everything an error could carry to a log: message, context, cause, and the logger's redacted form. */
function everythingPrintable(error: unknown): string {
  const e = error as RotationError & { cause?: Error & Record<string, unknown> };
  return [
    e.message,
    JSON.stringify(e.context),
    e.cause?.message,
    JSON.stringify(e.cause),
    JSON.stringify(redact(e)),
  ]
    .filter(Boolean)
    .join('\n');
}

describeWithMariaDb('MySQL adapter: setPassword', () => {
  const adapter = createMySqlAdapter();

  describe('a user changing its own password (single user)', () => {
    const user = uniqueName('single');
    const oldPassword = 'old-password-1';
    beforeAll(() => createUser(mariaDb(), user, oldPassword));
    afterAll(() => dropUser(mariaDb(), user));

    it('makes the new password log in and the old one fail', async () => {
      const login = secretFor(mariaDb(), {}, { username: user, password: oldPassword });
      await adapter.setPassword(login, { username: user, password: 'new-password-2' });
      expect(await loginWorks(mariaDb(), user, 'new-password-2')).toBe(true);
      expect(await loginWorks(mariaDb(), user, oldPassword)).toBe(false);
      expect(await adapter.canLogin({ ...login, password: 'new-password-2' })).toBe(true);
      expect(await adapter.canLogin(login)).toBe(false);
    });
  });

  describe('names and passwords that need quoting', () => {
    const server = () => mariaDb();
    const awkwardUsers = [
      `o'brien ${uniqueName('q')}`,
      `back\\slash "dq" ${uniqueName('b')}`.slice(0, 80),
      `üñí ç∂ 名前 ${uniqueName('u')}`,
      `semi;colon -- ${uniqueName('s')}`,
    ];
    const passwords = [
      ALL_PUNCTUATION,
      ` ${ALL_PUNCTUATION} with spaces `,
      "' OR '1'='1",
      "\\\\'\\",
      'pässwörd ünïcode 🔑',
    ];

    afterAll(async () => {
      for (const user of awkwardUsers) await dropUser(server(), user);
    });

    it.each(awkwardUsers)(
      'changes the password of the user %j to every awkward password, as itself',
      async (user) => {
        let current = 'start-password-1';
        await createUser(server(), user, current);
        for (const password of passwords) {
          await adapter.setPassword(secretFor(server(), {}, { username: user, password: current }), {
            username: user,
            password,
          });
          expect(await loginWorks(server(), user, password)).toBe(true);
          expect(await loginWorks(server(), user, current)).toBe(false);
          current = password;
        }
      },
    );

    it('changes the password of an awkward user as the admin', async () => {
      const user = awkwardUsers[0] as string;
      await adapter.setPassword(secretFor(server()), {
        username: user,
        password: `admin set ${ALL_PUNCTUATION}`,
      });
      expect(await loginWorks(server(), user, `admin set ${ALL_PUNCTUATION}`)).toBe(true);
    });
  });

  describe('the account host part', () => {
    const user = uniqueName('hosts');
    beforeAll(async () => {
      await createUser(mariaDb(), user, 'percent-password', { host: '%' });
      await createUser(mariaDb(), user, 'loopback-password', { host: '127.0.0.1' });
    });
    afterAll(async () => {
      await dropUser(mariaDb(), user, '%');
      await dropUser(mariaDb(), user, '127.0.0.1');
    });

    async function passwordWorks(host: string, password: string): Promise<boolean> {
      // The server keeps one hash per account: compare by asking it to check the password.
      return asAdmin(mariaDb(), async (admin) => {
        const [rows] = await admin.query(
          'SELECT authentication_string = PASSWORD(?) AS same FROM mysql.user WHERE User = ? AND Host = ?',
          [password, user, host],
        );
        return Number((rows as { same: number }[])[0]?.same) === 1;
      });
    }

    it("an admin changes '<user>'@'%' by default, and only that account", async () => {
      await adapter.setPassword(secretFor(mariaDb()), { username: user, password: 'percent-2' });
      expect(await passwordWorks('%', 'percent-2')).toBe(true);
      expect(await passwordWorks('127.0.0.1', 'loopback-password')).toBe(true);
    });

    it('an admin honours the accountHost option', async () => {
      const loopback = createMySqlAdapter({ accountHost: '127.0.0.1' });
      await loopback.setPassword(secretFor(mariaDb()), { username: user, password: 'loopback-2' });
      expect(await passwordWorks('127.0.0.1', 'loopback-2')).toBe(true);
      expect(await passwordWorks('%', 'percent-2')).toBe(true);
    });

    it('a user changing itself changes the account it logged in as (here the more specific 127.0.0.1)', async () => {
      const login = secretFor(mariaDb(), {}, { username: user, password: 'loopback-2' });
      await adapter.setPassword(login, { username: user, password: 'loopback-3' });
      expect(await passwordWorks('127.0.0.1', 'loopback-3')).toBe(true);
      expect(await passwordWorks('%', 'percent-2')).toBe(true);
      expect(await adapter.canLogin({ ...login, password: 'loopback-3' })).toBe(true);
    });
  });

  describe('failures', () => {
    it('changing a user that does not exist is a RoleNotFoundError that never shows the password', async () => {
      const password = `secret-${ALL_PUNCTUATION}-value`;
      const error = await adapter
        .setPassword(secretFor(mariaDb()), { username: uniqueName('missing'), password })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RoleNotFoundError);
      expect((error as Error).message).toMatch(/missing_/);
      const printable = everythingPrintable(error);
      expect(printable).not.toContain(password);
      expect(printable).not.toContain('secret-');
      expect(printable).not.toContain(mariaDb().password);
    });

    it('a user without privileges cannot change another user, and the error shows neither password', async () => {
      const user = uniqueName('weak');
      await createUser(mariaDb(), user, 'weak-password-1');
      try {
        const error = await adapter
          .setPassword(secretFor(mariaDb(), {}, { username: user, password: 'weak-password-1' }), {
            username: mariaDb().user,
            password: 'taken-over-1',
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseConnectionError);
        const printable = everythingPrintable(error);
        expect(printable).not.toContain('weak-password-1');
        expect(printable).not.toContain('taken-over-1');
        expect(await loginWorks(mariaDb(), mariaDb().user, mariaDb().password)).toBe(true);
      } finally {
        await dropUser(mariaDb(), user);
      }
    });

    it('a wrong login password is a LoginFailedError that does not show it', async () => {
      const error = await adapter
        .setPassword(
          secretFor(mariaDb(), {}, { username: mariaDb().user, password: 'not-the-admin-password' }),
          {
            username: 'anyone',
            password: 'new-password-9',
          },
        )
        .catch((e: unknown) => e);
      expect((error as RotationError).code).toBe('LOGIN_FAILED');
      expect(everythingPrintable(error)).not.toContain('not-the-admin-password');
    });
  });
});
