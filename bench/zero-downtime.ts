/**
 * Zero downtime, measured (issue 5): application clients log in to PostgreSQL with whatever
 * AWSCURRENT says while N rotations of the real templates run one after another, and every login
 * is counted, failed or not. Four scenarios: alternating users (postgres-multi-user) and single user
 * (postgres-single-user), each paced as on AWS and back-to-back. Then (issue 15) the same on a
 * private redis-server: dual password (redis-dual-password) beside single user (redis-single-user). The application and pacing models
 * are documented in test/e2e/support/login-loop.ts and test/e2e/support/zero-downtime.ts; the test
 * test/e2e/zero-downtime.test.ts asserts the paced alternating result (zero failures).
 *
 *   npx tsx bench/zero-downtime.ts [--rotations 20] [--cache-ms 250] [--long-cache-ms 3000] [--clients 2]
 *
 * `--clients` is per application model: one that reads AWSCURRENT before every login, one that
 * caches it for `--cache-ms`, and (back-to-back only) one that caches it for `--long-cache-ms`,
 * longer than a rotation takes, to show the limit: alternating users is safe only while rotations
 * are further apart than the clients' cache TTL. Uses the PostgreSQL named by ROTATION_KIT_PG_* if
 * set, else starts a private one. Prints a markdown table, writes bench/results/zero-downtime.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { dropRoles, postgresAddress, spawnPostgres } from '../test/support/postgres.js';
import type { PostgresAddress, SpawnedPostgres } from '../test/support/postgres.js';
import type { ClientModel } from '../test/e2e/support/login-loop.js';
import { RotationRig } from '../test/e2e/support/rotation-rig.js';
import { createPostgresApp, runZeroDowntime } from '../test/e2e/support/zero-downtime.js';
import type { PostgresTemplate, ZeroDowntimeResult } from '../test/e2e/support/zero-downtime.js';
import { measureRedisZeroDowntime } from './support/redis-zero-downtime.js';
import { useDummyAwsEnvironment } from './support/environment.js';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'bench/results/zero-downtime.json');

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} expects a positive integer`);
  return value;
}

const ROTATIONS = argument('rotations', 20);
const CACHE_MS = argument('cache-ms', 250);
const LONG_CACHE_MS = argument('long-cache-ms', 3000);
const CLIENTS_PER_MODEL = argument('clients', 2);
const BOUNDS = { maxLogins: 100_000, maxMs: 600_000 };

const READS_EVERY_LOGIN: ClientModel = { name: 'reads before every login', cacheMs: 0 };
const CACHES: ClientModel = { name: `caches ${CACHE_MS} ms`, cacheMs: CACHE_MS };
/** Only back-to-back: its TTL outlasts a rotation, which pacing would have to wait out every time. */
const CACHES_LONG: ClientModel = { name: `caches ${LONG_CACHE_MS} ms`, cacheMs: LONG_CACHE_MS };

/** `CLIENTS_PER_MODEL` clients of each model. */
const clients = (...models: ClientModel[]): ClientModel[] =>
  Array.from({ length: CLIENTS_PER_MODEL }, () => models).flat();

const SCENARIOS: { template: PostgresTemplate; paced: boolean; clients: ClientModel[] }[] = [
  { template: 'postgres-multi-user', paced: true, clients: clients(READS_EVERY_LOGIN, CACHES) },
  { template: 'postgres-single-user', paced: true, clients: clients(READS_EVERY_LOGIN, CACHES) },
  {
    template: 'postgres-multi-user',
    paced: false,
    clients: clients(READS_EVERY_LOGIN, CACHES, CACHES_LONG),
  },
  {
    template: 'postgres-single-user',
    paced: false,
    clients: clients(READS_EVERY_LOGIN, CACHES, CACHES_LONG),
  },
];

interface Row {
  strategy: 'alternating-users' | 'single-user' | 'dual-password';
  template: string;
  pacing: 'paced' | 'back-to-back';
  client: string;
  cacheMs: number;
  clients: number;
  logins: number;
  failures: number;
  errors: number;
  loginsDuringRotation: number;
  failureRate: number;
  ms: number;
}

/** One row per scenario and application model (clients of a model summed). */
function rows(result: ZeroDowntimeResult): Row[] {
  const byModel = new Map<string, Row>();
  for (const client of result.stats.clients) {
    const row = byModel.get(client.name) ?? {
      strategy: (result.template === 'postgres-multi-user'
        ? 'alternating-users'
        : 'single-user') as Row['strategy'],
      template: result.template,
      pacing: result.paced ? 'paced' : 'back-to-back',
      client: client.name,
      cacheMs: client.cacheMs,
      clients: 0,
      logins: 0,
      failures: 0,
      errors: 0,
      loginsDuringRotation: 0,
      failureRate: 0,
      ms: result.ms,
    };
    row.clients += 1;
    row.logins += client.logins;
    row.failures += client.failures;
    row.errors += client.errors;
    row.loginsDuringRotation += client.loginsDuringRotation;
    row.failureRate = row.logins === 0 ? 0 : Number((row.failures / row.logins).toFixed(4));
    byModel.set(client.name, row);
  }
  return [...byModel.values()];
}

function markdown(table: Row[]): string {
  const header =
    '| strategy | template | pacing | client | clients | logins | failed | errors | logins during rotations | failed % |\n' +
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|';
  const lines = table.map(
    (row) =>
      `| ${row.strategy} | ${row.template} | ${row.pacing} | ${row.client} | ${row.clients} | ${row.logins} | ` +
      `${row.failures} | ${row.errors} | ${row.loginsDuringRotation} | ${(row.failureRate * 100).toFixed(1)} |`,
  );
  return [header, ...lines].join('\n');
}

async function main(): Promise<void> {
  useDummyAwsEnvironment();
  let spawned: SpawnedPostgres | undefined;
  let address: PostgresAddress;
  try {
    address = postgresAddress();
  } catch {
    process.stdout.write('starting a private PostgreSQL...\n');
    spawned = await spawnPostgres({});
    address = spawned.address;
  }
  const rig = await RotationRig.start();
  const roles: string[] = [];
  const table: Row[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const app = await createPostgresApp(rig, scenario.template, address);
      roles.push(...app.roles);
      const result = await runZeroDowntime({
        rig,
        ...scenario,
        secretArn: app.secretArn,
        rotations: ROTATIONS,
        ...BOUNDS,
      });
      if (result.stats.firstError) process.stdout.write(`first error: ${result.stats.firstError}\n`);
      table.push(...rows(result));
      process.stdout.write(
        `${scenario.template} ${scenario.paced ? 'paced' : 'back-to-back'}: ` +
          `${result.stats.logins} logins, ${result.stats.failures} failed in ${result.ms} ms\n`,
      );
    }
  } finally {
    await rig.stop();
    await dropRoles(roles, address).catch(() => undefined);
    await spawned?.stop();
  }
  // Issue 15: dual password on Redis (one user, no clone) beside single user, paced and back-to-back.
  const redis = await measureRedisZeroDowntime({
    rotations: ROTATIONS,
    clients: clients(READS_EVERY_LOGIN, CACHES),
    pacings: [true, false],
  });
  if ('skipped' in redis) process.stdout.write(`Redis scenarios skipped: ${redis.skipped}\n`);
  else table.push(...redis.rows.map((row) => ({ ...row, ms: 0 })));

  const report = {
    benchmark: 'zero-downtime',
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    rotations: ROTATIONS,
    clientsPerModel: CLIENTS_PER_MODEL,
    clientModels: [READS_EVERY_LOGIN, CACHES, CACHES_LONG],
    pacing: {
      paced:
        'each rotation waits after setSecret until every client has attempted a login, and the next ' +
        'rotation starts once every client has logged in with credentials read after the last one finished',
      'back-to-back': 'each RotateSecret is sent as soon as the previous rotation finished',
    },
    results: table,
  };
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `\n${ROTATIONS} rotations each, ${CLIENTS_PER_MODEL} clients per model, node ${process.version}, ${cpus().length} CPUs\n\n`,
  );
  process.stdout.write(`${markdown(table)}\n\nwrote ${RESULTS}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
