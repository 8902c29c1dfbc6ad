import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createRotationHandler } from '../../../src/rotation/handler';
import type { RotationHandlerOptions } from '../../../src/rotation/handler';
import { createJsonLogger } from '../../../src/shared/logger';
import { createMemoryAdapter } from '../../../src/testing/memory-adapter';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-AbCdEf';
const TOKEN = '11111111-2222-4333-8444-555555555555';
const CURRENT_ID = 'aaaaaaaa-2222-4333-8444-555555555555';
const PREVIOUS_ID = 'bbbbbbbb-2222-4333-8444-555555555555';
const OLD_PASSWORD = 'old-Pa55word!';
const PREV_PASSWORD = 'prev-Pa55word!';
const NEW_PASSWORD = 'new-Pa55word!#';

const secretJson = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    engine: 'memory',
    host: 'db.local',
    port: 5432,
    username: 'app',
    password: OLD_PASSWORD,
    ...overrides,
  });

/** A handler over a mocked client and an in-memory database, with every log line captured. */
function setup(
  options: {
    versions?: Record<string, string[]>;
    rotationEnabled?: boolean;
    values?: Record<string, string>;
    users?: Record<string, string>;
  } & Partial<RotationHandlerOptions> = {},
) {
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const sm = mockClient(client);
  const lines: string[] = [];
  const logger = createJsonLogger({ level: 'debug', write: (line) => lines.push(line) });
  const adapter = createMemoryAdapter({ users: options.users ?? { app: OLD_PASSWORD, admin: 'admin-pw' } });
  const versions = options.versions ?? { [CURRENT_ID]: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] };
  sm.on(DescribeSecretCommand).resolves({
    ARN,
    Name: 'app-db',
    RotationEnabled: options.rotationEnabled ?? true,
    VersionIdsToStages: versions,
  });
  const values = options.values ?? { [CURRENT_ID]: secretJson() };
  sm.on(GetSecretValueCommand).callsFake(
    (input: { VersionId?: string; SecretId: string; VersionStage?: string }) => {
      const value = input.VersionId
        ? values[input.VersionId]
        : values[`${input.SecretId}:${input.VersionStage}`];
      if (value === undefined) {
        const error = new Error("Secrets Manager can't find the specified secret value");
        error.name = 'ResourceNotFoundException';
        throw error;
      }
      return { ARN, VersionId: input.VersionId, SecretString: value };
    },
  );
  sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: NEW_PASSWORD });
  sm.on(PutSecretValueCommand).resolves({ ARN, VersionId: TOKEN, VersionStages: ['AWSPENDING'] });
  sm.on(UpdateSecretVersionStageCommand).resolves({ ARN, Name: 'app-db' });
  const { versions: _v, rotationEnabled: _r, values: _vals, users: _u, ...handlerOptions } = options;
  const handler = createRotationHandler({
    adapter,
    secretsManager: client,
    logger,
    loginRetry: { totalMs: 0 },
    ...handlerOptions,
  } as RotationHandlerOptions);
  const invoke = async (step: string, extra: Record<string, unknown> = {}): Promise<void> => {
    await handler(
      { Step: step, SecretId: ARN, ClientRequestToken: TOKEN, ...extra } as never,
      {} as never,
      () => {},
    );
  };
  return { sm, adapter, lines, handler, invoke, values, versions };
}

export { ARN, CURRENT_ID, NEW_PASSWORD, OLD_PASSWORD, PREVIOUS_ID, PREV_PASSWORD, TOKEN, secretJson, setup };
