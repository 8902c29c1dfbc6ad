import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import { SecretShapeError } from '../../../src/shared/errors.js';

const adapter = createPostgresAdapter();
const VALUE = 'S3cr3t-Value-Never-Shown';
const valid = {
  engine: 'postgres',
  host: 'db.example.internal',
  username: 'app',
  password: VALUE,
};

function shapeError(secret: unknown): SecretShapeError {
  try {
    adapter.parseSecret(secret);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretShapeError);
    return error as SecretShapeError;
  }
  throw new Error('parseSecret accepted a bad secret');
}

describe('PostgreSQL secret parsing', () => {
  it('fills AWS defaults: port 5432, dbname postgres', () => {
    expect(adapter.parseSecret(valid)).toMatchObject({ port: 5432, dbname: 'postgres', engine: 'postgres' });
  });

  it('keeps keys it does not know, so writing the secret back loses nothing', () => {
    const parsed = adapter.parseSecret({ ...valid, dbClusterIdentifier: 'cluster-1', proxy: { x: 1 } });
    expect(parsed).toMatchObject({ dbClusterIdentifier: 'cluster-1', proxy: { x: 1 } });
  });

  it('accepts aurora-postgresql, a port, a dbname, sslmode and masterarn', () => {
    const parsed = adapter.parseSecret({
      ...valid,
      engine: 'aurora-postgresql',
      port: 6543,
      dbname: 'orders',
      sslmode: 'require',
      masterarn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf',
    });
    expect(parsed).toMatchObject({
      engine: 'aurora-postgresql',
      port: 6543,
      dbname: 'orders',
      sslmode: 'require',
    });
  });

  it('reads AWS\'s ssl switch, also as the strings "true"/"false"', () => {
    expect(adapter.parseSecret({ ...valid, ssl: 'true' }).ssl).toBe(true);
    expect(adapter.parseSecret({ ...valid, ssl: false }).ssl).toBe(false);
  });

  it("reads a port given as a string of digits, as AWS's templates do", () => {
    expect(adapter.parseSecret({ ...valid, port: '5433' }).port).toBe(5433);
  });

  it('serves the engines postgres and aurora-postgresql', () => {
    expect(adapter.engines).toEqual(['postgres', 'aurora-postgresql']);
  });

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a port string that is not digits', { ...valid, port: '5432 ' }, 'port'],
    ['a port string out of range', { ...valid, port: '65536' }, 'port'],
    ['a fractional port', { ...valid, port: 5432.5 }, 'port'],
    ['a port out of range', { ...valid, port: 70000 }, 'port'],
    ['a missing host', { ...valid, host: undefined }, 'host'],
    ['an empty host', { ...valid, host: '' }, 'host'],
    ['a missing username', { ...valid, username: undefined }, 'username'],
    ['a username over 63 bytes', { ...valid, username: 'é'.repeat(32) }, 'username'],
    ['a username with NUL', { ...valid, username: `a\0${VALUE}` }, 'username'],
    ['a numeric password', { ...valid, password: 918273645 }, 'password'],
    ['an empty password', { ...valid, password: '' }, 'password'],
    ['a password with NUL', { ...valid, password: `${VALUE}\0` }, 'password'],
    ['another engine', { ...valid, engine: 'mysql' }, 'engine'],
    ['no engine', { ...valid, engine: undefined }, 'engine'],
    ['a numeric dbname', { ...valid, dbname: 12 }, 'dbname'],
    ['sslmode prefer (silent fallback)', { ...valid, sslmode: 'prefer' }, 'sslmode'],
    ['an ssl that is not a boolean', { ...valid, ssl: 'yes-please' }, 'ssl'],
    ['ssl and sslmode disagreeing', { ...valid, ssl: true, sslmode: 'disable' }, 'ssl'],
    ['a numeric masterarn', { ...valid, masterarn: 42 }, 'masterarn'],
  ];

  it.each(cases)(
    'rejects %s with SecretShapeError naming the key, never the value',
    (_label, secret, key) => {
      const error = shapeError(secret);
      expect(error.code).toBe('SECRET_SHAPE');
      expect(error.context.key).toBe(key);
      expect(error.message).toContain(`"${key}"`);
      expect(error.message).toMatch(/expected /);
      const printed = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
      expect(printed).not.toContain(VALUE);
      for (const [name, value] of Object.entries(secret)) {
        if (name === key && typeof value === 'string' && value.length >= 4)
          expect(printed).not.toContain(value);
      }
    },
  );

  it('allows a username of exactly 63 bytes', () => {
    expect(adapter.parseSecret({ ...valid, username: `${'é'.repeat(31)}x` }).username).toHaveLength(32);
  });

  it.each([null, [], 'a string', 42])('rejects a root that is not an object (%p)', (secret) => {
    expect(shapeError(secret).context.key).toBe('(root)');
  });
});
