/**
 * Full rotations, warm: the engine's handler in this process (as a warm Lambda container keeps it),
 * driven by RotateSecret on the local Secrets Manager over HTTP, against the embedded PostgreSQL.
 * Also counts the Secrets Manager calls of one rotation, per step: warm, first in a container, cold.
 */
import { SecretsManagerClient, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent, SecretsManagerRotationHandler } from 'aws-lambda';
import { performance } from 'node:perf_hooks';
import { createPostgresAdapter } from '../src/adapters/postgres/index.js';
import { alternatingUsers, createJsonLogger, createRotationHandler, singleUser } from '../src/index.js';
import type { PasswordSource } from '../src/index.js';
import { callsByStep, countCalls } from '../src/testing/call-counter.js';
import type { BenchEnvironment } from './support/environment.js';
import { median, round, summarize } from './support/stats.js';
import type { Summary } from './support/stats.js';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

type StrategyName = 'single-user' | 'multi-user';

interface RotationLatency {
  template: string;
  /** Where the handler's passwords come from (`'function'`, the default, or GetRandomPassword). */
  passwordSource: PasswordSource;
  warmupRotations: number;
  /** The four steps: from createSecret's start to finishSecret's end. */
  steps: Summary;
  /** From sending RotateSecret to the rotation's end, as a caller waiting for it sees it. */
  endToEnd: Summary;
  /** Median of each step's own time. */
  stepMedianMs: Record<string, number>;
  /** Secrets Manager calls per rotation when one warm container runs rotation after rotation. */
  callsPerRotation: number;
}

interface CallCount {
  template: string;
  /** Operations per step, in call order. */
  byStep: Record<string, string[]>;
  total: number;
}

interface CallCounts {
  /**
   * A container that rotated this secret before runs the four steps: scheduled rotations of one
   * secret land on the same warm Lambda, whose version cache holds AWSCURRENT's value (it wrote it).
   */
  warm: CallCount;
  /** A new container runs all four steps of the rotation: nothing cached before createSecret. */
  first: CallCount;
  /** Every step in a new container: a fresh client and handler, nothing cached. */
  cold: CallCount;
}

function templateName(strategy: StrategyName): string {
  return `postgres-${strategy}`;
}

/** A handler as a template builds it, with its own (counted) client; logs are formatted, then dropped. */
function newHandler(
  env: BenchEnvironment,
  strategy: StrategyName,
  currentStep: () => string,
  passwordSource: PasswordSource = 'function',
) {
  const client = new SecretsManagerClient({ ...env.local.clientConfig, maxAttempts: 1 });
  const calls = countCalls(client, currentStep);
  const handler = createRotationHandler({
    adapter: createPostgresAdapter(),
    strategy: strategy === 'single-user' ? singleUser() : alternatingUsers(),
    passwordSource,
    secretsManager: client,
    logger: createJsonLogger({ write: () => undefined }),
  });
  return { client, calls, handler };
}

const invoke = (handler: SecretsManagerRotationHandler, event: SecretsManagerRotationEvent) =>
  handler(event, {} as Context, () => undefined) as Promise<void>;

/** Runs one rotation through RotateSecret and waits for it; throws if it did not succeed. */
async function rotate(env: BenchEnvironment, secretArn: string, functionArn: string): Promise<void> {
  const { VersionId } = await env.admin.send(
    new RotateSecretCommand({ SecretId: secretArn, RotationLambdaARN: functionArn }),
  );
  const outcome = await env.local.rotations.waitFor(secretArn, { token: VersionId });
  if (!outcome.succeeded) {
    throw new Error(
      `rotation failed at ${outcome.failedStep}: ${outcome.error?.name}: ${outcome.error?.message}`,
    );
  }
}

/** `rotations` measured rotations after `warmup` unmeasured ones, all in one warm handler. */
async function measureRotationLatency(
  env: BenchEnvironment,
  options: { strategy: StrategyName; rotations: number; warmup: number; passwordSource?: PasswordSource },
): Promise<RotationLatency> {
  const template = templateName(options.strategy);
  const passwordSource = options.passwordSource ?? 'function';
  let step = '(none)';
  const { client, calls, handler } = newHandler(env, options.strategy, () => step, passwordSource);
  const secret = await env.createUserSecret({
    multiUser: options.strategy === 'multi-user',
    prefix: 'bench_rot',
  });
  const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:bench-${template}-${passwordSource}`;

  let firstStart = 0;
  let lastEnd = 0;
  const stepMs: Record<string, number[]> = Object.fromEntries(STEPS.map((name) => [name, []]));
  let measuring = false;
  env.local.registerFunction(functionArn, async (event: SecretsManagerRotationEvent) => {
    step = event.Step;
    const started = performance.now();
    if (event.Step === 'createSecret') firstStart = started;
    await invoke(handler, event);
    lastEnd = performance.now();
    if (measuring) stepMs[event.Step]?.push(lastEnd - started);
  });

  const stepsTotal: number[] = [];
  const endToEnd: number[] = [];
  let callsBefore = 0;
  try {
    for (let i = 0; i < options.warmup + options.rotations; i++) {
      measuring = i >= options.warmup;
      if (i === options.warmup) callsBefore = calls.length;
      const sent = performance.now();
      await rotate(env, secret.arn, functionArn);
      const done = performance.now();
      if (measuring) {
        stepsTotal.push(lastEnd - firstStart);
        endToEnd.push(done - sent);
      }
    }
  } finally {
    client.destroy();
  }
  return {
    template,
    passwordSource,
    warmupRotations: options.warmup,
    steps: summarize(stepsTotal),
    endToEnd: summarize(endToEnd),
    stepMedianMs: Object.fromEntries(STEPS.map((name) => [name, round(median(stepMs[name] as number[]))])),
    callsPerRotation: round((calls.length - callsBefore) / options.rotations, 2),
  };
}

/**
 * Calls of one rotation: warm (the second rotation of a secret in one handler), first (a new
 * secret's first rotation in one handler) and cold (a new handler per step).
 */
async function measureCallsPerRotation(env: BenchEnvironment, strategy: StrategyName): Promise<CallCounts> {
  const template = templateName(strategy);
  const count = (calls: { step: string; operation: string }[]): CallCount => ({
    template,
    byStep: callsByStep(calls),
    total: calls.length,
  });

  let step = '(none)';
  const warm = newHandler(env, strategy, () => step);
  const warmArn = `arn:aws:lambda:us-east-1:123456789012:function:bench-calls-warm-${template}`;
  env.local.registerFunction(warmArn, async (event: SecretsManagerRotationEvent) => {
    step = event.Step;
    await invoke(warm.handler, event);
  });

  const coldCalls: { step: string; operation: string }[] = [];
  const coldArn = `arn:aws:lambda:us-east-1:123456789012:function:bench-calls-cold-${template}`;
  env.local.registerFunction(coldArn, async (event: SecretsManagerRotationEvent) => {
    const container = newHandler(env, strategy, () => event.Step);
    try {
      await invoke(container.handler, event);
    } finally {
      coldCalls.push(...container.calls);
      container.client.destroy();
    }
  });

  const multiUser = strategy === 'multi-user';
  let firstCalls: { step: string; operation: string }[];
  try {
    const secret = await env.createUserSecret({ multiUser, prefix: 'bench_warm' });
    await rotate(env, secret.arn, warmArn);
    firstCalls = warm.calls.splice(0);
    await rotate(env, secret.arn, warmArn);
  } finally {
    warm.client.destroy();
  }
  await rotate(env, (await env.createUserSecret({ multiUser, prefix: 'bench_cold' })).arn, coldArn);
  return { warm: count(warm.calls), first: count(firstCalls), cold: count(coldCalls) };
}

export { STEPS, measureCallsPerRotation, measureRotationLatency };
export type { CallCount, CallCounts, RotationLatency, StrategyName };
