/**
 * A postgres single-user rotation set up the way a user would: the local Secrets Manager in-process
 * (reached over HTTP by the real SDK), the real PostgreSQL from globalSetup, a login role and its
 * secret, and the postgres-single-user template's handler wiring registered as the rotation function.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import type { LocalSecretsManager } from '../../../src/local/index.js';
import type { DatabaseAdapter } from '../../../src/rotation/adapter.js';
import { createRotationHandler, silentLogger, singleUser } from '../../../src/index.js';
import {
  createRole,
  dropRoles,
  randomPassword,
  superuserSecret,
  uniqueRole,
} from '../../support/postgres.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:e2e-postgres-single-user';

interface RotationSetup {
  server: LocalSecretsManager;
  /** The test's own client (what an operator or the AWS CLI would do). */
  admin: SecretsManagerClient;
  functionArn: string;
  /** The steps the rotation function received, in order. */
  invocations: SecretsManagerRotationEvent[];
  /** Creates a login role with a random password and its secret (`sslmode: disable`: the test server has no TLS). */
  createUserSecret(
    prefix: string,
  ): Promise<{ name: string; arn: string; role: string; secret: PostgresSecret }>;
  /** Replaces the adapter the function's handler uses (e.g. one pointed at a closed port). */
  useAdapter(adapter: DatabaseAdapter<PostgresSecret>): void;
  /** Invokes the rotation function as the service does (also for a retry). */
  invoke(event: SecretsManagerRotationEvent): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the local Secrets Manager and registers the template's handler wiring as a rotation function. */
async function startRotationSetup(): Promise<RotationSetup> {
  const server = await startLocalSecretsManager();
  const admin = new SecretsManagerClient(server.clientConfig);
  const handlerClient = new SecretsManagerClient(server.clientConfig);
  const roles: string[] = [];
  const invocations: SecretsManagerRotationEvent[] = [];
  const build = (adapter: DatabaseAdapter<PostgresSecret>) =>
    createRotationHandler({
      adapter,
      strategy: singleUser(),
      secretsManager: handlerClient,
      logger: silentLogger,
    });
  let handler = build(createPostgresAdapter());
  const invoke = async (event: SecretsManagerRotationEvent) => {
    invocations.push(event);
    await handler(event, { awsRequestId: 'e2e' } as Context, () => undefined);
  };
  server.registerFunction(FUNCTION_ARN, invoke);

  return {
    server,
    admin,
    functionArn: FUNCTION_ARN,
    invocations,
    async createUserSecret(prefix) {
      const role = uniqueRole(prefix);
      const password = randomPassword();
      await createRole(role, password);
      roles.push(role);
      const secret = superuserSecret({ username: role, password });
      const name = `e2e/${role}`;
      const { ARN } = await admin.send(
        new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }),
      );
      return { name, arn: ARN as string, role, secret };
    },
    useAdapter(adapter) {
      handler = build(adapter);
    },
    invoke,
    async stop() {
      admin.destroy();
      handlerClient.destroy();
      await server.stop();
      await dropRoles(roles);
    },
  };
}

/** VersionId -> labels, as DescribeSecret lists them. */
async function labelsOf(client: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  return out.VersionIdsToStages ?? {};
}

/** The versions holding `stage`. */
function holders(labels: Record<string, string[]>, stage: string): string[] {
  return Object.entries(labels)
    .filter(([, stages]) => stages.includes(stage))
    .map(([id]) => id);
}

/** The secret JSON a label (default AWSCURRENT) or a version holds. */
async function secretAt(
  client: SecretsManagerClient,
  secretId: string,
  at: { stage?: string; versionId?: string } = {},
): Promise<PostgresSecret> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({
      SecretId: secretId,
      ...(at.versionId ? { VersionId: at.versionId } : { VersionStage: at.stage ?? 'AWSCURRENT' }),
    }),
  );
  return JSON.parse(SecretString as string) as PostgresSecret;
}

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The real PostgreSQL adapter, except that while `down()` is true every connection goes to `port`
 * (nothing listens there): the database is unreachable, as during an outage.
 */
function adapterWithOutage(
  port: number,
  down: () => boolean,
  real = createPostgresAdapter(),
): DatabaseAdapter<PostgresSecret> {
  const reroute = (secret: PostgresSecret) => (down() ? { ...secret, port } : secret);
  return {
    engines: real.engines,
    connectionKeys: real.connectionKeys,
    tlsStrength: (secret) => real.tlsStrength!(secret),
    parseSecret: (value) => real.parseSecret(value),
    canLogin: (secret) => real.canLogin(reroute(secret)),
    setPassword: (login, change) => real.setPassword(reroute(login), change),
  };
}

export { adapterWithOutage, closedPort, holders, labelsOf, secretAt, startRotationSetup };
export type { RotationSetup };
