import { createJsonLogger, withAttributes } from '../../../src/shared/logger';
import { redact } from '../../../src/shared/redact';

describe('the JSON logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }) };
  };

  it('writes one JSON object per line with level, time and message', () => {
    const { lines, logger } = capture();
    logger.info('hello', { step: 'createSecret', ms: 3 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      message: 'hello',
      step: 'createSecret',
      ms: 3,
    });
  });

  it('cannot print a password, a secret string, a RotationToken or a URL password by accident', () => {
    const { lines, logger } = capture();
    const secret = 'Sup3r$ecret!';
    logger.error('oops', {
      password: secret,
      secret: { username: 'app', password: secret },
      SecretString: JSON.stringify({ password: secret }),
      RotationToken: secret,
      dsn: `postgres://app:${secret}@db:5432/x`,
      error: new Error(`connect to mysql://root:${secret}@h failed`),
      nested: [{ PASSWORD: secret }],
    });
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('keeps version ids and secret ids readable', () => {
    expect(redact({ token: 't-1', ClientRequestToken: 't-2', secretId: 's', VersionId: 'v' })).toEqual({
      token: 't-1',
      ClientRequestToken: 't-2',
      secretId: 's',
      VersionId: 'v',
    });
  });

  it('respects the level threshold', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (line) => lines.push(line) });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['shown']);
  });

  it('withAttributes adds fixed attributes, still redacted', () => {
    const { lines, logger } = capture();
    withAttributes(logger, { step: 'setSecret', password: 'x' }).info('m', { extra: 1 });
    expect(JSON.parse(lines[0]!)).toMatchObject({ step: 'setSecret', password: '[REDACTED]', extra: 1 });
  });
});
