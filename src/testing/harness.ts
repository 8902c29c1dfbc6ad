import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationHandler } from 'aws-lambda';
import type { LocalSecretsManager } from '../local/server.js';
import type { RotationOutcome } from '../local/lambda/rotationRunner.js';
import type { DatabaseAdapter, DatabaseSecret } from '../rotation/adapter.js';
import { STEPS, Stage } from '../rotation/constants.js';
import type { StepName } from '../rotation/constants.js';
import { FaultPoint, adapterWithFaults } from './faults.js';
import type { Fault } from './faults.js';

/** What the handler under test is built from, in each (simulated) Lambda container. */
interface HandlerDependencies<S extends DatabaseSecret> {
  secretsManager: SecretsManagerClient;
  adapter: DatabaseAdapter<S>;
}

interface RotationHarnessOptions<S extends DatabaseSecret> {
  /** The local Secrets Manager the rotation runs against. */
  server: LocalSecretsManager;
  /** The real adapter; the harness wraps it to count and break its calls. */
  adapter: DatabaseAdapter<S>;
  /** Builds your handler, exactly as your entry file does, from the dependencies given. */
  createHandler(dependencies: HandlerDependencies<S>): SecretsManagerRotationHandler;
  /** The Lambda ARN the harness registers; default a fixed fake ARN. */
  functionArn?: string;
}

interface InvocationResult {
  step: StepName;
  ok: boolean;
  error?: { name: string; message: string };
  secretsCalls: number;
  databaseCalls: number;
}

interface SecretSnapshot {
  /** VersionId -> labels (deprecated versions left out). */
  versions: Record<string, string[]>;
  /** Label -> the parsed secret of the version holding it. */
  byStage: Partial<Record<string, DatabaseSecret>>;
}

/**
 * Runs a rotation the way AWS runs it, with crashes: RotateSecret on the local Secrets Manager
 * starts it (the service creates AWSPENDING and invokes the steps), then `invoke` replays steps as
 * AWS's retries would, in a warm or a fresh container, with a fault at any Secrets Manager or
 * database call. Use it to test your own handler, steps and adapter.
 *
 * @example
 * import { createRotationHarness } from 'rotation-kit/testing';
 * const harness = createRotationHarness({ server, adapter, createHandler: (deps) => createRotationHandler({ ...deps }) });
 * const { arn, token } = await harness.start('my-secret', { fault: { target: 'database', call: 2, when: 'after' } });
 * await harness.completeFrom(arn, token, 'createSecret');
 */
class RotationHarness<S extends DatabaseSecret> {
  private readonly secretsPoint = new FaultPoint('secrets');
  private readonly databasePoint = new FaultPoint('database');
  private readonly functionArn: string;
  private readonly inspector: SecretsManagerClient;
  private handler: SecretsManagerRotationHandler | undefined;
  /** Applies to the next invocation that runs. */
  private nextFault: Fault | undefined;
  /** Every invocation so far, in order. */
  readonly invocations: InvocationResult[] = [];

  constructor(private readonly options: RotationHarnessOptions<S>) {
    this.functionArn =
      options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:rotation-kit-harness';
    this.inspector = new SecretsManagerClient(options.server.clientConfig);
    options.server.registerFunction(this.functionArn, (event) =>
      this.run(event.Step as StepName, event.SecretId, event.ClientRequestToken),
    );
  }

  /** Starts a rotation through RotateSecret; `fault` strikes during the service-driven attempt. */
  async start(
    secretId: string,
    options: { fault?: Fault; token?: string } = {},
  ): Promise<{ arn: string; token: string; outcome: RotationOutcome }> {
    const token = options.token ?? randomUUID();
    this.nextFault = options.fault;
    const out = await this.inspector.send(
      new RotateSecretCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        RotationLambdaARN: this.functionArn,
        RotateImmediately: true,
      }),
    );
    const outcome = await this.options.server.rotations.waitFor(secretId, { token });
    this.nextFault = undefined;
    return { arn: out.ARN!, token, outcome };
  }

  /** Invokes one step as a retry would; `freshContainer` simulates a cold start. */
  async invoke(
    arn: string,
    token: string,
    step: StepName,
    options: { fault?: Fault; freshContainer?: boolean } = {},
  ): Promise<InvocationResult> {
    if (options.freshContainer) this.handler = undefined;
    this.nextFault = options.fault;
    try {
      await this.run(step, arn, token);
    } catch {
      // recorded in `invocations`; a retry is the caller's choice
    }
    this.nextFault = undefined;
    return this.invocations[this.invocations.length - 1]!;
  }

  /** Runs `from` and every later step without faults, as AWS's eventual successful attempt. */
  async completeFrom(arn: string, token: string, from: StepName = 'createSecret'): Promise<void> {
    for (const step of STEPS.slice(STEPS.indexOf(from))) {
      const result = await this.invoke(arn, token, step);
      if (!result.ok)
        throw new Error(`${step} failed without a fault: ${result.error?.name}: ${result.error?.message}`);
    }
  }

  /** The secret's labels and the parsed value behind each label, read without faults. */
  async snapshot(arn: string): Promise<SecretSnapshot> {
    const described = await this.inspector.send(new DescribeSecretCommand({ SecretId: arn }));
    const versions = described.VersionIdsToStages ?? {};
    const byStage: SecretSnapshot['byStage'] = {};
    for (const [versionId, stages] of Object.entries(versions)) {
      for (const stage of stages) {
        try {
          const value = await this.inspector.send(
            new GetSecretValueCommand({ SecretId: arn, VersionId: versionId }),
          );
          if (value.SecretString)
            byStage[stage] = this.options.adapter.parseSecret(JSON.parse(value.SecretString));
        } catch {
          // a placeholder version without a value
        }
      }
    }
    return { versions, byStage };
  }

  /**
   * The invariant that must hold at every moment: the AWSCURRENT or the AWSPENDING credentials log
   * in, so no password is ever lost. Resolves the label that logs in, or undefined.
   */
  async workingLabel(arn: string): Promise<string | undefined> {
    const { byStage } = await this.snapshot(arn);
    for (const stage of [Stage.Current, Stage.Pending]) {
      const secret = byStage[stage];
      if (secret && (await this.options.adapter.canLogin(secret as S))) return stage;
    }
    return undefined;
  }

  private async run(step: StepName, secretId: string, token: string): Promise<void> {
    const pending = this.nextFault;
    const fault = pending && (pending.step === undefined || pending.step === step) ? pending : undefined;
    if (fault) this.nextFault = undefined;
    this.secretsPoint.arm(fault);
    this.databasePoint.arm(fault);
    const handler = (this.handler ??= this.buildContainer());
    const before = { secrets: this.secretsPoint.total, database: this.databasePoint.total };
    const record = (ok: boolean, error?: unknown) =>
      this.invocations.push({
        step,
        ok,
        ...(error ? { error: { name: (error as Error).name, message: (error as Error).message } } : {}),
        secretsCalls: this.secretsPoint.total - before.secrets,
        databaseCalls: this.databasePoint.total - before.database,
      });
    try {
      await handler({ Step: step, SecretId: secretId, ClientRequestToken: token }, {} as never, () => {});
      record(true);
    } catch (error) {
      record(false, error);
      if (fault?.kills !== false) this.handler = undefined;
      throw error;
    }
  }

  /** A simulated container: its own SDK client (counted, breakable) and adapter wrapper. */
  private buildContainer(): SecretsManagerRotationHandler {
    const secretsManager = new SecretsManagerClient(this.options.server.clientConfig);
    const point = this.secretsPoint;
    secretsManager.middlewareStack.add((next) => (args) => point.around(() => next(args)), {
      step: 'initialize',
      name: 'rotationKitHarnessFaults',
    });
    return this.options.createHandler({
      secretsManager,
      adapter: adapterWithFaults(this.options.adapter, this.databasePoint),
    });
  }
}

function createRotationHarness<S extends DatabaseSecret>(
  options: RotationHarnessOptions<S>,
): RotationHarness<S> {
  return new RotationHarness(options);
}

export { RotationHarness, createRotationHarness };
export type { HandlerDependencies, InvocationResult, RotationHarnessOptions, SecretSnapshot };
