import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether the AWS CLI is on PATH; suites that need it are skipped (with a notice) where it is not. */
const awsCliAvailable = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

/** Dummy credentials only, and no user configuration or pager. */
function cliEnv(region: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Runs `aws secretsmanager <args>` against `endpoint`, signed for `region`; parses the JSON output. */
async function awsSecretsManager(endpoint: string, region: string, ...args: string[]) {
  const { stdout } = await run(
    'aws',
    ['--endpoint-url', endpoint, '--output', 'json', 'secretsmanager', ...args],
    { env: cliEnv(region) },
  );
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** The CLI's stderr of a call that must fail. */
async function awsSecretsManagerFailure(
  endpoint: string,
  region: string,
  ...args: string[]
): Promise<string> {
  const failure = await awsSecretsManager(endpoint, region, ...args).then(
    () => undefined,
    (error: { stderr: string }) => error,
  );
  if (failure === undefined) throw new Error(`aws secretsmanager ${args[0]} succeeded, expected a failure`);
  return failure.stderr;
}

export { awsCliAvailable, awsSecretsManager, awsSecretsManagerFailure };
