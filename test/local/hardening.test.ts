import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager } from '../../src/local/index.js';
import { DataFileError } from '../../src/shared/errors.js';
import {
  clientFor,
  expectServiceError,
  newToken,
  runCli,
  startCliServer,
  uniqueName,
  useLocalSecretsManager,
  withTempDir,
} from './support/localServer.js';
import type { CliServer } from './support/localServer.js';

/** A GetSecretValue sent with a chosen Host header (fetch cannot set one). */
function getWithHost(endpoint: string, host: string, secretId: string) {
  const url = new URL(endpoint);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.GetSecretValue',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ SecretId: secretId }));
  });
}

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((info) => info?.family === 'IPv4' && !info.internal)?.address;
}

describe('local Secrets Manager hardening: DNS rebinding (Host header)', () => {
  const local = useLocalSecretsManager();

  it('refuses a request whose Host is not loopback, before reading anything', async () => {
    const name = uniqueName();
    await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'rebound-secret' }));
    const refused = await getWithHost(local.server().endpoint, 'evil.example', name);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      __type: 'AccessDeniedException',
      Message: expect.stringMatching(/only requests whose Host header is a loopback name or address/),
    });
    expect(refused.body).not.toContain('rebound-secret');
    for (const host of ['evil.example:4566', '127.0.0.1.evil.example', 'localhost.evil.example'])
      expect((await getWithHost(local.server().endpoint, host, name)).status).toBe(403);
  });

  it('answers loopback names and addresses, with or without a port', async () => {
    const name = uniqueName();
    await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const port = local.server().port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, 'LOCALHOST.'])
      expect((await getWithHost(local.server().endpoint, host, name)).status).toBe(200);
  });
});

describe('local Secrets Manager hardening: SSRF through RotationLambdaARN', () => {
  const local = useLocalSecretsManager();

  it('never POSTs to a URL that is neither loopback nor registered', async () => {
    const address = externalAddress();
    // A listener on this machine's non-loopback address: it must never see a request.
    let hits = 0;
    const target = createServer((_req, res) => {
      hits += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => target.listen(0, address ?? '127.0.0.2', resolve));
    try {
      const { port } = target.address() as AddressInfo;
      const name = uniqueName();
      await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
      for (const url of [
        `http://${address ?? '10.0.0.1'}:${port}/2015-03-31/functions/function/invocations`,
        'http://169.254.169.254/latest/meta-data/',
        'https://evil.example/invoke',
      ]) {
        await expectServiceError(
          local.client().send(
            new RotateSecretCommand({
              SecretId: name,
              RotationLambdaARN: url,
              ClientRequestToken: newToken(),
            }),
          ),
          'AccessDeniedException',
          /invokes an http\(s\) URL given as RotationLambdaARN only when its host is loopback; register any other URL with --function or registerFunction/,
        );
      }
      // Nothing was saved, nothing was invoked.
      const described = await local.client().send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.RotationEnabled).toBeUndefined();
      expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(hits).toBe(0);

      if (address !== undefined) {
        // The same URL, registered by the user, is invoked.
        const arn = 'arn:aws:lambda:us-east-1:123456789012:function:external';
        local.server().registerFunction(arn, `http://${address}:${port}/invoke`);
        await local
          .client()
          .send(
            new RotateSecretCommand({ SecretId: name, RotationLambdaARN: arn, RotateImmediately: false }),
          );
        expect((await local.server().rotations.waitFor(name)).succeeded).toBe(true);
        expect(hits).toBeGreaterThan(0);
      }
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it('still invokes an unregistered loopback invoke URL, and never follows its redirect', async () => {
    const seen: string[] = [];
    const target = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(307, { location: 'http://169.254.169.254/' });
        res.end();
      } else res.end('{}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = target.address() as AddressInfo;
      const name = uniqueName();
      await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
      await local.client().send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: `http://127.0.0.1:${port}/ok`,
          RotateImmediately: false,
        }),
      );
      expect((await local.server().rotations.waitFor(name)).succeeded).toBe(true);
      await local.client().send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: `http://localhost:${port}/redirect`,
          RotateImmediately: false,
        }),
      );
      const outcome = await local.server().rotations.waitFor(name);
      expect(outcome.succeeded).toBe(false);
      expect(outcome.error?.message).toMatch(/HTTP 307/);
      expect(seen).toEqual(['/ok', '/redirect']);
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });
});

describe('local Secrets Manager hardening: the data file (real processes)', () => {
  const children: CliServer[] = [];
  afterEach(() => children.splice(0).forEach((child) => child.child.kill('SIGKILL')));

  it(
    'refuses a second server on the same data file while the first lives; takes over after kill -9',
    () =>
      withTempDir(async (dir) => {
        const dataFile = join(dir, 'state.json');
        const first = await startCliServer(['--data', dataFile]);
        children.push(first);
        const client = clientFor(first.endpoint);
        await client.send(new CreateSecretCommand({ Name: 'one', SecretString: 'first' }));

        const second = runCli(['serve', '--port', '0', '--data', dataFile]);
        expect(await second.exited).toBe(1);
        expect(second.output()).toMatch(
          new RegExp(`is refused: another server \\(pid ${first.child.pid}\\) is using it`),
        );
        expect(second.output()).not.toMatch(/listening/);
        // In-process too.
        await expect(startLocalSecretsManager({ dataFile })).rejects.toThrow(/another server .* is using it/);

        first.child.kill('SIGKILL');
        await first.exited;
        client.destroy();
        const third = await startCliServer(['--data', dataFile]);
        children.push(third);
        const after = clientFor(third.endpoint);
        expect((await after.send(new GetSecretValueCommand({ SecretId: 'one' }))).SecretString).toBe('first');
        after.destroy();
      }),
    60_000,
  );

  it(
    'removes, unread, the plaintext temp files a killed server left, and only those',
    () =>
      withTempDir(async (dir) => {
        const dataFile = join(dir, 'state.json');
        const first = await startCliServer(['--data', dataFile]);
        children.push(first);
        const client = clientFor(first.endpoint);
        await client.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'v' }));
        client.destroy();
        first.child.kill('SIGKILL');
        await first.exited;
        // What a kill -9 between the temp write and the rename leaves (its content is never read:
        // here it is not even JSON).
        await writeFile(join(dir, `state.json.${first.child.pid}.tmp`), 'plaintext copy: hunter2');
        await writeFile(join(dir, 'state.json.4242.tmp'), 'another killed writer');
        await writeFile(join(dir, 'other.json.4242.tmp'), 'not ours');
        await writeFile(join(dir, 'state.json.backup.tmp'), 'not ours either');

        const second = await startCliServer(['--data', dataFile]);
        children.push(second);
        expect((await readdir(dir)).sort()).toEqual([
          'other.json.4242.tmp',
          'state.json',
          'state.json.backup.tmp',
          'state.json.lock',
        ]);
        expect(second.output()).not.toContain('hunter2');
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
        expect(await readdir(dir)).not.toContain('state.json.lock');
      }),
    60_000,
  );

  it(
    'refuses a FIFO or a directory as --data at once',
    () =>
      withTempDir(async (dir) => {
        const fifo = join(dir, 'fifo.json');
        execFileSync('mkfifo', [fifo]);
        const run = runCli(['serve', '--port', '0', '--data', fifo]);
        expect(await run.exited).toBe(1);
        expect(run.output()).toMatch(/fifo\.json is refused: it is a FIFO, not a regular file/);
        const directory = join(dir, 'dir.json');
        await mkdir(directory);
        await expect(startLocalSecretsManager({ dataFile: directory })).rejects.toThrow(
          /is refused: it is a directory, not a regular file/,
        );
      }),
    30_000,
  );

  it(
    'never quotes the damaged file on stderr (issue 10 item 10)',
    () =>
      withTempDir(async (dir) => {
        const dataFile = join(dir, 'state.json');
        const password = 'Sup3r-S3cret-Passw0rd';
        const server = await startLocalSecretsManager({ dataFile });
        const client = clientFor(server.endpoint);
        await client.send(new CreateSecretCommand({ Name: 'db', SecretString: password }));
        client.destroy();
        await server.stop();
        // A lost quote before the value: V8's own message would quote the bytes after it.
        const damaged = (await readFile(dataFile, 'utf8')).replace(`"${password}"`, `${password}"`);
        await writeFile(dataFile, damaged);
        const run = runCli(['serve', '--port', '0', '--data', dataFile]);
        expect(await run.exited).toBe(1);
        expect(run.output()).toMatch(/is refused: it is not valid JSON; it may be truncated or corrupt/);
        for (let i = 0; i + 6 <= password.length; i += 1)
          expect(run.output()).not.toContain(password.slice(i, i + 6));
      }),
    30_000,
  );
});

describe('local Secrets Manager hardening: a data file that breaks the model is refused', () => {
  const secretJson = (versions: object[]) =>
    JSON.stringify({
      format: 'rotation-kit/local-secrets-manager',
      formatVersion: 1,
      region: 'us-east-1',
      accountId: '123456789012',
      secrets: [
        {
          arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
          name: 'db',
          created: 1,
          lastChanged: 1,
          versions,
        },
      ],
    });
  const v = (id: string, stages: string[], value?: string) => ({
    id,
    created: 1,
    stages,
    ...(value === undefined ? {} : { string: value }),
  });

  it.each([
    [
      'a label on two versions',
      secretJson([v('a', ['AWSCURRENT'], 'x'), v('b', ['AWSCURRENT'], 'y')]),
      /secrets\[0\]\.versions\[1\]\.stages\[0\] is a label versions\[0\] holds already/,
    ],
    [
      'a version id twice',
      secretJson([v('a', ['AWSCURRENT'], 'x'), v('a', [], 'y')]),
      /secrets\[0\]\.versions\[1\] repeats the id of versions\[0\]/,
    ],
    [
      'a staged version with no value',
      secretJson([v('a', ['AWSCURRENT'])]),
      /secrets\[0\]\.versions\[0\] is staged AWSCURRENT but has no value/,
    ],
    [
      'an ARN that is not its name',
      secretJson([]).replace('secret:db-AbCdEf', 'secret:other-AbCdEf'),
      /secrets\[0\]\.arn is not the ARN of its name/,
    ],
  ])('%s', (_case, text, reason) =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      await writeFile(dataFile, text);
      const failure = startLocalSecretsManager({ dataFile });
      await expect(failure).rejects.toBeInstanceOf(DataFileError);
      await expect(failure).rejects.toThrow(reason);
      expect(await readFile(dataFile, 'utf8')).toBe(text);
      // The refused start let go of its lock: a good file loads afterwards.
      await writeFile(dataFile, secretJson([v('a', ['AWSCURRENT'], 'x'), v('p', ['AWSPENDING'])]));
      const server = await startLocalSecretsManager({ dataFile });
      await server.stop();
    }),
  );
});

describe('local Secrets Manager hardening: binding beyond loopback', () => {
  it('warns, naming the risk', async () => {
    const server = await startCliServer(['--host', '0.0.0.0']);
    try {
      // stderr and stdout are separate pipes: the warning may arrive just after "listening".
      while (!server.output().includes('WARNING')) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.output()).toMatch(
        /WARNING: listening beyond loopback .*anyone who can reach this address can read and change every secret/,
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 30_000);
});
