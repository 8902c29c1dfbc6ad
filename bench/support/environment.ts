import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { loadEmbeddedPostgres } from '../../src/embedded/load.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';

const ROOT = resolve(__dirname, '..', '..');

/** Dummy AWS settings before any client exists: nothing here may reach real AWS. */
function useDummyAwsEnvironment(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

interface PostgresAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** A user's secret in the local Secrets Manager, and the role behind it. */
interface UserSecret {
  arn: string;
  username: string;
}

/** An embedded PostgreSQL, the local Secrets Manager (in this process) and an admin client for it. */
interface BenchEnvironment {
  readonly postgres: PostgresAddress;
  readonly local: LocalSecretsManager;
  readonly admin: SecretsManagerClient;
  /**
   * Creates a login role and its secret; with `multiUser`, the secret names the superuser secret in
   * `masterarn` (created once).
   */
  createUserSecret(options: { multiUser: boolean; prefix: string }): Promise<UserSecret>;
  stop(): Promise<void>;
}

/** The private PostgreSQL the tests use (src/embedded): a temp dir, a free port, SCRAM logins. */
async function startPostgres(): Promise<{ address: PostgresAddress; stop: () => Promise<void> }> {
  const started = await (await loadEmbeddedPostgres()).startPostgres();
  const { env } = started;
  return {
    address: {
      host: env.ROTATION_KIT_PG_HOST,
      port: Number(env.ROTATION_KIT_PG_PORT),
      user: env.ROTATION_KIT_PG_USER,
      password: env.ROTATION_KIT_PG_PASSWORD,
      database: env.ROTATION_KIT_PG_DATABASE,
    },
    stop: () => started.stop(),
  };
}

/** The secret JSON AWS's PostgreSQL templates expect, plaintext (a loopback test server). */
function postgresSecret(
  address: PostgresAddress,
  username: string,
  password: string,
): Record<string, unknown> {
  return {
    engine: 'postgres',
    host: address.host,
    port: address.port,
    username,
    password,
    dbname: address.database,
    sslmode: 'disable',
  };
}

async function createRole(address: PostgresAddress, name: string, password: string): Promise<void> {
  const client = new Client({ ...address, ssl: false });
  await client.connect();
  try {
    await client.query(
      `CREATE ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
    );
  } finally {
    await client.end();
  }
}

async function startBenchEnvironment(): Promise<BenchEnvironment> {
  const postgres = await startPostgres();
  let local: LocalSecretsManager;
  try {
    local = await startLocalSecretsManager();
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const admin = new SecretsManagerClient(local.clientConfig);
  const address = postgres.address;
  let superuserArn: Promise<string> | undefined;

  const createSecret = async (name: string, value: object): Promise<string> => {
    const out = await admin.send(
      new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
    );
    return out.ARN as string;
  };

  return {
    postgres: address,
    local,
    admin,
    async createUserSecret({ multiUser, prefix }) {
      const username = `${prefix}_${randomBytes(4).toString('hex')}`;
      const password = randomBytes(18).toString('base64url');
      await createRole(address, username, password);
      const value = postgresSecret(address, username, password);
      if (multiUser) {
        superuserArn ??= createSecret(
          'bench/superuser',
          postgresSecret(address, address.user, address.password),
        );
        value.masterarn = await superuserArn;
      }
      return { arn: await createSecret(`bench/${username}`, value), username };
    },
    async stop() {
      admin.destroy();
      try {
        await local.stop();
      } finally {
        await postgres.stop();
      }
    },
  };
}

export { ROOT, startBenchEnvironment, useDummyAwsEnvironment };
export type { BenchEnvironment, PostgresAddress, UserSecret };
