import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { clientFor, runCli, startCliServer, withTempDir } from './support/localServer.js';
import { startInvokeEndpoint, templateRotationFunction } from './support/rotationFunctions.js';

/**
 * A `serve` process with `extraArgs` and a rotation function behind an invoke URL registered as
 * `--function arn=URL`; stopped, with its function and endpoint, after `run`.
 */
async function withServedFunction(
  arn: string,
  extraArgs: string[],
  run: (ctx: {
    client: ReturnType<typeof clientFor>;
    fn: ReturnType<typeof templateRotationFunction>;
  }) => Promise<void>,
): Promise<void> {
  let handler: (event: SecretsManagerRotationEvent) => Promise<void> = async () => undefined;
  const invoke = await startInvokeEndpoint((event) => handler(event));
  const server = await startCliServer(['--function', `${arn}=${invoke.url}`, ...extraArgs]);
  const client = clientFor(server.endpoint);
  const fn = templateRotationFunction({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  handler = fn.handler;
  try {
    await run({ client, fn });
  } finally {
    fn.destroy();
    client.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
    await invoke.stop();
  }
}

describe('rotation-kit serve', () => {
  it(
    'serves the local Secrets Manager, says it is a test double, and stops cleanly on SIGTERM',
    () =>
      withTempDir(async (dir) => {
        const server = await startCliServer(['--data', join(dir, 'state.json'), '--region', 'eu-central-1']);
        // The SDK signs for the region; requests of a client in the server's --region are its own.
        const client = clientFor(server.endpoint, 'eu-central-1');
        try {
          expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
          expect(server.output()).toMatch(
            /test double: values are kept unencrypted .*never use it for real secrets/,
          );
          const { ARN } = await client.send(new CreateSecretCommand({ Name: 'cli', SecretString: 'v' }));
          expect(ARN).toMatch(/^arn:aws:secretsmanager:eu-central-1:123456789012:secret:cli-/);
          expect((await client.send(new GetSecretValueCommand({ SecretId: 'cli' }))).SecretString).toBe('v');
        } finally {
          client.destroy();
          server.child.kill('SIGTERM');
        }
        expect(await server.exited).toBe(0);
      }),
    30_000,
  );

  it('invokes a rotation function given as --function ARN=URL', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:cli-rotation';
    await withServedFunction(arn, [], async ({ client, fn }) => {
      await client.send(new CreateSecretCommand({ Name: 'cli-rotated', SecretString: 'v' }));
      const { VersionId } = await client.send(
        new RotateSecretCommand({ SecretId: 'cli-rotated', RotationLambdaARN: arn }),
      );
      // The server runs the rotation on its own: poll until finishSecret has moved AWSCURRENT.
      const current = async () =>
        (await client.send(new GetSecretValueCommand({ SecretId: 'cli-rotated' }))).VersionId;
      while ((await current()) !== VersionId) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fn.events.map((e) => e.Step)).toEqual([
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ]);
    });
  }, 30_000);

  it('runs rotation schedules on a faster clock with --clock-speed', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:cli-scheduled';
    // A second of real time is a day of the server's: a daily schedule comes due within seconds.
    await withServedFunction(arn, ['--clock-speed', '86400'], async ({ client, fn }) => {
      await client.send(new CreateSecretCommand({ Name: 'cli-scheduled', SecretString: 'v' }));
      await client.send(
        new RotateSecretCommand({
          SecretId: 'cli-scheduled',
          RotationLambdaARN: arn,
          RotationRules: { AutomaticallyAfterDays: 1 },
          RotateImmediately: false,
        }),
      );
      // Nobody calls RotateSecret again: the server's scheduler starts the rotation on its own.
      while (!fn.events.some((e) => e.Step === 'finishSecret'))
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fn.events.map((e) => e.Step).slice(0, 5)).toEqual([
        'testSecret',
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ]);
    });
  }, 30_000);

  it('lists serve in --help and rejects bad options with a message', async () => {
    const help = runCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/serve \[options\]/);
    const badPort = runCli(['serve', '--port', 'seventy']);
    expect(await badPort.exited).not.toBe(0);
    expect(badPort.output()).toMatch(/expected a port number/);
    const badFunction = runCli(['serve', '--function', 'no-url-here']);
    expect(await badFunction.exited).not.toBe(0);
    expect(badFunction.output()).toMatch(/expected ARN=URL/);
    const badSpeed = runCli(['serve', '--clock-speed', '0']);
    expect(await badSpeed.exited).not.toBe(0);
    expect(badSpeed.output()).toMatch(/--clock-speed.*expected a number >= 1/);
  }, 30_000);
});
