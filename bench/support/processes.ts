import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * The environment a Lambda function sees, pointed at the local Secrets Manager, with dummy
 * credentials. Nothing is inherited from this process (no NODE_OPTIONS, no tsx loader), so every
 * child starts as plain `node` would.
 */
function lambdaEnvironment(options: {
  taskRoot: string;
  endpoint?: string;
  region?: string;
}): NodeJS.ProcessEnv {
  const nowhere = join(options.taskRoot, '.no-aws-config');
  return {
    PATH: process.env.PATH,
    LAMBDA_TASK_ROOT: options.taskRoot,
    AWS_REGION: options.region ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_PATH: '',
    ...(options.endpoint ? { SECRETS_MANAGER_ENDPOINT: options.endpoint } : {}),
  };
}

interface TimedRun {
  /** Wall time from spawn to exit, as the parent sees it. */
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` and times it from spawn to exit. */
function timeNode(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let ms = 0;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => (ms = performance.now() - started));
    child.once('close', (code) => resolve({ ms, code, stdout, stderr }));
  });
}

export { lambdaEnvironment, timeNode };
export type { TimedRun };
