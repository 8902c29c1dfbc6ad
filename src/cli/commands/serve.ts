import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createJsonLogger } from '../../shared/logger.js';
import type { LogLevel } from '../../shared/logger.js';
import { startLocalSecretsManager } from '../../local/index.js';
import { exposureWarning } from '../../local/server.js';
import { isLoopbackHost } from '../../local/net/loopback.js';
import type { LambdaZipFunction, RotationFunction } from '../../local/index.js';
import { lambdaRuntimeSearchDirs } from '../support/lambda-runtime.js';

interface ServeOptions {
  port: number;
  host: string;
  data?: string;
  region: string;
  accountId: string;
  function: Record<string, RotationFunction | LambdaZipFunction>;
  logLevel: LogLevel;
}

const DEFAULT_PORT = 4566;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return port;
}

/**
 * `--function ARN=URL` or `--function ARN=zip:PATH` (the deployable zip, run under AWS's Lambda
 * runtime interface client with handler `index.handler`), repeatable.
 */
function collectFunction(value: string, functions: Record<string, RotationFunction | LambdaZipFunction>) {
  const split = value.indexOf('=');
  const arn = value.slice(0, split);
  const target = value.slice(split + 1);
  if (split > 0 && /^zip:./i.test(target)) {
    const zip: LambdaZipFunction = {
      zip: target.slice('zip:'.length),
      runtimeSearchDirs: lambdaRuntimeSearchDirs(),
      output: (text) => process.stderr.write(text),
    };
    return { ...functions, [arn]: zip };
  }
  if (split <= 0 || !/^https?:\/\//i.test(target))
    throw new InvalidArgumentError(
      'expected ARN=URL or ARN=zip:PATH, for example arn:aws:lambda:us-east-1:123456789012:function:rotate=http://127.0.0.1:9000/2015-03-31/functions/function/invocations or arn:aws:lambda:us-east-1:123456789012:function:rotate=zip:dist/templates/postgres-single-user.zip',
    );
  return { ...functions, [arn]: target };
}

function parseLogLevel(value: string): LogLevel {
  if (!['debug', 'info', 'warn', 'error'].includes(value))
    throw new InvalidArgumentError('expected debug, info, warn or error');
  return value as LogLevel;
}

async function serve(options: ServeOptions): Promise<void> {
  const logger = createJsonLogger({ level: options.logLevel, base: { component: 'local-secrets-manager' } });
  const server = await startLocalSecretsManager({
    port: options.port,
    host: options.host,
    dataFile: options.data,
    region: options.region,
    accountId: options.accountId,
    functions: options.function,
    logger,
  });
  if (!isLoopbackHost(options.host)) process.stderr.write(`WARNING: ${exposureWarning(server.endpoint)}\n`);
  process.stdout.write(
    `rotation-kit local Secrets Manager listening on ${server.endpoint}\n` +
      `  a test double: values are kept unencrypted${options.data ? ` in ${options.data}` : ' in memory'}; never use it for real secrets\n` +
      `  try: aws --endpoint-url ${server.endpoint} secretsmanager list-secrets\n`,
  );
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** `rotation-kit serve`: the local Secrets Manager as a server. */
const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('run the local Secrets Manager (a test double: never for real secrets)')
    .option('--port <n>', 'port to listen on (0: any free port)', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data <file>', 'keep the state in this JSON file, fsynced before every acknowledgement')
    .option('--region <region>', 'region in ARNs', 'us-east-1')
    .option('--account-id <id>', 'account in ARNs', '123456789012')
    .option(
      '--function <arn=url|arn=zip:path>',
      'a rotation function: Lambda ARN = invoke URL, or = zip:PATH of its deployable zip, run under the Lambda runtime interface client (repeatable)',
      collectFunction,
      {},
    )
    .option('--log-level <level>', 'debug, info, warn or error', parseLogLevel, 'info' as LogLevel)
    .action((options: ServeOptions) => serve(options));
};

export { registerServe };
