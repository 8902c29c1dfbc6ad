import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';

/**
 * `rotation-kit rotate --handler` runs a user's own bundled handler inside the CLI. That bundle
 * carries its own copy of this module, so the CLI reaches the client it makes through a
 * process-wide symbol: the CLI's connection settings (endpoint, region, credentials) and its stand-in
 * for RotateSecret (see src/cli/support/placeholder.ts). Unset everywhere else.
 */
const CLIENT_HOOK = Symbol.for('rotation-kit.defaultClientHook');

interface DefaultClientHook {
  config: SecretsManagerClientConfig;
  prepare(client: SecretsManagerClient): void;
}

/**
 * The default Secrets Manager client: the usual AWS environment (region, credentials), plus
 * `SECRETS_MANAGER_ENDPOINT` as AWS's own templates honour it (a VPC endpoint, or a local
 * Secrets Manager in tests). Explicit `config` wins over the environment.
 */
function createSecretsManagerClient(config: SecretsManagerClientConfig = {}): SecretsManagerClient {
  const endpoint = process.env.SECRETS_MANAGER_ENDPOINT;
  const hook = (globalThis as { [CLIENT_HOOK]?: DefaultClientHook })[CLIENT_HOOK];
  const client = new SecretsManagerClient({ ...(endpoint ? { endpoint } : {}), ...hook?.config, ...config });
  hook?.prepare(client);
  return client;
}

export { CLIENT_HOOK, createSecretsManagerClient };
export type { DefaultClientHook };
