import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import type { PostgresSecret } from '../adapters/postgres/index.js';
import { summarizeError } from '../shared/terminal.js';
import type { LocalSecretsManager } from '../local/index.js';
import { ZipFunctionEnvironment } from '../local/lambda/zipFunction.js';
import type { DatabaseAdapter } from '../rotation/adapter.js';
import type { StepName } from '../rotation/constants.js';
import { createRotationHandler } from '../rotation/handler.js';
import { singleUser } from '../rotation/strategies/single-user.js';
import type { Logger } from '../shared/logger.js';
import type { Cleanup } from './cleanup.js';
import { since } from './progress.js';
import type { DemoStep } from './report.js';

/** How the postgres-single-user template builds its handler (templates/postgres-single-user/index.ts). */
const TEMPLATE_WIRING = 'createRotationHandler({ adapter: createPostgresAdapter(), strategy: singleUser() })';

/** The postgres-single-user zip, run under AWS's Lambda runtime interface client instead of in-process. */
interface DemoLambdaRuntime {
  /** The template's deployable zip (dist/templates/postgres-single-user.zip). */
  zip: string;
  /** Where to look for aws-lambda-ric (and Node.js 22): folders holding its node_modules. */
  runtimeSearchDirs?: string[];
}

interface DemoFunctionOptions {
  local: LocalSecretsManager;
  arn: string;
  adapter: DatabaseAdapter<PostgresSecret>;
  logger: Logger;
  cleanup: Cleanup;
  /** Run the template's zip under the Lambda runtime client; default: its handler in this process. */
  lambda?: DemoLambdaRuntime;
  /** With `lambda`: receives what the function process writes (its log lines). */
  onFunctionOutput?(text: string): void;
  /** Called as each invocation ends. */
  onStep(step: DemoStep): void;
}

/** The template's handler in this process, with its own Secrets Manager client like a deployed function. */
function inProcessHandler(
  options: DemoFunctionOptions,
): (event: SecretsManagerRotationEvent) => Promise<void> {
  const client = new SecretsManagerClient(options.local.clientConfig);
  options.cleanup.add('', () => client.destroy());
  const handler = createRotationHandler({
    adapter: options.adapter,
    strategy: singleUser(),
    secretsManager: client,
    logger: options.logger,
  });
  return async (event) => {
    await handler(event, { awsRequestId: randomUUID() } as Context, () => undefined);
  };
}

/** The template's zip in a Lambda execution environment of its own (a child process). */
function lambdaHandler(
  options: DemoFunctionOptions,
  lambda: DemoLambdaRuntime,
): (event: SecretsManagerRotationEvent) => Promise<void> {
  const environment = new ZipFunctionEnvironment(
    { zip: lambda.zip, runtimeSearchDirs: lambda.runtimeSearchDirs, output: options.onFunctionOutput },
    { arn: options.arn, region: options.local.region, secretsManagerEndpoint: options.local.endpoint },
  );
  options.cleanup.add('Lambda runtime process stopped, task root removed', () => environment.dispose());
  return environment.invoke;
}

/**
 * Registers the postgres-single-user template as the rotation function, timing each invocation:
 * its handler wiring in this process, or (with `lambda`) its zip under the Lambda runtime client.
 */
function registerRotationFunction(options: DemoFunctionOptions): DemoStep[] {
  const invoke = options.lambda ? lambdaHandler(options, options.lambda) : inProcessHandler(options);
  const steps: DemoStep[] = [];
  options.local.registerFunction(options.arn, async (event: SecretsManagerRotationEvent) => {
    const t0 = performance.now();
    const step = event.Step as StepName;
    let result: DemoStep = { step, ok: true, ms: 0 };
    try {
      await invoke(event);
      result = { step, ok: true, ms: since(t0) };
    } catch (error) {
      result = { step, ok: false, ms: since(t0), error: summarizeError(error) };
      throw error;
    } finally {
      steps.push(result);
      options.onStep(result);
    }
  });
  return steps;
}

export { TEMPLATE_WIRING, registerRotationFunction };
export type { DemoFunctionOptions, DemoLambdaRuntime };
