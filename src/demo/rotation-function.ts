import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import type { PostgresSecret } from '../adapters/postgres/index.js';
import { summarizeError } from '../shared/terminal.js';
import type { LocalSecretsManager } from '../local/index.js';
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

interface DemoFunctionOptions {
  local: LocalSecretsManager;
  arn: string;
  adapter: DatabaseAdapter<PostgresSecret>;
  logger: Logger;
  cleanup: Cleanup;
  /** Called as each invocation ends. */
  onStep(step: DemoStep): void;
}

/**
 * Registers the postgres-single-user template's handler wiring as an in-process rotation function,
 * timing each invocation. Like a deployed function, it has its own Secrets Manager client.
 */
function registerRotationFunction(options: DemoFunctionOptions): DemoStep[] {
  const client = new SecretsManagerClient(options.local.clientConfig);
  options.cleanup.add('', () => client.destroy());
  const handler = createRotationHandler({
    adapter: options.adapter,
    strategy: singleUser(),
    secretsManager: client,
    logger: options.logger,
  });
  const steps: DemoStep[] = [];
  options.local.registerFunction(options.arn, async (event: SecretsManagerRotationEvent) => {
    const t0 = performance.now();
    const step = event.Step as StepName;
    let result: DemoStep = { step, ok: true, ms: 0 };
    try {
      await handler(event, { awsRequestId: randomUUID() } as Context, () => undefined);
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
export type { DemoFunctionOptions };
