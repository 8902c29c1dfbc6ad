import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationHandler } from 'aws-lambda';
import { createSecretsManagerClient } from '../secrets/client.js';
import { SecretsGateway } from '../secrets/gateway.js';
import { RotationNotEnabledError, VersionNotStagedError } from '../shared/errors.js';
import { createJsonLogger, withAttributes } from '../shared/logger.js';
import type { Logger } from '../shared/logger.js';
import type { DatabaseAdapter, DatabaseSecret } from './adapter.js';
import { Stage } from './constants.js';
import type { StepName } from './constants.js';
import { RotationContext } from './context.js';
import { parseRotationEvent } from './event.js';
import { resolvePasswordPolicy, resolvePasswordSource } from './password-policy.js';
import type { PasswordPolicy, PasswordSource } from './password-policy.js';
import { createSecret } from './steps/create-secret.js';
import { finishSecret } from './steps/finish-secret.js';
import { setSecret } from './steps/set-secret.js';
import { createTestSecret } from './steps/test-secret.js';
import type { LoginRetryOptions } from './steps/test-secret.js';
import { singleUser } from './strategies/single-user.js';
import type { RotationStrategy } from './strategies/strategy.js';

/** A step: receives its dependencies, returns or throws. */
type RotationStep<S extends DatabaseSecret = DatabaseSecret> = (context: RotationContext<S>) => Promise<void>;

/**
 * Replaces or wraps a step: `next` runs the built-in step, so an override can run code before or
 * after it, or not call it at all.
 */
type StepOverride<S extends DatabaseSecret = DatabaseSecret> = (
  context: RotationContext<S>,
  next: () => Promise<void>,
) => Promise<void>;

interface RotationHooks<S extends DatabaseSecret = DatabaseSecret> {
  /** After the entry checks, before the step runs. */
  before?(context: RotationContext<S>): Promise<void> | void;
  /** After the step succeeded. */
  after?(context: RotationContext<S>): Promise<void> | void;
  /** When the step failed; the error is rethrown afterwards so Secrets Manager retries. */
  onError?(context: RotationContext<S>, error: unknown): Promise<void> | void;
}

/** Give a ready client, or a config for the default one, never both. */
type SecretsManagerOption =
  | { secretsManager?: SecretsManagerClient; secretsManagerConfig?: never }
  | { secretsManager?: never; secretsManagerConfig?: SecretsManagerClientConfig };

type RotationHandlerOptions<S extends DatabaseSecret = DatabaseSecret> = SecretsManagerOption & {
  /** The database this function rotates. */
  adapter: DatabaseAdapter<S>;
  /** Who changes whose password. Default: `singleUser()`. */
  strategy?: RotationStrategy;
  /**
   * GetRandomPassword's options, over the adapter's own `passwordPolicy`; `PASSWORD_LENGTH` and
   * `EXCLUDE_CHARACTERS` override it.
   */
  passwordPolicy?: PasswordPolicy;
  /**
   * `'function'` (default): passwords are generated in the function, with GetRandomPassword's
   * semantics, one call fewer and no IAM grant on `*`; `'secrets-manager'` calls GetRandomPassword.
   * `ROTATION_KIT_PASSWORD_SOURCE` overrides it.
   */
  passwordSource?: PasswordSource;
  /** Default: JSON lines on stdout, redacted. Any Powertools-style logger works. */
  logger?: Logger;
  /** Replace or wrap any of the four steps. */
  steps?: Partial<Record<StepName, StepOverride<S>>>;
  hooks?: RotationHooks<S>;
  /** testSecret's login retries. */
  loginRetry?: LoginRetryOptions;
};

/**
 * Builds the rotation Lambda handler. Call it at module scope so the Secrets Manager client and
 * its version cache live across warm invocations.
 *
 * Every invocation: validates the event, reads DescribeSecret once (rotation enabled, the token is a
 * version of the secret, AWSCURRENT already there -> done, not AWSPENDING -> error), then runs the
 * step. Every step is idempotent: AWS may retry any of them, in any order.
 *
 * @example
 * import { createRotationHandler } from 'rotation-kit';
 * import { createPostgresAdapter } from 'rotation-kit/postgres';
 *
 * export const handler = createRotationHandler({ adapter: createPostgresAdapter() });
 */
function createRotationHandler<S extends DatabaseSecret>(
  options: RotationHandlerOptions<S>,
): SecretsManagerRotationHandler {
  const client = options.secretsManager ?? createSecretsManagerClient(options.secretsManagerConfig);
  const secrets = new SecretsGateway(client);
  const strategy = options.strategy ?? singleUser();
  const logger = options.logger ?? createJsonLogger();
  const builtIn: Record<StepName, RotationStep> = {
    createSecret,
    setSecret,
    testSecret: createTestSecret(options.loginRetry),
    finishSecret,
  };
  const hooks = options.hooks ?? {};

  return async (event: unknown, lambdaContext?: Context): Promise<void> => {
    const started = performance.now();
    let parsed: ReturnType<typeof parseRotationEvent>;
    try {
      parsed = parseRotationEvent(event);
    } catch (error) {
      logger.error('invalid rotation event', { error });
      throw error;
    }
    const log = withAttributes(logger, {
      step: parsed.Step,
      secretId: parsed.SecretId,
      token: parsed.ClientRequestToken,
      ...(lambdaContext?.awsRequestId ? { requestId: lambdaContext.awsRequestId } : {}),
    });
    const passwordRequest = resolvePasswordPolicy({
      ...options.adapter.passwordPolicy,
      ...options.passwordPolicy,
    });
    const passwordSource = resolvePasswordSource(options.passwordSource);
    const description = await secrets.describe(parsed.SecretId);
    const context = new RotationContext<S>({
      event: parsed,
      description,
      adapter: options.adapter,
      strategy,
      secrets,
      passwordRequest,
      passwordSource,
      log,
    });
    try {
      if (await isAlreadyCurrent(context)) return;
      await hooks.before?.(context);
      const step = builtIn[parsed.Step] as unknown as RotationStep<S>;
      const override = options.steps?.[parsed.Step];
      await (override ? override(context, () => step(context)) : step(context));
      await hooks.after?.(context);
      log.info('step complete', { ms: Math.round(performance.now() - started) });
    } catch (error) {
      log.error('step failed', { error, ms: Math.round(performance.now() - started) });
      await hooks.onError?.(context, error);
      throw error;
    }
  };
}

/**
 * The service contract's entry checks. Returns true when the token's version is already AWSCURRENT
 * (a retry after finishSecret): nothing to do, except taking off an AWSPENDING that a crash left.
 */
async function isAlreadyCurrent(context: RotationContext<DatabaseSecret>): Promise<boolean> {
  const { description, secretId, token, log } = context;
  if (!description.rotationEnabled) throw new RotationNotEnabledError(secretId);
  const stages = description.versions[token];
  if (!stages) throw new VersionNotStagedError(secretId, token, 'is not a version of the secret');
  if (stages.includes(Stage.Current)) {
    if (context.step === 'finishSecret' && stages.includes(Stage.Pending)) {
      await context.secrets.removeStage(secretId, Stage.Pending, token);
      log.info('AWSPENDING removed from the version already AWSCURRENT');
    } else {
      log.info('version is already AWSCURRENT; nothing to do');
    }
    return true;
  }
  if (!stages.includes(Stage.Pending)) {
    throw new VersionNotStagedError(secretId, token, 'is not staged AWSPENDING');
  }
  return false;
}

export { createRotationHandler };
export type { RotationHandlerOptions, RotationHooks, RotationStep, StepOverride };
