import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface CountedCall {
  /** The rotation step under way when the call was sent. */
  step: string;
  /** The API operation, e.g. `DescribeSecret`. */
  operation: string;
}

/**
 * Records every request `client` sends, with the step under way (`currentStep()`). Added after the
 * retry middleware, so a retried call counts once per attempt, as the service sees it.
 *
 * @example
 * import { countCalls, callsByStep } from 'rotation-kit/testing';
 * let step = '';
 * const calls = countCalls(client, () => step);
 * // ... set `step` before each invocation of your handler, then:
 * callsByStep(calls); // { createSecret: ['DescribeSecret', 'GetSecretValue', ...], ... }
 */
function countCalls(client: SecretsManagerClient, currentStep: () => string): CountedCall[] {
  const calls: CountedCall[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ step: currentStep(), operation: String(context.commandName).replace(/Command$/, '') });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'countSecretsManagerCalls' },
  );
  return calls;
}

/** Calls grouped by step, in the order they were made. */
function callsByStep(calls: readonly CountedCall[]): Record<string, string[]> {
  const byStep: Record<string, string[]> = {};
  for (const call of calls) (byStep[call.step] ??= []).push(call.operation);
  return byStep;
}

export { callsByStep, countCalls };
export type { CountedCall };
