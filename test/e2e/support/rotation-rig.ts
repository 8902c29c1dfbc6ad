/**
 * The end-to-end rig: the local Secrets Manager over HTTP, an SDK client for it, and the real
 * template modules as rotation functions. Free of Jest globals, so the benchmark uses it too.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent, SecretsManagerRotationHandler } from 'aws-lambda';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import type { LocalSecretsManager, RotationOutcome } from '../../../src/local/index.js';

/** Every template, loaded lazily: a template builds its Secrets Manager client when it is imported. */
const TEMPLATES = {
  'postgres-single-user': () => import('../../../templates/postgres-single-user/index.js'),
  'postgres-multi-user': () => import('../../../templates/postgres-multi-user/index.js'),
  'mysql-single-user': () => import('../../../templates/mysql-single-user/index.js'),
  'mysql-multi-user': () => import('../../../templates/mysql-multi-user/index.js'),
  'redshift-single-user': () => import('../../../templates/redshift-single-user/index.js'),
  'redshift-multi-user': () => import('../../../templates/redshift-multi-user/index.js'),
  'redis-single-user': () => import('../../../templates/redis-single-user/index.js'),
  'redis-dual-password': () => import('../../../templates/redis-dual-password/index.js'),
} as const;

type TemplateName = keyof typeof TEMPLATES;

type SecretJson = Record<string, unknown> & { username: string; password: string };

/** Runs after a step of the wrapped handler succeeded: models the service's pause between invocations. */
type AfterStep = (step: SecretsManagerRotationEvent['Step']) => Promise<void> | void;

const LAMBDA_CONTEXT = { awsRequestId: 'e2e', functionName: 'rotation' } as Context;

/**
 * Imports a template's `handler` the way Lambda loads it: with `SECRETS_MANAGER_ENDPOINT` (which the
 * template's module-scope client reads, as AWS's own templates do) pointing at `endpoint`.
 * `LOG_LEVEL` keeps the handler's JSON lines to warnings and errors. Both are restored afterwards;
 * the client keeps the endpoint it was built with.
 */
async function loadTemplate(name: TemplateName, endpoint: string): Promise<SecretsManagerRotationHandler> {
  const saved = { endpoint: process.env.SECRETS_MANAGER_ENDPOINT, level: process.env.LOG_LEVEL };
  process.env.SECRETS_MANAGER_ENDPOINT = endpoint;
  process.env.LOG_LEVEL = 'warn';
  try {
    const { handler } = await TEMPLATES[name]();
    return handler;
  } finally {
    restore('SECRETS_MANAGER_ENDPOINT', saved.endpoint);
    restore('LOG_LEVEL', saved.level);
  }
}

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/** A Lambda ARN for a rotation function name, in the local server's region and account. */
function functionArn(local: LocalSecretsManager, name: string): string {
  return `arn:aws:lambda:${local.region}:${local.accountId}:function:${name}`;
}

class RotationRig {
  private readonly loaded = new Map<TemplateName, SecretsManagerRotationHandler>();

  private constructor(
    readonly local: LocalSecretsManager,
    /** An administrator's client: creates secrets and starts rotations. */
    readonly client: SecretsManagerClient,
  ) {}

  static async start(): Promise<RotationRig> {
    const local = await startLocalSecretsManager();
    return new RotationRig(local, new SecretsManagerClient(local.clientConfig));
  }

  /** A new client of the local server, as an application would hold. */
  newClient(): SecretsManagerClient {
    return new SecretsManagerClient(this.local.clientConfig);
  }

  /** The template's handler, imported once per rig. */
  async template(name: TemplateName): Promise<SecretsManagerRotationHandler> {
    let handler = this.loaded.get(name);
    if (!handler) {
      handler = await loadTemplate(name, this.local.endpoint);
      this.loaded.set(name, handler);
    }
    return handler;
  }

  /**
   * Registers `handler` as the rotation function `name` and returns its ARN. `afterStep` runs after
   * each step the handler completed, before the service invokes the next one.
   */
  register(name: string, handler: SecretsManagerRotationHandler, afterStep?: AfterStep): string {
    const arn = functionArn(this.local, name);
    this.local.registerFunction(arn, async (event: SecretsManagerRotationEvent) => {
      await handler(event, LAMBDA_CONTEXT, () => undefined);
      await afterStep?.(event.Step);
    });
    return arn;
  }

  /** Registers a template (under its own name) and returns the function's ARN. */
  async registerTemplate(name: TemplateName, afterStep?: AfterStep): Promise<string> {
    return this.register(name, await this.template(name), afterStep);
  }

  /** CreateSecret with a JSON value; resolves to the secret's ARN. */
  async createSecret(name: string, value: Record<string, unknown>): Promise<string> {
    const { ARN } = await this.client.send(
      new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
    );
    if (!ARN) throw new Error(`CreateSecret ${name} answered without an ARN`);
    return ARN;
  }

  /** RotateSecret over HTTP, then the outcome of exactly that rotation (all four steps, or the failure). */
  async rotate(secretId: string, rotationFunctionArn: string): Promise<RotationOutcome> {
    const { VersionId } = await this.client.send(
      new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: rotationFunctionArn }),
    );
    if (!VersionId) throw new Error('RotateSecret answered without a VersionId');
    return this.local.rotations.waitFor(secretId, { token: VersionId });
  }

  /** Like `rotate`, but a failed rotation throws with the step and the function's error. */
  async rotateOrThrow(secretId: string, rotationFunctionArn: string): Promise<RotationOutcome> {
    const outcome = await this.rotate(secretId, rotationFunctionArn);
    if (!outcome.succeeded) {
      throw new Error(
        `rotation failed at ${outcome.failedStep}: ${outcome.error?.name}: ${outcome.error?.message}`,
      );
    }
    return outcome;
  }

  /** The JSON value a staging label is on (GetSecretValue, as an application reads it). */
  async read(secretId: string, stage = 'AWSCURRENT'): Promise<SecretJson> {
    return readSecret(this.client, secretId, stage);
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.local.stop();
  }
}

async function readSecret(
  client: SecretsManagerClient,
  secretId: string,
  stage = 'AWSCURRENT',
): Promise<SecretJson> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
  );
  if (SecretString === undefined) throw new Error(`${stage} of ${secretId} has no SecretString`);
  return JSON.parse(SecretString) as SecretJson;
}

export { RotationRig, TEMPLATES, loadTemplate, readSecret };
export type { AfterStep, SecretJson, TemplateName };
