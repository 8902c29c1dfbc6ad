import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';

/**
 * The default Secrets Manager client: the usual AWS environment (region, credentials), plus
 * `SECRETS_MANAGER_ENDPOINT` as AWS's own templates honour it (a VPC endpoint, or a local
 * Secrets Manager in tests). Explicit `config` wins over the environment.
 */
function createSecretsManagerClient(config: SecretsManagerClientConfig = {}): SecretsManagerClient {
  const endpoint = process.env.SECRETS_MANAGER_ENDPOINT;
  return new SecretsManagerClient({ ...(endpoint ? { endpoint } : {}), ...config });
}

export { createSecretsManagerClient };
