import { randomUUID } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DataFileError } from '../../src/shared/errors.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import { clientFor, runCli, startCliServer, withTempDir } from './support/localServer.js';

async function allVersionIds(client: SecretsManagerClient, SecretId: string): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: true, NextToken }),
    );
    ids.push(...(page.Versions ?? []).map((v) => v.VersionId as string));
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
}

describe('local Secrets Manager: data file durability', () => {
  const afterCleanup: (() => void)[] = [];
  afterEach(() => afterCleanup.splice(0).forEach((cleanup) => cleanup()));

  it('keeps every secret, version, label and tag across a restart', () =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      const first = await startLocalSecretsManager({ dataFile });
      let client = new SecretsManagerClient(first.clientConfig);
      const { ARN } = await client.send(
        new CreateSecretCommand({ Name: 'kept', SecretString: 'one', Tags: [{ Key: 't', Value: 'v' }] }),
      );
      await client.send(
        new PutSecretValueCommand({ SecretId: 'kept', SecretBinary: Uint8Array.from([7, 8, 9]) }),
      );
      const before = await client.send(new DescribeSecretCommand({ SecretId: 'kept' }));
      client.destroy();
      await first.stop();
      expect((await stat(dataFile)).mode & 0o777).toBe(0o600);

      const second = await startLocalSecretsManager({ dataFile });
      client = new SecretsManagerClient(second.clientConfig);
      const after = await client.send(new DescribeSecretCommand({ SecretId: ARN }));
      expect(after.VersionIdsToStages).toEqual(before.VersionIdsToStages);
      expect(after.Tags).toEqual([{ Key: 't', Value: 'v' }]);
      const value = await client.send(new GetSecretValueCommand({ SecretId: 'kept' }));
      expect(Buffer.from(value.SecretBinary as Uint8Array)).toEqual(Buffer.from([7, 8, 9]));
      client.destroy();
      await second.stop();
    }));

  it('refuses a corrupt, truncated, empty or foreign data file and leaves it untouched', () =>
    withTempDir(async (dir) => {
      const good = join(dir, 'good.json');
      const server = await startLocalSecretsManager({ dataFile: good });
      const client = new SecretsManagerClient(server.clientConfig);
      await client.send(new CreateSecretCommand({ Name: 'x', SecretString: 'y' }));
      client.destroy();
      await server.stop();
      const text = await readFile(good, 'utf8');

      const cases: [string, string, RegExp][] = [
        ['truncated.json', text.slice(0, text.length - 7), /not valid JSON; it may be truncated or corrupt/],
        ['empty.json', '', /not valid JSON/],
        ['garbage.json', '\u0000\u0001garbage', /not valid JSON/],
        ['foreign.json', '{"secrets":[]}', /is not a rotation-kit\/local-secrets-manager data file/],
        [
          'broken-secret.json',
          text.replace(/"created":[0-9.]+/, '"created":"yesterday"'),
          /secrets\[0\] lacks its dates/,
        ],
        [
          'other-region.json',
          text,
          /holds secrets of region us-east-1 and account 123456789012, not eu-west-1/,
        ],
      ];
      for (const [file, content, reason] of cases) {
        const path = join(dir, file);
        await writeFile(path, content);
        const options =
          file === 'other-region.json' ? { dataFile: path, region: 'eu-west-1' } : { dataFile: path };
        const failure = startLocalSecretsManager(options);
        await expect(failure).rejects.toBeInstanceOf(DataFileError);
        await expect(failure).rejects.toThrow(reason);
        await expect(failure).rejects.toThrow(/never reset automatically/);
        expect(await readFile(path, 'utf8')).toBe(content);
      }
    }));

  it('refuses a data file it cannot create', async () => {
    await expect(startLocalSecretsManager({ dataFile: '/nonexistent-dir/state.json' })).rejects.toThrow(
      /cannot be written/,
    );
  });

  it(
    'loses no acknowledged write when the server process is killed with SIGKILL mid-load',
    () =>
      withTempDir(async (dir) => {
        const dataFile = join(dir, 'state.json');
        const server = await startCliServer(['--data', dataFile]);
        afterCleanup.push(() => server.child.kill('SIGKILL'));
        const client = clientFor(server.endpoint);
        await client.send(new CreateSecretCommand({ Name: 'crash', SecretString: 'v0' }));

        // Writers keep 16 requests in flight until the kill; only answered ones count as acknowledged.
        const acknowledged = new Map<string, string>();
        let killed = false;
        const writer = async () => {
          while (!killed) {
            const token = randomUUID();
            const value = `value-${token}`;
            try {
              await client.send(
                new PutSecretValueCommand({
                  SecretId: 'crash',
                  ClientRequestToken: token,
                  SecretString: value,
                }),
              );
              acknowledged.set(token, value);
            } catch {
              return;
            }
          }
        };
        const writers = Array.from({ length: 16 }, writer);
        while (acknowledged.size < 300) await new Promise((resolve) => setTimeout(resolve, 5));
        killed = true;
        server.child.kill('SIGKILL');
        await Promise.all(writers);
        expect(await server.exited).toBeNull();
        client.destroy();

        const restarted = await startLocalSecretsManager({ dataFile });
        const after = new SecretsManagerClient(restarted.clientConfig);
        try {
          const ids = new Set(await allVersionIds(after, 'crash'));
          const missing = [...acknowledged.keys()].filter((token) => !ids.has(token));
          expect(missing).toEqual([]);
          // Every acknowledged version holds the value that was acknowledged.
          for (const [token, value] of [...acknowledged].slice(0, 50))
            expect(
              (await after.send(new GetSecretValueCommand({ SecretId: 'crash', VersionId: token })))
                .SecretString,
            ).toBe(value);
        } finally {
          after.destroy();
          await restarted.stop();
        }
      }),
    60_000,
  );

  it(
    'rotation-kit serve refuses a corrupt data file with a clear message and a non-zero exit',
    () =>
      withTempDir(async (dir) => {
        const dataFile = join(dir, 'state.json');
        await writeFile(dataFile, '{"format":"rotation-kit/local-secrets-manager","formatVersion":1,"secr');
        const run = runCli(['serve', '--port', '0', '--data', dataFile]);
        expect(await run.exited).toBe(1);
        expect(run.output()).toMatch(/data file .*state\.json is refused: it is not valid JSON/);
        expect(run.output()).not.toMatch(/listening/);
        expect(await readFile(dataFile, 'utf8')).toContain('"secr');
      }),
    30_000,
  );
});
