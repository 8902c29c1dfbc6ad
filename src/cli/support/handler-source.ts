import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationHandler } from 'aws-lambda';
import { ENGINE_ADAPTERS, ENGINE_NAMES, isEngineName } from '../../adapters/registry.js';
import { Stage } from '../../rotation/constants.js';
import { createRotationHandler } from '../../rotation/handler.js';
import { CLIENT_HOOK } from '../../secrets/client.js';
import type { DefaultClientHook } from '../../secrets/client.js';
import type { Logger } from '../../shared/logger.js';
import { UsageError } from './errors.js';
import { standInForRotateSecret } from './placeholder.js';
import { templateWiring } from './templates.js';
import type { TemplateName } from './templates.js';

/** Which handler `rotate` runs: a template's, or the user's own bundle's. */
interface HandlerChoice {
  template?: TemplateName;
  /** A bundled file exporting `handler` (the Lambda's `index.handler`). */
  handlerFile?: string;
}

interface HandlerSource {
  handler: SecretsManagerRotationHandler;
  /** How the handler is built, for display. */
  wiring: string;
  /** The template run, when it is one. */
  template?: TemplateName;
  /** Why this template, when the secret chose it (neither --template nor --handler given). */
  chosenBecause?: string;
}

/**
 * The template a secret calls for: its `engine` picks the adapter, a `masterarn` (a superuser
 * secret) the alternating-users template. Redis ACL users always need a `masterarn`; its template
 * is single-user (dual password is a choice the secret cannot state: `--template`). Only the two
 * keys are read, never printed.
 */
async function templateForSecret(
  client: SecretsManagerClient,
  secretId: string,
): Promise<{ template: TemplateName; because: string }> {
  const current = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: Stage.Current }),
  );
  let value: { engine?: unknown; masterarn?: unknown } = {};
  try {
    value = JSON.parse(current.SecretString ?? '') as typeof value;
  } catch {
    // not JSON: reported below like an unknown engine
  }
  const engine = value?.engine;
  if (!isEngineName(engine)) {
    throw new UsageError(
      `The secret's AWSCURRENT has no "engine" rotation-kit knows (${ENGINE_NAMES.join(', ')}): pass --template or --handler`,
    );
  }
  const family = ENGINE_ADAPTERS[engine];
  const multi = typeof value.masterarn === 'string' && value.masterarn.length > 0;
  const template: TemplateName =
    family === 'redis' ? 'redis-single-user' : `${family}-${multi ? 'multi' : 'single'}-user`;
  const because = `engine "${engine}", ${multi ? 'a masterarn (superuser secret)' : 'no masterarn'}`;
  return { template, because };
}

/**
 * The user's bundle's `handler`. Loaded with a hook in place, so that a handler built with
 * rotation-kit's createRotationHandler (and its default client) talks to the same endpoint,
 * region and credentials as the CLI, through the same stand-in for RotateSecret.
 */
async function loadUserHandler(
  file: string,
  clientConfig: SecretsManagerClientConfig,
  token: string,
): Promise<SecretsManagerRotationHandler> {
  const hook: DefaultClientHook = {
    config: clientConfig,
    prepare: (client) => standInForRotateSecret(client, { token }),
  };
  const global = globalThis as { [CLIENT_HOOK]?: DefaultClientHook };
  global[CLIENT_HOOK] = hook;
  try {
    let loaded: { handler?: unknown; default?: { handler?: unknown } };
    try {
      loaded = (await import(pathToFileURL(resolve(file)).href)) as typeof loaded;
    } catch (error) {
      throw new UsageError(`--handler ${file} could not be loaded: ${(error as Error).message}`);
    }
    const handler = loaded.handler ?? loaded.default?.handler;
    if (typeof handler !== 'function') {
      throw new UsageError(
        `--handler ${file} must export a function named "handler" (the Lambda's index.handler)`,
      );
    }
    return handler as SecretsManagerRotationHandler;
  } finally {
    delete global[CLIENT_HOOK];
  }
}

/** The handler to run for `choice`; with neither a template nor a file, the secret decides. */
async function handlerSource(
  choice: HandlerChoice,
  context: {
    client: SecretsManagerClient;
    clientConfig: SecretsManagerClientConfig;
    secretId: string;
    token: string;
    logger: Logger;
  },
): Promise<HandlerSource> {
  if (choice.handlerFile) {
    const handler = await loadUserHandler(choice.handlerFile, context.clientConfig, context.token);
    return { handler, wiring: `handler exported by ${choice.handlerFile}` };
  }
  const chosen = choice.template ? undefined : await templateForSecret(context.client, context.secretId);
  const template = choice.template ?? (chosen?.template as TemplateName);
  const { adapter, strategy, wiring } = await templateWiring(template);
  standInForRotateSecret(context.client, { token: context.token });
  const handler = createRotationHandler({
    adapter,
    strategy,
    secretsManager: context.client,
    logger: context.logger,
  });
  return { handler, wiring, template, ...(chosen ? { chosenBecause: chosen.because } : {}) };
}

export { handlerSource, templateForSecret };
export type { HandlerChoice, HandlerSource };
