import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';

/**
 * A rotation function shaped like AWS's own templates (no database): what the service expects a
 * function to do at each step. Records every event it receives.
 */
function templateRotationFunction(clientConfig: SecretsManagerClientConfig, failAt?: string) {
  const client = new SecretsManagerClient(clientConfig);
  const events: SecretsManagerRotationEvent[] = [];
  const observed: { step: string; stages: Record<string, string[]> }[] = [];
  const handler = async (event: SecretsManagerRotationEvent): Promise<void> => {
    events.push(event);
    const { SecretId, ClientRequestToken: token, Step } = event;
    const metadata = await client.send(new DescribeSecretCommand({ SecretId }));
    observed.push({ step: Step, stages: metadata.VersionIdsToStages ?? {} });
    if (Step === failAt) throw new Error(`${Step} failed on purpose`);
    if (!metadata.RotationEnabled) throw new Error('rotation is not enabled');
    const stages = metadata.VersionIdsToStages?.[token];
    if (!stages) throw new Error('token is not a version of the secret');
    if (stages.includes('AWSCURRENT')) return;
    if (!stages.includes('AWSPENDING')) throw new Error('token is not AWSPENDING');
    if (Step === 'createSecret') {
      await client.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }));
      try {
        await client.send(
          new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
        const { RandomPassword } = await client.send(
          new GetRandomPasswordCommand({ ExcludeCharacters: '/@"\'\\' }),
        );
        await client.send(
          new PutSecretValueCommand({
            SecretId,
            ClientRequestToken: token,
            SecretString: JSON.stringify({ password: RandomPassword }),
            VersionStages: ['AWSPENDING'],
          }),
        );
      }
    } else if (Step === 'finishSecret') {
      const current = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, s]) =>
        s.includes('AWSCURRENT'),
      )?.[0];
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          RemoveFromVersionId: current,
        }),
      );
    }
  };
  return { handler, events, observed, destroy: () => client.destroy() };
}

/**
 * A stand-in for the Lambda runtime interface emulator: POST the event to
 * /2015-03-31/functions/function/invocations; a failed handler answers 200 with
 * `{errorType, errorMessage}`, as the emulator does.
 */
async function startInvokeEndpoint(handler: (event: SecretsManagerRotationEvent) => Promise<void>) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      handler(JSON.parse(body) as SecretsManagerRotationEvent).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('null'),
        (error: Error) =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ errorType: error.name, errorMessage: error.message })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export { startInvokeEndpoint, templateRotationFunction };
