import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { ConfigurationError } from '../../shared/errors.js';
import { RotationFunctionError } from './functions.js';
import { findLambdaRuntimeClient } from './runtimeClient.js';
import type { LambdaRuntimeClient } from './runtimeClient.js';
import { RuntimeApiServer } from './runtimeApi.js';
import type { InvocationResult } from './runtimeApi.js';
import { extractZip } from './taskRoot.js';

/** A rotation function given as its deployable zip, run under AWS's Lambda runtime interface client. */
interface LambdaZipFunction {
  /** The deployment package: a path to the `.zip`, or its bytes. */
  zip: string | Uint8Array;
  /** `file.export` in the zip, as Lambda's Handler setting. Default `index.handler`. */
  handler?: string;
  /** The function's environment variables (Lambda's reserved ones are set for you and win). */
  env?: Record<string, string>;
  /** The function's timeout. Default 30 000 (the CDK construct's default); at most 900 000. */
  timeoutMs?: number;
  /** The function's memory in MB, 128 to 10 240. Default 256 (the CDK construct's default). */
  memoryMb?: number;
  /**
   * Folders whose `node_modules` may hold `aws-lambda-ric` (and npm's `node@22` package), tried in
   * turn. Default: the current directory.
   */
  runtimeSearchDirs?: string[];
  /** Receives what the function writes to stdout and stderr (CloudWatch Logs, on Lambda). Default: dropped. */
  output?: (text: string) => void;
}

/** What the local server tells a zip function about itself. */
interface ZipFunctionContext {
  readonly arn: string;
  /** The region Lambda would give the function (AWS_REGION). */
  readonly region: string;
  /** Where the function's Secrets Manager client goes: the local server's endpoint. */
  readonly secretsManagerEndpoint: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 900_000;
const DEFAULT_MEMORY_MB = 256;

function isZipFunction(value: unknown): value is LambdaZipFunction {
  return typeof value === 'object' && value !== null && 'zip' in value;
}

function checkOptions(options: LambdaZipFunction): void {
  const { zip, handler, timeoutMs, memoryMb, env } = options;
  if (!(typeof zip === 'string' && zip.length > 0) && !(zip instanceof Uint8Array))
    throw new ConfigurationError('zip', "a path to the function's .zip, or its bytes");
  if (handler !== undefined && !/^[^/\\]+(?:\/[^/\\]+)*\.[A-Za-z_$][\w$]*$/.test(handler))
    throw new ConfigurationError('handler', 'file.export, for example index.handler');
  if (
    timeoutMs !== undefined &&
    (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
  )
    throw new ConfigurationError('timeoutMs', `an integer from 1 to ${MAX_TIMEOUT_MS} (15 minutes)`);
  if (memoryMb !== undefined && (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240))
    throw new ConfigurationError('memoryMb', 'an integer from 128 to 10240');
  for (const [name, value] of Object.entries(env ?? {}))
    if (typeof value !== 'string') throw new ConfigurationError(`env.${name}`, 'a string');
}

/** The function name in a Lambda ARN (`...:function:NAME[:qualifier]`), else the ARN itself. */
function functionName(arn: string): string {
  return /:function:([^:]+)/.exec(arn)?.[1] ?? arn;
}

/** The region in a Lambda ARN, else `fallback`. */
function regionOf(arn: string, fallback: string): string {
  return /^arn:[^:]+:lambda:([^:]+):/.exec(arn)?.[1] ?? fallback;
}

interface Invocation {
  readonly event: SecretsManagerRotationEvent;
  readonly resolve: () => void;
  readonly reject: (error: RotationFunctionError) => void;
}

/**
 * One Lambda execution environment for a zip: the package unzipped into LAMBDA_TASK_ROOT, a child
 * process running `aws-lambda-ric` under Node.js 22, and the Runtime API it polls. Like Lambda, the
 * process is started at the first invocation (a cold start), kept for the next ones (warm), and
 * replaced after a timeout, a crash or an init error. Invocations run one at a time, in order.
 */
class ZipFunctionEnvironment {
  private readonly taskRoot: string;
  private readonly runtime: LambdaRuntimeClient;
  private readonly handler: string;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private api?: { server: RuntimeApiServer; address: string };
  private child?: ChildProcess;
  private active?: { requestId: string; invocation: Invocation; timer: NodeJS.Timeout };
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly options: LambdaZipFunction,
    private readonly context: ZipFunctionContext,
  ) {
    checkOptions(options);
    this.runtime = findLambdaRuntimeClient(options.runtimeSearchDirs);
    this.handler = options.handler ?? 'index.handler';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    this.taskRoot = extractZip(options.zip);
  }

  /** The rotation function the service invokes: resolves on success, throws RotationFunctionError. */
  readonly invoke = (event: SecretsManagerRotationEvent): Promise<void> => {
    const run = this.queue.then(() => this.invokeNow(event));
    this.queue = run.catch(() => undefined);
    return run;
  };

  private async invokeNow(event: SecretsManagerRotationEvent): Promise<void> {
    if (this.disposed)
      throw new RotationFunctionError('ResourceNotFoundException', 'the function was removed');
    const api = await this.runtimeApi();
    if (!this.child) this.child = this.startProcess(api.address);
    const requestId = randomUUID();
    await new Promise<void>((resolve, reject) => {
      const invocation: Invocation = { event, resolve, reject };
      const timer = setTimeout(() => this.timedOut(requestId), this.timeoutMs);
      this.active = { requestId, invocation, timer };
      api.server.offer({
        requestId,
        event,
        deadlineMs: Date.now() + this.timeoutMs,
        functionArn: this.context.arn,
        settle: (result) => this.settle(requestId, result),
      });
    });
  }

  private async runtimeApi(): Promise<{ server: RuntimeApiServer; address: string }> {
    if (!this.api) {
      const server = new RuntimeApiServer({
        onInitError: (errorType, errorMessage) => {
          // The environment cannot serve: the invocation fails with the init error, and the
          // next one starts a new process (Lambda retries the init then too).
          this.fail(new RotationFunctionError(errorType, errorMessage));
          this.killProcess();
        },
      });
      this.api = { server, address: await server.listen() };
    }
    return this.api;
  }

  private settle(requestId: string, result: InvocationResult): void {
    const active = this.active;
    if (!active || active.requestId !== requestId) return;
    this.active = undefined;
    clearTimeout(active.timer);
    if (result.kind === 'response') active.invocation.resolve();
    else active.invocation.reject(new RotationFunctionError(result.errorType, result.errorMessage));
  }

  private fail(error: RotationFunctionError): void {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    clearTimeout(active.timer);
    active.invocation.reject(error);
  }

  /** Lambda stops the environment at the timeout and reports it in these words. */
  private timedOut(requestId: string): void {
    if (this.active?.requestId !== requestId) return;
    const seconds = (this.timeoutMs / 1000).toFixed(2);
    this.fail(
      new RotationFunctionError(
        'Sandbox.Timedout',
        `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
      ),
    );
    this.killProcess();
  }

  private startProcess(runtimeApi: string): ChildProcess {
    // The memory flags of the Node.js runtime's bootstrap in AWS's base images.
    const newSpace = Math.floor(this.memoryMb / 10);
    const args = [
      '--expose-gc',
      '--max-http-header-size',
      '81920',
      `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
      `--max-old-space-size=${this.memoryMb - newSpace}`,
      this.runtime.entry,
    ];
    const child = spawn(this.runtime.node, args, {
      cwd: this.taskRoot,
      env: this.environment(runtimeApi),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = this.options.output;
    child.stdout?.on('data', (chunk: Buffer) => output?.(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => output?.(chunk.toString('utf8')));
    child.once('error', (error) => {
      if (this.child === child) this.child = undefined;
      this.fail(
        new RotationFunctionError('Runtime.ExitError', `could not start the runtime: ${error.message}`),
      );
    });
    child.once('exit', (code, signal) => {
      // A process we killed (timeout, init error) has been replaced already: nothing to report.
      if (this.child !== child) return;
      this.child = undefined;
      this.api?.server.reset();
      const requestId = this.active?.requestId;
      if (requestId === undefined) return;
      const status = signal ? `signal: ${signal}` : `exit status ${code}`;
      this.fail(
        new RotationFunctionError(
          'Runtime.ExitError',
          `RequestId: ${requestId} Error: Runtime exited with error: ${status}`,
        ),
      );
    });
    return child;
  }

  /** The variables Lambda sets for a nodejs22.x function, then the function's own. Nothing inherited. */
  private environment(runtimeApi: string): NodeJS.ProcessEnv {
    const name = functionName(this.context.arn);
    const region = regionOf(this.context.arn, this.context.region);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const reserved = {
      _HANDLER: this.handler,
      AWS_LAMBDA_RUNTIME_API: runtimeApi,
      LAMBDA_TASK_ROOT: this.taskRoot,
      LAMBDA_RUNTIME_DIR: this.runtime.runtimeDir,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.memoryMb),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // The execution role's credentials, as Lambda passes them; the local server takes any.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
    };
    return {
      PATH: `${dirname(this.runtime.node)}:/usr/local/bin:/usr/bin:/bin`,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      NODE_PATH: this.taskRoot,
      // The SDK must not read this machine's ~/.aws (it would on Lambda find none either).
      AWS_CONFIG_FILE: join(this.taskRoot, '.no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.taskRoot, '.no-aws-credentials'),
      SECRETS_MANAGER_ENDPOINT: this.context.secretsManagerEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.context.secretsManagerEndpoint,
      ...this.options.env,
      ...reserved,
    };
  }

  private killProcess(): void {
    const child = this.child;
    this.child = undefined;
    this.api?.server.reset();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  /** Stops the process and the Runtime API, fails an invocation under way, removes the task root. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const child = this.child;
    this.killProcess();
    if (child && child.exitCode === null && child.signalCode === null)
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.fail(new RotationFunctionError('Runtime.ExitError', 'the local Secrets Manager stopped'));
    await this.api?.server.close();
    rmSync(this.taskRoot, { recursive: true, force: true });
  }
}

export { ZipFunctionEnvironment, isZipFunction };
export type { LambdaZipFunction, ZipFunctionContext };
