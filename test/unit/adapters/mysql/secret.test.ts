import { parseMySqlSecret, secretTlsMode } from '../../../../src/adapters/mysql/index.js';
import { SecretShapeError } from '../../../../src/shared/errors.js';

const valid = {
  engine: 'mysql',
  host: 'db.example.com',
  username: 'app',
  password: 'S3cr3t-Value!',
};

function shapeError(value: unknown): SecretShapeError {
  try {
    parseMySqlSecret(value);
  } catch (error) {
    if (error instanceof SecretShapeError) return error;
    throw error;
  }
  throw new Error('parseMySqlSecret accepted the value');
}

describe('parseMySqlSecret', () => {
  it('fills the default port 3306 and keeps optional keys', () => {
    expect(parseMySqlSecret(valid)).toEqual({ ...valid, port: 3306 });
    expect(
      parseMySqlSecret({
        ...valid,
        port: 3307,
        dbname: 'shop',
        masterarn: 'arn:aws:secretsmanager:x',
        extra: 1,
      }),
    ).toEqual({ ...valid, port: 3307, dbname: 'shop', masterarn: 'arn:aws:secretsmanager:x' });
  });

  it.each(['mysql', 'aurora-mysql', 'mariadb'])('accepts the engine %s', (engine) => {
    expect(parseMySqlSecret({ ...valid, engine }).engine).toBe(engine);
  });

  it('treats JSON null in optional keys as absent', () => {
    expect(parseMySqlSecret({ ...valid, port: null, dbname: null, masterarn: null, ssl: null })).toEqual({
      ...valid,
      port: 3306,
    });
  });

  it.each([
    ['engine', { ...valid, engine: 'postgres' }],
    ['engine', { ...valid, engine: undefined }],
    ['host', { ...valid, host: '' }],
    ['host', { ...valid, host: 42 }],
    ['username', { ...valid, username: undefined }],
    ['password', { ...valid, password: ['S3cr3t-Value!'] }],
    ['password', { ...valid, password: '' }],
    ['port', { ...valid, port: '3306 ' }],
    ['port', { ...valid, port: 0 }],
    ['port', { ...valid, port: 70000 }],
    ['port', { ...valid, port: 3306.5 }],
    ['dbname', { ...valid, dbname: 7 }],
    ['masterarn', { ...valid, masterarn: {} }],
    ['ssl', { ...valid, ssl: 'yes' }],
    ['sslmode', { ...valid, sslmode: 'prefer' }],
    ['SecretString', 'S3cr3t-Value!'],
    ['SecretString', ['S3cr3t-Value!']],
    ['SecretString', null],
  ])('names the key %s and never a value', (key, value) => {
    const error = shapeError(value);
    expect(error.key).toBe(key);
    expect(error.code).toBe('SECRET_SHAPE');
    expect(error.message).toContain(`"${key}"`);
    expect(`${error.message} ${JSON.stringify(error.context)}`).not.toMatch(
      /S3cr3t|db\.example|3306"|postgres|yes|prefer/,
    );
  });

  it('refuses a user name longer than the engine stores: 32 characters on MySQL, 128 on MariaDB', () => {
    expect(parseMySqlSecret({ ...valid, username: 'u'.repeat(32) }).username).toHaveLength(32);
    expect(shapeError({ ...valid, username: 'u'.repeat(33) }).message).toMatch(/at most 32 characters/);
    expect(shapeError({ ...valid, engine: 'aurora-mysql', username: 'é'.repeat(33) }).key).toBe('username');
    expect(parseMySqlSecret({ ...valid, engine: 'mariadb', username: 'u'.repeat(128) }).engine).toBe(
      'mariadb',
    );
    expect(shapeError({ ...valid, engine: 'mariadb', username: 'u'.repeat(129) }).message).toMatch(
      /at most 128/,
    );
  });

  it("reads a port string of digits as AWS's templates do, and refuses any other string", () => {
    expect(parseMySqlSecret({ ...valid, port: '3307' }).port).toBe(3307);
    expect(shapeError({ ...valid, port: '3306a' }).message).toMatch(/a string of digits/);
    expect(shapeError({ ...valid, port: '0' }).key).toBe('port');
  });

  it.each([
    [{ ssl: true }, 'verify-full'],
    [{ ssl: 'TRUE' }, 'verify-full'],
    [{ ssl: false }, 'disable'],
    [{ ssl: 'false' }, 'disable'],
    [{ sslmode: 'require' }, 'require'],
    [{ sslmode: 'disable', ssl: false }, 'disable'],
    [{}, undefined],
  ])('reads TLS from %j as %s', (keys, mode) => {
    expect(secretTlsMode(parseMySqlSecret({ ...valid, ...keys }))).toBe(mode);
  });

  it('refuses ssl and sslmode that disagree, naming ssl', () => {
    expect(shapeError({ ...valid, sslmode: 'require', ssl: false }).key).toBe('ssl');
  });
});
