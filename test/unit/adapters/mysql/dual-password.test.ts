// MySQL 8's dual passwords, tested as statements: no MySQL 8 server can be installed on this
// machine, so what the adapter sends is recorded through its driver seam. The refusal on MariaDB is
// proven on the real server in test/integration/mysql/dual-password.test.ts.
import { createMySqlAdapter } from '../../../../src/adapters/mysql/index.js';
import type {
  MySqlConnectionConfig,
  MySqlDriver,
  MySqlSecret,
} from '../../../../src/adapters/mysql/index.js';
import {
  addPasswordStatement,
  discardOldPasswordStatement,
  dualPasswordRefusal,
  retireStatements,
} from '../../../../src/adapters/mysql/dual-password.js';
import { ConfigurationError, DualPasswordUnsupportedError } from '../../../../src/shared/errors.js';

const ACCOUNT = { user: "o'neil", host: '%' };

describe('MySQL dual-password statements', () => {
  it.each([
    ['8.0.14', true],
    ['8.0.36', true],
    ['8.4.3', true],
    ['9.1.0', true],
    ['8.0.28-mysql_aurora.3.05.2', true],
    ['8.0.13', false],
    ['5.7.44-log', false],
    ['5.7.mysql_aurora.2.11.2', false],
    ['bogus', false],
  ])('MySQL %s: dual passwords %p', (version, supported) => {
    expect(dualPasswordRefusal('mysql', version) === undefined).toBe(supported);
  });

  it('refuses MariaDB, whatever its version', () => {
    expect(dualPasswordRefusal('mariadb', '11.4.2-MariaDB')).toMatch(/MariaDB .* has no dual passwords/);
  });

  it('adds with RETAIN CURRENT PASSWORD (REPLACE first when asked), quoting names and passwords', () => {
    expect(addPasswordStatement(ACCOUNT, "pa'ss\\word")).toBe(
      "ALTER USER 'o''neil'@'%' IDENTIFIED BY 'pa''ss\\\\word' RETAIN CURRENT PASSWORD",
    );
    expect(addPasswordStatement(ACCOUNT, 'new', 'old')).toBe(
      "ALTER USER 'o''neil'@'%' IDENTIFIED BY 'new' REPLACE 'old' RETAIN CURRENT PASSWORD",
    );
    expect(discardOldPasswordStatement(ACCOUNT)).toBe("ALTER USER 'o''neil'@'%' DISCARD OLD PASSWORD");
  });

  it('retires by setting the kept password as primary first, then discarding (or re-adding the second)', () => {
    expect(retireStatements(ACCOUNT, ['keep']).map((s) => s.sql)).toEqual([
      "ALTER USER 'o''neil'@'%' IDENTIFIED BY 'keep'",
      "ALTER USER 'o''neil'@'%' DISCARD OLD PASSWORD",
    ]);
    expect(retireStatements(ACCOUNT, ['older', 'newer']).map((s) => s.sql)).toEqual([
      "ALTER USER 'o''neil'@'%' IDENTIFIED BY 'older'",
      "ALTER USER 'o''neil'@'%' IDENTIFIED BY 'newer' RETAIN CURRENT PASSWORD",
    ]);
    expect(() => retireStatements(ACCOUNT, [])).toThrow(ConfigurationError);
    expect(() => retireStatements(ACCOUNT, ['a', 'b', 'c'])).toThrow(/at most two/);
  });
});

/** A driver that records every statement and answers like a MySQL server of `version`. */
function recordingDriver(version: string, options: { rejects?: string[]; requireCurrent?: boolean } = {}) {
  const sent: string[] = [];
  let replaced = false;
  const driver: MySqlDriver = {
    async createConnection(config: MySqlConnectionConfig) {
      if (options.rejects?.includes(config.password)) {
        throw Object.assign(new Error('Access denied'), { errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' });
      }
      return {
        async query({ sql }: { sql: string }) {
          if (sql.startsWith('SELECT VERSION()')) {
            return [[{ version, account: `${config.user}@%`, sql_mode: '', id: 7 }], []];
          }
          if (sql.startsWith('SHOW GLOBAL VARIABLES'))
            return [[{ Variable_name: 'read_only', Value: 'OFF' }], []];
          sent.push(sql);
          // password_require_current: the first change of one's own password without REPLACE fails.
          if (options.requireCurrent && !replaced && sql.includes('RETAIN') && !sql.includes('REPLACE')) {
            replaced = true;
            throw Object.assign(new Error('Current password needs to be specified'), { errno: 3892 });
          }
          return [{}, []];
        },
        async end() {},
        destroy() {},
        on() {},
      } as never;
    },
  };
  return { driver, sent };
}

const secret = (password: string): MySqlSecret => ({
  engine: 'mysql',
  host: 'db.internal',
  port: 3306,
  username: 'app',
  password,
  sslmode: 'disable',
});

describe('MySQL adapter dual-password capability (statements sent)', () => {
  it('MySQL 8.0.36: checkServer passes; retire then add send exactly the documented statements', async () => {
    const { driver, sent } = recordingDriver('8.0.36', { rejects: ['New-Pa55'] });
    const support = createMySqlAdapter({ driver }).dualPassword!;
    await support.checkServer!(secret('Cur-Pa55'));
    await support.retirePasswords(secret('Cur-Pa55'), 'app', ['Cur-Pa55']);
    await support.addPassword(secret('Cur-Pa55'), { username: 'app', password: 'New-Pa55' });
    expect(sent).toEqual([
      "ALTER USER 'app'@'%' IDENTIFIED BY 'Cur-Pa55'",
      "ALTER USER 'app'@'%' DISCARD OLD PASSWORD",
      "ALTER USER 'app'@'%' IDENTIFIED BY 'New-Pa55' RETAIN CURRENT PASSWORD",
    ]);
  });

  it('addPassword is a no-op when the password already logs in (a second RETAIN would drop the current one)', async () => {
    const { driver, sent } = recordingDriver('8.0.36');
    await createMySqlAdapter({ driver }).dualPassword!.addPassword(secret('Cur-Pa55'), {
      username: 'app',
      password: 'New-Pa55',
    });
    expect(sent).toEqual([]);
  });

  it('under password_require_current, a user adding its own password names the current one (REPLACE)', async () => {
    const { driver, sent } = recordingDriver('8.0.36', { rejects: ['New-Pa55'], requireCurrent: true });
    await createMySqlAdapter({ driver }).dualPassword!.addPassword(secret('Cur-Pa55'), {
      username: 'app',
      password: 'New-Pa55',
    });
    expect(sent.at(-1)).toBe(
      "ALTER USER 'app'@'%' IDENTIFIED BY 'New-Pa55' REPLACE 'Cur-Pa55' RETAIN CURRENT PASSWORD",
    );
  });

  it('MySQL 8.0.13: every method refuses with DualPasswordUnsupportedError and sends no change', async () => {
    const { driver, sent } = recordingDriver('8.0.13', { rejects: ['New-Pa55'] });
    const support = createMySqlAdapter({ driver }).dualPassword!;
    await expect(support.checkServer!(secret('Cur-Pa55'))).rejects.toThrow(/8\.0\.14 or later/);
    await expect(
      support.addPassword(secret('Cur-Pa55'), { username: 'app', password: 'New-Pa55' }),
    ).rejects.toBeInstanceOf(DualPasswordUnsupportedError);
    await expect(support.retirePasswords(secret('Cur-Pa55'), 'app', ['Cur-Pa55'])).rejects.toBeInstanceOf(
      DualPasswordUnsupportedError,
    );
    expect(sent).toEqual([]);
  });
});
