import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createPostgresAdapter } from '../adapters/postgres/index.js';
import type { PostgresSecret } from '../adapters/postgres/index.js';
import { loadEmbeddedPostgres } from '../embedded/load.js';
import type { EmbeddedPostgres } from '../embedded/load.js';
import { startLocalSecretsManager } from '../local/index.js';
import type { LocalSecretsManager } from '../local/index.js';
import { createJsonLogger, silentLogger } from '../shared/logger.js';
import { CHECK_COUNT, checkRotation } from './checks.js';
import { Cleanup } from './cleanup.js';
import { createLoginRole, serverVersion } from './database.js';
import { DemoProgress, since } from './progress.js';
import type { DemoEvent, DemoReport } from './report.js';
import { TEMPLATE_WIRING, registerRotationFunction } from './rotation-function.js';
import type { DemoLambdaRuntime } from './rotation-function.js';
import { readVersions } from './versions.js';

const SECRET_NAME = 'rotation-kit-demo/app-db';
const DB_USER = 'demo_app';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotation-kit-demo-postgres-single-user';
const TLS_NOTE = 'TLS disabled: local demo server';

interface DemoOptions {
  /** Progress as it happens. */
  onEvent?(event: DemoEvent): void;
  /** Receives the rotation handler's JSON log lines (redacted). Default: discarded. */
  onHandlerLog?(line: string): void;
  /** Where the demo registers what to undo; a signal handler can run it too. */
  cleanup?: Cleanup;
  /** Stops the demo between phases (Ctrl-C); cleanup still runs. */
  signal?: AbortSignal;
  /**
   * Run the postgres-single-user zip under AWS's Lambda runtime interface client (a child process
   * on Node.js 22) instead of its handler in this process.
   */
  lambda?: DemoLambdaRuntime;
}

/** The rotation stopped at a step (its error is in the step's report); the checks are skipped. */
class DemoRotationFailedError extends Error {
  constructor(step: string, errorName: string) {
    super(`the rotation stopped at ${step} (${errorName}); checks skipped`);
    this.name = 'DemoRotationFailedError';
  }
}

function emptyReport(lambda: DemoLambdaRuntime | undefined): DemoReport {
  return {
    ok: false,
    totalMs: 0,
    tls: { mode: 'disable', note: TLS_NOTE },
    // Set as the demo goes; listed here so the JSON report reads top-down.
    postgres: undefined,
    secretsManager: undefined,
    secret: undefined,
    handler: lambda ? `${lambda.zip} (index.handler)` : TEMPLATE_WIRING,
    runtime: lambda ? 'lambda' : 'in-process',
    setup: [],
    before: [],
    rotation: undefined,
    after: [],
    checks: [],
    cleanup: [],
  };
}

/** Starts the embedded PostgreSQL; its stop is registered before the start is awaited (Ctrl-C). */
async function startDatabase(cleanup: Cleanup): Promise<EmbeddedPostgres & { version: string }> {
  const { startPostgres } = await loadEmbeddedPostgres();
  const starting = startPostgres();
  cleanup.add('PostgreSQL stopped, data directory removed', async () =>
    (await starting.catch(() => undefined))?.stop(),
  );
  const server = await starting;
  return Object.assign(server, { version: await serverVersion(server.env) });
}

async function startSecretsManager(cleanup: Cleanup): Promise<LocalSecretsManager> {
  const local = await startLocalSecretsManager();
  cleanup.add('local Secrets Manager stopped', () => local.stop());
  return local;
}

/**
 * One real rotation, end to end, on this machine: an embedded PostgreSQL and the local Secrets
 * Manager, a database user and its secret, then RotateSecret, which invokes the
 * postgres-single-user template's handler with the four steps, as AWS invokes a rotation Lambda.
 * Reports each phase and step with its timing, the versions before and after (password
 * fingerprints, never passwords), and checks that the new password logs in and the old one fails.
 * Always cleans up (servers stopped, temp directories removed).
 *
 * @example
 * ```ts
 * const report = await runDemo({ onEvent: (event) => console.log(event.type) });
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const started = performance.now();
  const cleanup = options.cleanup ?? new Cleanup();
  const progress = new DemoProgress(emptyReport(options.lambda), options.onEvent, options.signal);
  const { report } = progress;
  try {
    progress.section('Setting up');
    const postgres = await progress.phase(
      'postgres',
      'embedded PostgreSQL',
      () => startDatabase(cleanup),
      (pg) => `embedded PostgreSQL ${pg.version} on 127.0.0.1:${pg.env.ROTATION_KIT_PG_PORT} (${TLS_NOTE})`,
    );
    const { env } = postgres;
    report.postgres = {
      host: env.ROTATION_KIT_PG_HOST,
      port: Number(env.ROTATION_KIT_PG_PORT),
      version: postgres.version,
      dataDir: postgres.dataDir,
    };
    const local = await progress.phase(
      'secrets-manager',
      'local Secrets Manager',
      () => startSecretsManager(cleanup),
      (sm) => `local Secrets Manager on ${sm.endpoint}`,
    );
    report.secretsManager = { endpoint: local.endpoint };
    const admin = new SecretsManagerClient(local.clientConfig);
    cleanup.add('', () => admin.destroy());

    const initial: PostgresSecret = {
      engine: 'postgres',
      host: env.ROTATION_KIT_PG_HOST,
      port: Number(env.ROTATION_KIT_PG_PORT),
      username: DB_USER,
      password: randomBytes(24).toString('base64url'),
      dbname: env.ROTATION_KIT_PG_DATABASE,
      sslmode: 'disable', // explicit: the embedded server has no TLS
    };
    await progress.phase(
      'user',
      `database user "${DB_USER}" created (password stored as a SCRAM verifier)`,
      () => createLoginRole(env, DB_USER, initial.password),
    );
    const created = await progress.phase('secret', `secret "${SECRET_NAME}" created, sslmode "disable"`, () =>
      admin.send(
        new CreateSecretCommand({
          Name: SECRET_NAME,
          Description: 'rotation-kit demo: a local PostgreSQL user',
          SecretString: JSON.stringify(initial),
        }),
      ),
    );
    report.secret = { name: SECRET_NAME, arn: created.ARN ?? SECRET_NAME, username: DB_USER };

    const adapter = createPostgresAdapter();
    const steps = await progress.phase(
      'function',
      options.lambda
        ? 'rotation function registered: postgres-single-user zip, Lambda runtime client'
        : 'rotation function registered: postgres-single-user template',
      async () =>
        registerRotationFunction({
          local,
          arn: FUNCTION_ARN,
          adapter,
          logger: options.onHandlerLog ? createJsonLogger({ write: options.onHandlerLog }) : silentLogger,
          cleanup,
          lambda: options.lambda,
          // The function's output comes in chunks of whole lines here; the sink adds its own newline.
          onFunctionOutput: options.onHandlerLog
            ? (text) => options.onHandlerLog?.(text.replace(/\n$/, ''))
            : undefined,
          onStep: (step) => progress.emit({ type: 'step', step }),
        }),
    );

    progress.section('Before');
    report.before = await readVersions(admin, SECRET_NAME);
    progress.emit({ type: 'versions', versions: report.before });
    await progress.check('initial-password-logs-in', 'the initial password (AWSCURRENT) logs in', () =>
      adapter.canLogin(initial),
    );

    progress.checkpoint();
    progress.section('RotateSecret: the service invokes the function four times');
    const t0 = performance.now();
    const { VersionId: token = '' } = await admin.send(
      new RotateSecretCommand({
        SecretId: SECRET_NAME,
        RotationLambdaARN: FUNCTION_ARN,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    const rotateSecretMs = since(t0);
    progress.emit({ type: 'rotate-secret', token, ms: rotateSecretMs });
    const outcome = await local.rotations.waitFor(SECRET_NAME, { token });
    report.rotation = { token, rotateSecretMs, succeeded: outcome.succeeded, steps };

    progress.section('After');
    report.after = await readVersions(admin, SECRET_NAME);
    progress.emit({ type: 'versions', versions: report.after });
    if (!outcome.succeeded) {
      throw new DemoRotationFailedError(
        outcome.failedStep ?? '(unknown step)',
        outcome.error?.name ?? 'Error',
      );
    }

    progress.section('Checks');
    await checkRotation(progress, { adapter, admin, secretId: SECRET_NAME, initial, token });
  } catch (error) {
    progress.fail(error);
  } finally {
    if (cleanup.size > 0) progress.section('Cleaning up');
    for (const result of await cleanup.run()) progress.recordCleanup({ id: 'cleanup', ...result });
  }
  report.ok =
    report.error === undefined &&
    report.rotation?.succeeded === true &&
    report.checks.length === CHECK_COUNT &&
    report.checks.every((check) => check.ok) &&
    report.cleanup.every((task) => task.ok);
  report.totalMs = since(started);
  return report;
}

export { DemoRotationFailedError, runDemo };
export type { DemoOptions };
