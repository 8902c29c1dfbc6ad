import { join } from 'node:path';
import {
  CreateSecretCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManagerOptions } from '../../src/local/index.js';
import { newToken, withTempDir } from './support/localServer.js';

async function countVersions(client: SecretsManagerClient, SecretId: string): Promise<number> {
  let count = 0;
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: true, NextToken }),
    );
    count += page.Versions?.length ?? 0;
    NextToken = page.NextToken;
  } while (NextToken);
  return count;
}

async function scenario(options: LocalSecretsManagerOptions) {
  const server = await startLocalSecretsManager(options);
  // Enough sockets that the 100 requests are really in flight together.
  const client = new SecretsManagerClient({
    ...server.clientConfig,
    requestHandler: { httpAgent: { maxSockets: 100 } },
  });
  try {
    await client.send(new CreateSecretCommand({ Name: 'busy' }));
    const tokens = Array.from({ length: 100 }, newToken);
    const results = await Promise.all(
      tokens.map((token, i) =>
        client.send(
          new PutSecretValueCommand({ SecretId: 'busy', ClientRequestToken: token, SecretString: `v${i}` }),
        ),
      ),
    );
    expect(new Set(results.map((r) => r.VersionId)).size).toBe(100);
    expect(await countVersions(client, 'busy')).toBe(100);
    expect(results.filter((r) => r.VersionStages?.includes('AWSCURRENT'))).not.toHaveLength(0);

    const repeated = newToken();
    const twice = await Promise.all(
      [1, 2].map(() =>
        client.send(
          new PutSecretValueCommand({ SecretId: 'busy', ClientRequestToken: repeated, SecretString: 'same' }),
        ),
      ),
    );
    expect(twice[0]?.VersionId).toBe(repeated);
    expect(twice[1]?.VersionId).toBe(repeated);
    expect(await countVersions(client, 'busy')).toBe(101);
  } finally {
    client.destroy();
    await server.stop();
  }
}

describe('local Secrets Manager: concurrent requests', () => {
  it('100 parallel PutSecretValue with distinct tokens make 100 versions; one token twice makes one (memory)', () =>
    scenario({}));

  it('does the same with a data file (grouped fsyncs), and the file holds all 101 versions', () =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      await scenario({ dataFile });
      const reopened = await startLocalSecretsManager({ dataFile });
      const client = new SecretsManagerClient(reopened.clientConfig);
      expect(await countVersions(client, 'busy')).toBe(101);
      client.destroy();
      await reopened.stop();
    }));
});
