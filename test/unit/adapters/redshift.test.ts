// The Redshift adapter's pure parts: the secret, the password rules and policy, and the statements
// only Redshift runs (roles, SYSLOG ACCESS, SESSION TIMEOUT), which no server here can execute:
// they are checked as the text the adapter sends, from the rows Redshift's views would answer.
import { createHash } from 'node:crypto';
import {
  REDSHIFT_PASSWORD_POLICY,
  checkRedshiftPassword,
  createRedshiftAdapter,
} from '../../../src/adapters/redshift/index.js';
import { redshiftPasswordHash } from '../../../src/adapters/redshift/password.js';
import {
  MISSING_ROLES,
  REDSHIFT_USER_SETTINGS,
  alterPasswordStatement,
  planSync,
} from '../../../src/adapters/redshift/users.js';
import type { QueryClient } from '../../../src/adapters/postgres/connect.js';
import { resolvePasswordPolicy } from '../../../src/rotation/password-policy.js';
import { PasswordPolicyError, SecretShapeError } from '../../../src/shared/errors.js';

const adapter = createRedshiftAdapter();

describe('the secret', () => {
  const base = {
    engine: 'redshift',
    host: 'c.abc.eu-west-1.redshift.amazonaws.com',
    username: 'app',
    password: 'x',
  };

  it('fills Redshift’s defaults (port 5439, database dev) and keeps the keys AWS adds for clusters and Serverless', () => {
    const parsed = adapter.parseSecret({
      ...base,
      dbClusterIdentifier: 'c',
      namespaceName: 'ns',
      masterarn: 'arn:m',
    });
    expect(parsed).toMatchObject({
      port: 5439,
      dbname: 'dev',
      dbClusterIdentifier: 'c',
      namespaceName: 'ns',
      masterarn: 'arn:m',
    });
    expect(adapter.parseSecret({ ...base, port: '5440' }).port).toBe(5440);
  });

  it.each([
    ['engine', { engine: 'postgres' }],
    ['engine', { engine: 'redshift-serverless' }],
    ['username', { username: 'App' }],
    ['username', { username: 'a'.repeat(128) }],
    ['port', { port: 0 }],
    ['sslmode', { sslmode: 'prefer' }],
    ['masterarn', { masterarn: '' }],
  ])('refuses a bad %s with SecretShapeError naming it', (key, change) => {
    const error = (() => {
      try {
        adapter.parseSecret({ ...base, ...change });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SecretShapeError);
    expect((error as SecretShapeError).key).toBe(key);
  });
});

describe('passwords', () => {
  it('are sent as md5 + hex(md5(password + username)), the form Redshift stores as given', () => {
    expect(redshiftPasswordHash('Secret123', 'app')).toBe(
      `md5${createHash('md5').update('Secret123app').digest('hex')}`,
    );
    expect(alterPasswordStatement('app', redshiftPasswordHash('Secret123', 'app'))).toBe(
      `ALTER USER "app" PASSWORD 'md5${createHash('md5').update('Secret123app').digest('hex')}'`,
    );
    // Anything but a well-formed hash is refused rather than sent.
    expect(() => alterPasswordStatement('app', 'Secret123')).toThrow('malformed');
  });

  it('meet Redshift’s rules at the edges: 8 and 64 characters, every allowed punctuation character', () => {
    expect(() => checkRedshiftPassword('Abcdef12')).not.toThrow();
    expect(() => checkRedshiftPassword(`Aa1${'b'.repeat(61)}`)).not.toThrow();
    expect(() => checkRedshiftPassword('Aa1!#$%&()*+,-.:;<=>?[]^_`{|}~')).not.toThrow();
    expect(() => checkRedshiftPassword('Abcdef1')).toThrow(PasswordPolicyError);
  });

  it('default policy: GetRandomPassword options that only give passwords Redshift takes, overridable as usual', () => {
    expect(adapter.passwordPolicy).toBe(REDSHIFT_PASSWORD_POLICY);
    expect(resolvePasswordPolicy({ ...adapter.passwordPolicy }, {})).toEqual({
      PasswordLength: 32,
      ExcludeCharacters: `'"\\/@`,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
    expect(resolvePasswordPolicy({ ...adapter.passwordPolicy, length: 40 }, {}).PasswordLength).toBe(40);
  });
});

/** A client that answers each query from `answers` (keyed by a text the query contains) and records it. */
function recordingClient(answers: [string, Record<string, unknown>[]][]): QueryClient & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async query<R>(text: string, values?: unknown[]) {
      sent.push(values ? `${text} -- ${JSON.stringify(values)}` : text);
      const answer = answers.find(([marker]) => text.includes(marker));
      return { rows: (answer?.[1] ?? []) as R[] };
    },
  };
}

describe('the statements only Redshift runs', () => {
  const from = { name: 'app', id: 101, createdb: false, superuser: false, connlimit: '10' };
  const to = { name: 'app_clone', id: 102, createdb: false, superuser: false, connlimit: 'UNLIMITED' };

  it('reads svv_user_info and svv_user_grants, and copies roles, SYSLOG ACCESS, SESSION TIMEOUT and CONNECTION LIMIT', async () => {
    let settingsCall = 0;
    const client = recordingClient([]);
    const answering: QueryClient = {
      async query<R>(text: string, values?: unknown[]) {
        await client.query(text, values);
        if (text === REDSHIFT_USER_SETTINGS) {
          settingsCall += 1;
          return {
            rows: [
              values?.[0] === 'app'
                ? { connection_limit: '10', syslog_access: 'UNRESTRICTED', session_timeout: 3600 }
                : { connection_limit: 'UNLIMITED', syslog_access: 'RESTRICTED', session_timeout: 0 },
            ] as R[],
          };
        }
        if (text === MISSING_ROLES) {
          return {
            rows: [
              { name: 'analyst', admin_option: false },
              { name: 'Ops "team"', admin_option: true },
            ] as R[],
          };
        }
        return { rows: [] };
      },
    };

    const plan = await planSync(answering, 'redshift', from, to);

    expect(settingsCall).toBe(2);
    expect(plan.statements).toEqual([
      'ALTER USER "app_clone" CONNECTION LIMIT 10',
      'ALTER USER "app_clone" SYSLOG ACCESS UNRESTRICTED',
      'ALTER USER "app_clone" SESSION TIMEOUT 3600',
      'GRANT ROLE "analyst" TO "app_clone"',
      'GRANT ROLE "Ops ""team""" TO "app_clone" WITH ADMIN OPTION',
    ]);
    expect(client.sent).toContain(`${MISSING_ROLES} -- ["app","app_clone"]`);
    expect(MISSING_ROLES).toMatch(/FROM svv_user_grants\s+WHERE user_name = \$1/);
    expect(REDSHIFT_USER_SETTINGS).toMatch(
      /connection_limit, syslog_access, session_timeout\s+FROM svv_user_info/,
    );
  });

  it('never asks PostgreSQL for them, and never copies superuser status', async () => {
    const client = recordingClient([]);
    const plan = await planSync(
      client,
      'postgres',
      { ...from, superuser: true, connlimit: '-1' },
      { ...to, connlimit: '-1' },
    );
    expect(client.sent.some((text) => /svv_/.test(text))).toBe(false);
    expect(plan.statements).toEqual([]);
    expect(plan.notCopied).toEqual([expect.stringContaining('superuser status')]);
  });
});
