import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { adapterForEngine } from '../../adapters/registry.js';
import type { DatabaseAdapter } from '../../rotation/adapter.js';
import { SecretShapeError } from '../../shared/errors.js';

/**
 * The adapter for a secret's `engine` key (AWSCURRENT), to try its logins. The value is read only
 * for that key; a parse error never echoes it (JSON.parse quotes its input).
 */
async function adapterForSecret(client: SecretsManagerClient, secretId: string): Promise<DatabaseAdapter> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
  );
  let engine: unknown;
  try {
    engine = (JSON.parse(SecretString ?? '') as { engine?: unknown } | null)?.engine;
  } catch {
    throw new SecretShapeError('SecretString', 'a JSON object with an "engine" key', 'AWSCURRENT secret');
  }
  try {
    return await adapterForEngine(engine);
  } catch (error) {
    if (error instanceof SecretShapeError)
      throw new SecretShapeError(error.key, error.expected, 'AWSCURRENT secret');
    throw error;
  }
}

export { adapterForSecret };
