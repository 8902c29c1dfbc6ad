import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useLocalSecretsManager, withTempDir } from './support/localServer.js';

const run = promisify(execFile);
const awsAvailable = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
if (!awsAvailable)
  console.log('NOTICE: the AWS CLI (`aws`) is not on PATH: skipping the AWS CLI conformance tests.');

const describeWithAws = awsAvailable ? describe : describe.skip;

describeWithAws('local Secrets Manager: the AWS CLI works against it unchanged', () => {
  const local = useLocalSecretsManager();
  const env = () => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const aws = async (...args: string[]) => {
    const { stdout } = await run(
      'aws',
      ['--endpoint-url', local.server().endpoint, '--output', 'json', 'secretsmanager', ...args],
      {
        env: env(),
      },
    );
    return stdout.trim() ? JSON.parse(stdout) : {};
  };

  it(
    'creates, writes, reads, describes and lists versions',
    () =>
      withTempDir(async (dir) => {
        const created = await aws(
          'create-secret',
          '--name',
          'cli/secret',
          '--secret-string',
          'from-the-cli',
          '--tags',
          'Key=team,Value=db',
        );
        expect(created.ARN).toMatch(
          /^arn:aws:secretsmanager:us-east-1:123456789012:secret:cli\/secret-[A-Za-z0-9]{6}$/,
        );
        const file = join(dir, 'value.bin');
        await writeFile(file, Buffer.from([0, 1, 2, 255]));
        const put = await aws(
          'put-secret-value',
          '--secret-id',
          'cli/secret',
          '--secret-binary',
          `fileb://${file}`,
        );
        expect(put.VersionStages).toEqual(['AWSCURRENT']);
        const value = await aws('get-secret-value', '--secret-id', created.ARN);
        expect(Buffer.from(value.SecretBinary, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]));
        const previous = await aws(
          'get-secret-value',
          '--secret-id',
          'cli/secret',
          '--version-stage',
          'AWSPREVIOUS',
        );
        expect(previous.SecretString).toBe('from-the-cli');
        const described = await aws('describe-secret', '--secret-id', 'cli/secret');
        expect(described.Tags).toEqual([{ Key: 'team', Value: 'db' }]);
        expect(typeof described.CreatedDate).toBe('number');
        const versions = await aws('list-secret-version-ids', '--secret-id', 'cli/secret');
        expect(versions.Versions).toHaveLength(2);
      }),
    60_000,
  );

  it('reports the service error type and message for a missing secret', async () => {
    const failure = await aws('get-secret-value', '--secret-id', 'cli/missing').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain(
      "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.",
    );
  }, 30_000);

  it('generates a random password with options', async () => {
    const { RandomPassword } = await aws(
      'get-random-password',
      '--password-length',
      '20',
      '--exclude-punctuation',
    );
    expect(RandomPassword).toMatch(/^[A-Za-z0-9]{20}$/);
  }, 30_000);
});
