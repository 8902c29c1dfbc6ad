import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { STEPS, Stage } from '../../rotation/constants.js';
import type { StepName } from '../../rotation/constants.js';
import type { Logger } from '../../shared/logger.js';
import { PendingRotationError, TokenInUseError } from './errors.js';
import { summarizeError } from './output.js';
import type { ErrorSummary } from './output.js';
import { handlerSource } from './handler-source.js';
import type { HandlerChoice } from './handler-source.js';
import type { TemplateName } from './templates.js';

interface StepResult {
  step: StepName;
  ok: boolean;
  ms: number;
  error?: ErrorSummary;
}

interface LocalRotationOptions extends HandlerChoice {
  /** Config of the Secrets Manager client the handler is given (endpoint, region, profile). */
  clientConfig: SecretsManagerClientConfig;
  secretId: string;
  /** Resume or continue this rotation; default: a new one (a fresh UUID). */
  token?: string;
  /** Run this step only; default: all four in order, stopping at the first failure. */
  step?: StepName;
  /** Receives the handler's log lines. */
  logger: Logger;
  /** Called once the secret is described, before the first step. */
  onStart?(start: LocalRotationStart): void;
  /** Called as each step starts. */
  onStepStart?(step: StepName): void;
  /** Called as each step ends. */
  onStep?(result: StepResult): void;
}

interface LocalRotationStart {
  arn: string;
  name: string;
  token: string;
  /** The token was generated here (a new rotation). */
  newToken: boolean;
  /** Rotation was not enabled on the secret: the handler is shown it as enabled. */
  rotationEnabledStandIn: boolean;
  /** How the template builds its handler (or which file exports it). */
  wiring: string;
  /** The template run; unset for `--handler`. */
  template?: TemplateName;
  /** Why this template, when the secret chose it (neither --template nor --handler given). */
  templateChosenBecause?: string;
}

interface LocalRotationResult extends LocalRotationStart {
  ok: boolean;
  steps: StepResult[];
}

/** The version holding AWSPENDING without AWSCURRENT, other than `token`'s. */
function otherPending(versions: Record<string, string[]>, token: string): string | undefined {
  return Object.entries(versions).find(
    ([id, stages]) => id !== token && stages.includes(Stage.Pending) && !stages.includes(Stage.Current),
  )?.[0];
}

/** Runs `work` with whatever it writes to stdout going to stderr. */
async function onStderr<T>(work: () => T | Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/**
 * The labels of the version `token` names, deprecated (unlabelled) versions included, which
 * DescribeSecret leaves out; undefined when no version has that id.
 */
async function versionStages(
  client: SecretsManagerClient,
  secretId: string,
  token: string,
): Promise<string[] | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, NextToken: nextToken }),
    );
    const found = page.Versions?.find((version) => version.VersionId === token);
    if (found) return found.VersionStages ?? [];
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

/**
 * Runs a template's rotation handler (or the user's own, `handlerFile`) here, step by step, as Secrets Manager would invoke it after
 * RotateSecret (see `standInForRotateSecret` for the one thing only the service can do). Refuses,
 * like RotateSecret, while another rotation is unfinished, and a `token` naming an existing version
 * that is not staged AWSPENDING.
 */
async function runRotationLocally(options: LocalRotationOptions): Promise<LocalRotationResult> {
  const client = new SecretsManagerClient(options.clientConfig);
  try {
    const described = await client.send(new DescribeSecretCommand({ SecretId: options.secretId }));
    const arn = described.ARN ?? options.secretId;
    const name = described.Name ?? options.secretId;
    const token = options.token ?? randomUUID();
    const blocking = otherPending(described.VersionIdsToStages ?? {}, token);
    if (blocking) throw new PendingRotationError(name, blocking);
    if (options.token !== undefined) {
      const stages = await versionStages(client, arn, token);
      if (stages && !stages.includes(Stage.Pending)) throw new TokenInUseError(name, token, stages);
    }

    const source = await handlerSource(options, {
      client,
      clientConfig: options.clientConfig,
      secretId: arn,
      token,
      logger: options.logger,
    });
    const { handler, wiring } = source;
    const start: LocalRotationStart = {
      arn,
      name,
      token,
      newToken: options.token === undefined,
      rotationEnabledStandIn: described.RotationEnabled !== true,
      wiring,
      ...(source.template ? { template: source.template } : {}),
      ...(source.chosenBecause ? { templateChosenBecause: source.chosenBecause } : {}),
    };
    options.onStart?.(start);

    const steps: StepResult[] = [];
    for (const step of options.step ? [options.step] : STEPS) {
      options.onStepStart?.(step);
      const started = performance.now();
      const event = { Step: step, SecretId: arn, ClientRequestToken: token };
      const context = { awsRequestId: randomUUID(), functionName: 'rotation-kit-rotate' } as Context;
      let result: StepResult;
      try {
        // A user's own handler logs to stdout as under Lambda: sent to stderr, stdout stays the CLI's.
        await (options.handlerFile
          ? onStderr(() => handler(event, context, () => undefined))
          : handler(event, context, () => undefined));
        result = { step, ok: true, ms: performance.now() - started };
      } catch (error) {
        result = { step, ok: false, ms: performance.now() - started, error: summarizeError(error) };
      }
      steps.push(result);
      options.onStep?.(result);
      if (!result.ok) break;
    }
    return { ...start, ok: steps.every((s) => s.ok), steps };
  } finally {
    client.destroy();
  }
}

export { runRotationLocally };
export type { LocalRotationOptions, LocalRotationResult, LocalRotationStart, StepResult };
