import { createMySqlAdapter } from '../../../src/adapters/mysql/index';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index';
import { assertSameServer, assertSameTarget } from '../../../src/rotation/target-guard';
import { UnsafeChangeError } from '../../../src/shared/errors';

const postgres = createPostgresAdapter();
const mysql = createMySqlAdapter();
const base = { engine: 'postgres', host: 'db.example', username: 'app', password: 'Old-Pa55' };
const parsed = (json: Record<string, unknown>) => postgres.parseSecret({ ...base, ...json });
const refusal = (current: Record<string, unknown>, pending: Record<string, unknown>) => {
  try {
    assertSameTarget(postgres, parsed(current), parsed({ password: 'New-Pa55', ...pending }));
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeChangeError);
    return (error as UnsafeChangeError).context.key;
  }
  return undefined;
};

describe('assertSameTarget', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string | undefined]>([
    ['the same target', {}, {}, undefined],
    ['a port written as a string', { port: 5432 }, { port: '5432' }, undefined],
    ['a default made explicit', {}, { port: 5432, dbname: 'postgres' }, undefined],
    ['another port', {}, { port: 5433 }, 'port'],
    ['another dbname', {}, { dbname: 'other' }, 'dbname'],
    ['another engine', {}, { engine: 'aurora-postgresql' }, 'engine'],
    ['another host', {}, { host: 'evil.example' }, 'host'],
    ['TLS off while the default verifies', {}, { sslmode: 'disable' }, 'sslmode'],
    ['ssl false while current verifies', { sslmode: 'verify-full' }, { ssl: false }, 'sslmode'],
    ['require while current verifies', { ssl: true }, { sslmode: 'require' }, 'sslmode'],
    ['stricter TLS', { sslmode: 'require' }, { sslmode: 'verify-full' }, undefined],
    ['TLS turned on', { sslmode: 'disable' }, { ssl: true }, undefined],
    ['the same TLS said two ways', { ssl: true }, { sslmode: 'verify-full' }, undefined],
  ])('%s: refused on %s', (_name, current, pending, key) => {
    expect(refusal(current, pending)).toBe(key);
  });

  it('leaves the username to the strategy (alternating users switch it)', () => {
    expect(refusal({}, { username: 'app_clone' })).toBeUndefined();
  });

  it('compares what each adapter declares (MySQL: dbname is optional, still compared)', () => {
    const current = mysql.parseSecret({ ...base, engine: 'mysql' });
    expect(() => assertSameTarget(mysql, current, { ...current, dbname: 'other' })).toThrow(/"dbname"/);
    expect(() => assertSameTarget(mysql, current, { ...current, engine: 'mariadb' })).toThrow(/"engine"/);
  });
});

describe('assertSameServer', () => {
  it('accepts a superuser of the same engine, host and port, and names the key that differs', () => {
    const current = parsed({});
    expect(() => assertSameServer(parsed({ username: 'postgres' }), current)).not.toThrow();
    expect(() => assertSameServer(parsed({ port: 6543 }), current)).toThrow(
      'The superuser (masterarn) secret names a different "port" than AWSCURRENT',
    );
    expect(() => assertSameServer(parsed({ engine: 'aurora-postgresql' }), current)).toThrow(/"engine"/);
  });
});
