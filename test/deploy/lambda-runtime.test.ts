// Every deployable zip, run the way Lambda's Node.js runtime runs it: AWS's own runtime interface
// client (aws-lambda-ric, under Node.js 22) in a child process, polling the Lambda Runtime API that
// the local Secrets Manager serves, with the zip unzipped into LAMBDA_TASK_ROOT. The local Secrets
// Manager (over HTTP, the real SDK) drives a full rotation through each against the real PostgreSQL
// and MariaDB of globalSetup. Failing functions (throw, timeout, crash, init error) are small zips
// made here. Nothing is mocked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { strToU8, zipSync } from 'fflate';
import { buildTemplates } from '../../scripts/build-templates.js';
import type { BuildReport } from '../../scripts/build-templates.js';
import { findLambdaRuntimeClient } from '../../src/local/lambda/runtimeClient.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LambdaZipFunction, LocalSecretsManager, RotationOutcome } from '../../src/local/index.js';
import { describeUnlessMissing } from '../support/binaries.js';
import { clientFor, startCliServer } from '../local/support/localServer.js';
import * as mariadb from '../support/mariadb.js';
import { templateDatabases } from './support/template-databases.js';
import type { Json, TestDatabase } from './support/template-databases.js';
import { describeWithRedis, startRedisServer } from '../support/redis-server.js';
import type { StartedRedis } from '../support/redis-server.js';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
/** Installed by `npm ci` (scripts/setup-lambda-runtime.mjs). */
const RUNTIME_DIRS = [join(__dirname, '..', '..', 'tools', 'lambda-runtime')];

/** How each shipped template rotates, by template name. A new template needs its entry here. */
type Engine = 'postgres' | 'mysql' | 'redshift' | 'redis';
interface TemplateCase {
  engine: Engine;
  /** Alternating users: the clone gets the new password. */
  multiUser: boolean;
  /** The `masterarn` superuser changes the password. */
  superuser?: boolean;
  /** Dual password: the old password keeps working beside the new one. */
  dual?: boolean;
}
const TEMPLATES: Record<string, TemplateCase> = {
  'postgres-single-user': { engine: 'postgres', multiUser: false },
  'postgres-multi-user': { engine: 'postgres', multiUser: true },
  'mysql-single-user': { engine: 'mysql', multiUser: false },
  'mysql-multi-user': { engine: 'mysql', multiUser: true },
  // Redshift cannot run here: the globalSetup PostgreSQL with md5 logins stands in for it.
  'redshift-single-user': { engine: 'redshift', multiUser: false },
  'redshift-multi-user': { engine: 'redshift', multiUser: true },
  'redis-single-user': { engine: 'redis', multiUser: false, superuser: true },
  'redis-dual-password': { engine: 'redis', multiUser: false, superuser: true, dual: true },
};
/** Started by the Redis group's beforeAll. */
let redis: StartedRedis;
const DATABASES: Record<Engine, TestDatabase> = templateDatabases('rk_ric', () => redis);

/** The suite each engine's cases run in: MariaDB and Redis are started (or skipped) per group. */
function describeEngine(engine: Engine, name: string, body: () => void): void {
  if (engine === 'mysql') return mariadb.describeWithMariaDb(name, body);
  if (engine === 'redis')
    return describeWithRedis(name, () => {
      beforeAll(async () => (redis = await startRedisServer()));
      afterAll(async () => redis?.stop());
      body();
    });
  describe(name, body);
}

function runtimeMissingReason(): string | undefined {
  try {
    findLambdaRuntimeClient(RUNTIME_DIRS);
    return undefined;
  } catch (error) {
    return `${(error as Error).message} (in this repository: npm run setup:lambda-runtime)`;
  }
}

function describeWithRuntime(name: string, body: () => void): void {
  describeUnlessMissing(
    runtimeMissingReason(),
    { need: 'aws-lambda-ric', suiteLabel: 'Lambda runtime interface client' },
    name,
    body,
  );
}

let root: string;
let report: BuildReport | undefined;
let local: LocalSecretsManager;
let client: SecretsManagerClient;

/** Registers `fn` under a fresh ARN, rotates a fresh secret through it, and returns the outcome. */
async function rotateThrough(
  name: string,
  fn: LambdaZipFunction,
  secret: Json,
): Promise<{ outcome: RotationOutcome; secretArn: string; firstVersion: string; token: string }> {
  const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
  local.registerFunction(functionArn, { runtimeSearchDirs: RUNTIME_DIRS, ...fn });
  const created = await client.send(
    new CreateSecretCommand({ Name: `ric/${name}/${Date.now()}`, SecretString: JSON.stringify(secret) }),
  );
  const { VersionId } = await client.send(
    new RotateSecretCommand({ SecretId: created.ARN, RotationLambdaARN: functionArn }),
  );
  const outcome = await local.rotations.waitFor(created.ARN as string, { token: VersionId });
  return {
    outcome,
    secretArn: created.ARN as string,
    firstVersion: created.VersionId as string,
    token: VersionId as string,
  };
}

async function secretValue(secretId: string, stage: string): Promise<Json> {
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
  );
  return JSON.parse(SecretString as string) as Json;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rotation-kit-ric-'));
  local = await startLocalSecretsManager();
  client = new SecretsManagerClient(local.clientConfig);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describeWithRuntime('template zips under the Lambda runtime interface client', () => {
  beforeAll(async () => {
    report = await buildTemplates({ outDir: join(root, 'out') });
  }, 180_000);

  it('every built template has an entry in this file', () => {
    expect(report?.templates.map((t) => t.name).sort()).toEqual(Object.keys(TEMPLATES).sort());
  });

  for (const [template, { engine, multiUser, superuser, dual }] of Object.entries(TEMPLATES)) {
    describeEngine(engine, template, () => {
      it('rotates a real user through all four steps and prints no password', async () => {
        const database = DATABASES[engine];
        const username = database.uniqueUser();
        const oldPassword = `Old-${username}-Pa55`;
        await database.createUser(username, oldPassword);
        const clone = `${username}_clone`;
        try {
          const initial = database.userSecret(username, oldPassword);
          if (multiUser || superuser) {
            const { ARN } = await client.send(
              new CreateSecretCommand({
                Name: `ric/${template}/superuser/${username}`,
                SecretString: JSON.stringify(database.superuserSecret()),
              }),
            );
            initial.masterarn = ARN;
          }
          let output = '';
          const { outcome, secretArn, firstVersion, token } = await rotateThrough(
            template,
            { zip: join(root, 'out', `${template}.zip`), output: (text) => (output += text) },
            initial,
          );
          expect(outcome.error).toBeUndefined();
          expect(outcome).toMatchObject({ succeeded: true, completedSteps: [...STEPS] });

          const { VersionIdsToStages } = await client.send(
            new DescribeSecretCommand({ SecretId: secretArn }),
          );
          expect(VersionIdsToStages).toEqual({ [token]: ['AWSCURRENT'], [firstVersion]: ['AWSPREVIOUS'] });
          const current = await secretValue(secretArn, 'AWSCURRENT');
          const newPassword = current.password as string;
          expect(newPassword).not.toBe(oldPassword);
          if (multiUser) {
            expect(current).toEqual({ ...initial, username: clone, password: newPassword });
            expect(await database.loginWorks(clone, newPassword)).toBe(true);
            expect(await database.loginWorks(username, oldPassword)).toBe(true);
          } else {
            expect(current).toEqual({ ...initial, password: newPassword });
            expect(await database.loginWorks(username, newPassword)).toBe(true);
            expect(await database.loginWorks(username, oldPassword)).toBe(dual === true);
          }
          // The function's own log lines came through (so the check below reads real output).
          expect(output).toMatch(/step complete/);
          for (const password of [oldPassword, newPassword, database.superuserPassword()])
            expect(output).not.toContain(password);
        } finally {
          await database.dropUsers(multiUser ? [username, clone] : [username]);
        }
      }, 120_000);
    });
  }
});

/** The HTTP status the Runtime API at `address` answers, with the given Host header. */
function runtimeApiStatus(address: string, method: string, path: string, host: string): Promise<number> {
  const [hostname, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port: Number(port), method, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/** A zip holding one `index.js`. */
function zipOf(code: string): string {
  const path = join(root, `fn-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(path, zipSync({ 'index.js': strToU8(code) }));
  return path;
}

/** A function whose steps succeed, except `failAt`, which does what `FAIL` says. */
const SCRIPTED = `
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  if (event.Step === 'createSecret') {
    const env = {};
    for (const key of Object.keys(process.env).sort()) env[key] = process.env[key];
    console.log('ENV ' + JSON.stringify({ env, cwd: process.cwd(), node: process.version,
      remaining: context.getRemainingTimeInMillis(), fn: context.functionName, arn: context.invokedFunctionArn,
      memory: context.memoryLimitInMB, requestId: context.awsRequestId }));
  }
  console.log('INVOCATION ' + invocations + ' ' + event.Step + ' pid ' + process.pid);
  if (event.Step !== process.env.FAIL_AT) return;
  if (process.env.FAIL === 'throw') {
    const error = new Error('the database said no');
    error.name = 'LoginFailedError';
    throw error;
  }
  if (process.env.FAIL === 'hang') await new Promise(() => setInterval(() => {}, 1000));
  if (process.env.FAIL === 'exit') process.exit(3);
};
`;

describeWithRuntime('the Lambda runtime, as a rotation function sees it', () => {
  it('runs the zip with Lambda variables, nothing of this process, one warm process for all steps', async () => {
    process.env.ROTATION_KIT_LEAK_PROBE = 'must not reach the function';
    let output = '';
    try {
      const { outcome } = await rotateThrough(
        'scripted-ok',
        {
          zip: zipOf(SCRIPTED),
          env: { APP_SETTING: 'on' },
          timeoutMs: 20_000,
          memoryMb: 512,
          output: (t) => (output += t),
        },
        { password: 'x' },
      );
      expect(outcome).toMatchObject({ succeeded: true, completedSteps: [...STEPS] });
    } finally {
      delete process.env.ROTATION_KIT_LEAK_PROBE;
    }
    const report = JSON.parse(/ENV (\{.*\})/.exec(output)?.[1] ?? '{}') as {
      env: Record<string, string>;
      cwd: string;
      node: string;
      remaining: number;
      fn: string;
      arn: string;
      memory: string;
    };
    expect(report.node).toMatch(/^v22\./);
    expect(report.fn).toBe('scripted-ok');
    expect(report.arn).toBe('arn:aws:lambda:us-east-1:123456789012:function:scripted-ok');
    expect(report.memory).toBe('512');
    expect(report.remaining).toBeGreaterThan(0);
    expect(report.remaining).toBeLessThanOrEqual(20_000);
    expect(report.cwd).toBe(report.env.LAMBDA_TASK_ROOT);
    expect(report.env).toMatchObject({
      _HANDLER: 'index.handler',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: 'scripted-ok',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/scripted-ok',
      AWS_REGION: 'us-east-1',
      SECRETS_MANAGER_ENDPOINT: local.endpoint,
      APP_SETTING: 'on',
    });
    expect(report.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    // The Runtime API hands out events: another Host (DNS rebinding) is refused, a stale id too.
    const runtimeApi = report.env.AWS_LAMBDA_RUNTIME_API as string;
    expect(
      await runtimeApiStatus(runtimeApi, 'GET', '/2018-06-01/runtime/invocation/next', 'evil.example'),
    ).toBe(403);
    expect(
      await runtimeApiStatus(
        runtimeApi,
        'POST',
        '/2018-06-01/runtime/invocation/stale-id/response',
        runtimeApi,
      ),
    ).toBe(400);
    expect(report.env).not.toHaveProperty('ROTATION_KIT_LEAK_PROBE');
    expect(report.env).not.toHaveProperty('HOME');
    const pids = [...output.matchAll(/INVOCATION (\d) (\w+) pid (\d+)/g)];
    expect(pids.map((m) => `${m[1]} ${m[2]}`)).toEqual(STEPS.map((step, i) => `${i + 1} ${step}`));
    expect(new Set(pids.map((m) => m[3])).size).toBe(1);
  }, 60_000);

  it('a handler that throws fails its step with its error name as errorType', async () => {
    let output = '';
    const { outcome } = await rotateThrough(
      'scripted-throw',
      { zip: zipOf(SCRIPTED), env: { FAIL_AT: 'setSecret', FAIL: 'throw' }, output: (t) => (output += t) },
      { password: 'x' },
    );
    expect(outcome).toMatchObject({
      succeeded: false,
      completedSteps: ['createSecret'],
      failedStep: 'setSecret',
      error: { name: 'LoginFailedError', message: 'the database said no' },
    });
    expect(output).toMatch(/Invoke Error/);
  }, 60_000);

  it('a handler past its timeout is stopped and reported as Lambda reports it; the next rotation starts a new process', async () => {
    let output = '';
    const fn: LambdaZipFunction = {
      zip: zipOf(SCRIPTED),
      env: { FAIL_AT: 'testSecret', FAIL: 'hang' },
      timeoutMs: 1500,
      output: (t) => (output += t),
    };
    const { outcome } = await rotateThrough('scripted-hang', fn, { password: 'x' });
    expect(outcome).toMatchObject({
      succeeded: false,
      completedSteps: ['createSecret', 'setSecret'],
      failedStep: 'testSecret',
      error: { name: 'Sandbox.Timedout' },
    });
    expect(outcome.error?.message).toMatch(
      /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.50 seconds$/,
    );
    // Same function, new secret: a cold start (its count restarts at 1), which fails the same way.
    output = '';
    const again = await rotateThrough('scripted-hang', fn, { password: 'y' });
    expect(again.outcome.failedStep).toBe('testSecret');
    expect(output).toMatch(/INVOCATION 1 createSecret/);
  }, 60_000);

  it('a process that exits during a step is a Runtime.ExitError', async () => {
    const { outcome } = await rotateThrough(
      'scripted-exit',
      { zip: zipOf(SCRIPTED), env: { FAIL_AT: 'finishSecret', FAIL: 'exit' } },
      { password: 'x' },
    );
    expect(outcome).toMatchObject({
      succeeded: false,
      completedSteps: ['createSecret', 'setSecret', 'testSecret'],
      failedStep: 'finishSecret',
      error: { name: 'Runtime.ExitError' },
    });
    expect(outcome.error?.message).toMatch(/Runtime exited with error: exit status 3$/);
  }, 60_000);

  it('an init error (the module throws on load, or no such handler) fails the first step with the runtime client’s error type', async () => {
    const broken = await rotateThrough(
      'init-throws',
      { zip: zipOf("throw new Error('cannot start');") },
      { password: 'x' },
    );
    expect(broken.outcome).toMatchObject({
      succeeded: false,
      completedSteps: [],
      failedStep: 'createSecret',
      error: { name: 'Error', message: 'cannot start' },
    });
    const missing = await rotateThrough(
      'no-handler',
      { zip: zipOf(SCRIPTED), handler: 'index.rotate' },
      { password: 'x' },
    );
    expect(missing.outcome).toMatchObject({
      failedStep: 'createSecret',
      error: { name: 'Runtime.HandlerNotFound', message: 'index.rotate is undefined or not exported' },
    });
  }, 60_000);

  it('refuses a bad package or setting at registration, naming it', () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:bad';
    const dirs = { runtimeSearchDirs: RUNTIME_DIRS };
    expect(() => local.registerFunction(arn, { ...dirs, zip: join(root, 'missing.zip') })).toThrow(
      /Setting "zip" is invalid: expected a readable .zip file/,
    );
    const notZip = join(root, 'not.zip');
    writeFileSync(notZip, 'plain text');
    expect(() => local.registerFunction(arn, { ...dirs, zip: notZip })).toThrow(
      /expected a valid zip archive/,
    );
    const escaping = join(root, 'escape.zip');
    writeFileSync(escaping, zipSync({ '../outside.js': strToU8('') }));
    expect(() => local.registerFunction(arn, { ...dirs, zip: escaping })).toThrow(
      /entries inside the package/,
    );
    expect(() => local.registerFunction(arn, { ...dirs, zip: zipOf(''), timeoutMs: 0 })).toThrow(
      /"timeoutMs"/,
    );
    expect(() => local.registerFunction(arn, { zip: zipOf(''), runtimeSearchDirs: [root] })).toThrow(
      /needs the optional package "aws-lambda-ric"/,
    );
  });
});

describeWithRuntime('rotation-kit serve --function ARN=zip:PATH', () => {
  it('runs the zip under the runtime client for the rotations RotateSecret starts', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:served-zip';
    const server = await startCliServer(['--function', `${arn}=zip:${zipOf(SCRIPTED)}`]);
    const served = clientFor(server.endpoint);
    try {
      await served.send(new CreateSecretCommand({ Name: 'served', SecretString: '{}' }));
      await served.send(new RotateSecretCommand({ SecretId: 'served', RotationLambdaARN: arn }));
      // The server runs the rotation on its own, and the function's output goes to serve's stderr
      // (as a function's logs go to CloudWatch): wait for the last step's line.
      const until = Date.now() + 30_000;
      while (!/INVOCATION 4 finishSecret/.test(server.output()) && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.output()).toMatch(/INVOCATION 4 finishSecret/);
      expect(server.output()).toMatch(/INVOCATION 1 createSecret/);
    } finally {
      served.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);
});
