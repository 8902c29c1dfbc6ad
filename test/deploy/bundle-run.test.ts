// Each deployable bundle, run the way the Lambda runtime runs it: unzipped into a folder with no
// node_modules anywhere above it, loaded by a fresh `node` process per invocation, its `handler`
// called with the event. The local Secrets Manager (over HTTP) drives a real rotation through it,
// against the real PostgreSQL and MariaDB that globalSetup starts. Nothing is mocked.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { unzipSync } from 'fflate';
import { buildTemplates } from '../../scripts/build-templates.js';
import type { BuildReport } from '../../scripts/build-templates.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import * as mariadb from '../support/mariadb.js';
import { templateDatabases } from './support/template-databases.js';
import type { Json, TestDatabase } from './support/template-databases.js';
import { describeWithRedis, startRedisServer } from '../support/redis-server.js';
import type { StartedRedis } from '../support/redis-server.js';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/**
 * What the Lambda Node.js runtime does with a zip: require `index.js` from the task root and await
 * `handler(event, context)`. A handler failure is reported as `{errorType, errorMessage}` and a
 * non-zero exit. After success the process must end by itself: an open database connection or
 * socket would keep it alive, which the runtime would hide by freezing the container.
 */
const LAMBDA_RUNNER = `
const event = JSON.parse(process.argv[1]);
const { handler } = require('./index.js');
Promise.resolve()
  .then(() => handler(event, { awsRequestId: 'bundle-run-' + event.Step, functionName: 'rotation' }))
  .then(
    () => {
      setTimeout(() => {
        process.stderr.write('handles still open 5 s after the handler returned\\n');
        process.exit(3);
      }, 5000).unref();
    },
    (error) => {
      process.stderr.write(JSON.stringify({ errorType: error && error.name, errorMessage: error && error.message }) + '\\n');
      process.exitCode = 1;
    },
  );
`;

/** Started by the Redis group's beforeAll. */
let redis: StartedRedis;
const databases = templateDatabases('rk_bundle', () => redis);

interface TemplateCase {
  template: string;
  database: TestDatabase;
  /** Alternating users: the clone gets the new password. */
  multiUser: boolean;
  /** The `masterarn` superuser changes the password (multi-user templates too). */
  superuser?: boolean;
  /** Dual password: the old password keeps working beside the new one. */
  dual?: boolean;
}

const POSTGRES_CASES: TemplateCase[] = [
  { template: 'postgres-single-user', database: databases.postgres, multiUser: false },
  { template: 'postgres-multi-user', database: databases.postgres, multiUser: true },
  // Redshift cannot run here: the globalSetup PostgreSQL with md5 logins stands in for it.
  { template: 'redshift-single-user', database: databases.redshift, multiUser: false },
  { template: 'redshift-multi-user', database: databases.redshift, multiUser: true },
];
const MYSQL_CASES: TemplateCase[] = [
  { template: 'mysql-single-user', database: databases.mysql, multiUser: false },
  { template: 'mysql-multi-user', database: databases.mysql, multiUser: true },
];
const REDIS_CASES: TemplateCase[] = [
  { template: 'redis-single-user', database: databases.redis, multiUser: false, superuser: true },
  {
    template: 'redis-dual-password',
    database: databases.redis,
    multiUser: false,
    superuser: true,
    dual: true,
  },
];

let root: string;
let report: BuildReport;
let local: LocalSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rotation-kit-bundle-run-'));
  report = await buildTemplates({ outDir: join(root, 'out') });
  local = await startLocalSecretsManager();
  client = new SecretsManagerClient(local.clientConfig);
}, 180_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Unzips a template's zip into its own task root and proves no node_modules is reachable from it. */
function unpack(template: string): string {
  const built = report.templates.find((t) => t.name === template);
  if (!built) throw new Error(`buildTemplates produced no ${template}`);
  const taskRoot = join(root, 'lambda', template);
  mkdirSync(taskRoot, { recursive: true });
  const zip = readFileSync(join(root, 'out', `${template}.zip`));
  for (const [name, bytes] of Object.entries(unzipSync(zip))) writeFileSync(join(taskRoot, name), bytes);
  for (let dir = taskRoot; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) throw new Error(`${dir} has a node_modules folder`);
    if (dir === dirname(dir)) break;
  }
  return taskRoot;
}

/** The environment Lambda gives the function, pointed at the local Secrets Manager; nothing inherited. */
function lambdaEnvironment(taskRoot: string): NodeJS.ProcessEnv {
  const nowhere = join(root, 'no-aws-config');
  return {
    PATH: process.env.PATH,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_REGION: local.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SECRETS_MANAGER_ENDPOINT: local.endpoint,
    NODE_PATH: '',
  };
}

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runInFreshProcess(taskRoot: string, event: SecretsManagerRotationEvent): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LAMBDA_RUNNER, JSON.stringify(event)], {
      cwd: taskRoot,
      env: lambdaEnvironment(taskRoot),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A rotation function for the local Secrets Manager: every step in a new process (a cold container),
 * with everything the processes wrote kept in `transcript`.
 */
function lambdaProcessFunction(taskRoot: string, transcript: ProcessResult[]) {
  return async (event: SecretsManagerRotationEvent): Promise<void> => {
    const result = await runInFreshProcess(taskRoot, event);
    transcript.push(result);
    if (result.code !== 0) {
      throw new Error(`${event.Step}: the process exited with ${result.code}: ${result.stderr.trim()}`);
    }
  };
}

async function secretValue(secretId: string, stage: string): Promise<Json> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
  );
  return JSON.parse(SecretString as string) as Json;
}

/** The JSON log lines the handler wrote (one per line on stdout). */
function logRecords(transcript: ProcessResult[]): Json[] {
  return transcript
    .flatMap((result) => result.stdout.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Json);
}

function describeTemplate({ template, database, multiUser, superuser, dual }: TemplateCase): void {
  it(`${template}: the unzipped bundle rotates a real user, one fresh process per step, and prints no password`, async () => {
    const taskRoot = unpack(template);
    const username = database.uniqueUser();
    const oldPassword = `Old-${username}-Pa55`;
    await database.createUser(username, oldPassword);
    try {
      const initial: Json = database.userSecret(username, oldPassword);
      if (multiUser || superuser) {
        const { ARN } = await client.send(
          new CreateSecretCommand({
            Name: `${template}/superuser/${username}`,
            SecretString: JSON.stringify(database.superuserSecret()),
          }),
        );
        initial.masterarn = ARN;
      }
      const created = await client.send(
        new CreateSecretCommand({ Name: `${template}/${username}`, SecretString: JSON.stringify(initial) }),
      );
      const secretArn = created.ARN as string;

      const transcript: ProcessResult[] = [];
      const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${template}`;
      local.registerFunction(functionArn, lambdaProcessFunction(taskRoot, transcript));
      const { VersionId: token } = await client.send(
        new RotateSecretCommand({ SecretId: secretArn, RotationLambdaARN: functionArn }),
      );
      const outcome = await local.rotations.waitFor(secretArn, { token });

      expect(outcome.error).toBeUndefined();
      expect(outcome).toMatchObject({ succeeded: true, completedSteps: [...STEPS] });
      expect(transcript.map((result) => result.code)).toEqual([0, 0, 0, 0]);

      const { VersionIdsToStages } = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
      expect(VersionIdsToStages).toEqual({
        [token as string]: ['AWSCURRENT'],
        [created.VersionId as string]: ['AWSPREVIOUS'],
      });
      expect(await secretValue(secretArn, 'AWSPREVIOUS')).toEqual(initial);
      const current = await secretValue(secretArn, 'AWSCURRENT');
      const newPassword = current.password as string;
      expect(typeof newPassword).toBe('string');
      expect(newPassword).not.toBe(oldPassword);

      if (multiUser) {
        const clone = `${username}_clone`;
        try {
          expect(current).toEqual({ ...initial, username: clone, password: newPassword });
          expect(await database.loginWorks(clone, newPassword)).toBe(true);
          // The user applications still hold keeps working until the next rotation.
          expect(await database.loginWorks(username, oldPassword)).toBe(true);
        } finally {
          await database.dropUsers([clone]);
        }
      } else {
        expect(current).toEqual({ ...initial, password: newPassword });
        expect(await database.loginWorks(username, newPassword)).toBe(true);
        // Dual password: AWSPREVIOUS keeps working until the next rotation retires it.
        expect(await database.loginWorks(username, oldPassword)).toBe(dual === true);
      }

      // The handler did log every step (so the check below reads real output), and no password.
      const completed = logRecords(transcript)
        .filter((record) => record.message === 'step complete')
        .map((record) => record.step);
      expect(completed).toEqual([...STEPS]);
      const output = transcript.map((result) => result.stdout + result.stderr).join('\n');
      for (const password of [oldPassword, newPassword, database.superuserPassword()]) {
        expect(output).not.toContain(password);
      }
    } finally {
      await database.dropUsers([username]);
    }
  }, 120_000);
}

describe('template bundles', () => {
  it('the build produced exactly the templates this file runs', () => {
    expect(report.awsSdk).toBe('bundle');
    expect(report.templates.map((t) => t.name).sort()).toEqual(
      [...POSTGRES_CASES, ...MYSQL_CASES, ...REDIS_CASES].map((c) => c.template).sort(),
    );
  });
});

describe('PostgreSQL template bundles, run as Lambda runs them', () => {
  for (const templateCase of POSTGRES_CASES) describeTemplate(templateCase);
});

mariadb.describeWithMariaDb('MySQL template bundles, run as Lambda runs them', () => {
  for (const templateCase of MYSQL_CASES) describeTemplate(templateCase);
});

describeWithRedis('Redis template bundles, run as Lambda runs them', () => {
  beforeAll(async () => (redis = await startRedisServer()));
  afterAll(async () => redis?.stop());
  for (const templateCase of REDIS_CASES) describeTemplate(templateCase);
});
