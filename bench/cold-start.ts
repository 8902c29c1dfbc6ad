/**
 * Cold start of the deployable bundles: a fresh `node` process per run, started the way the Lambda
 * runtime starts a function (the unzipped bundle as task root, no node_modules, nothing inherited),
 * compared with `node -e 0` on the same machine. Scenarios are interleaved in a new random order
 * every round, so drifting machine load hits all of them alike; medians are compared.
 */
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import { createPostgresAdapter } from '../src/adapters/postgres/index.js';
import { createRotationHandler, silentLogger, singleUser } from '../src/index.js';
import type { BenchEnvironment } from './support/environment.js';
import { lambdaEnvironment, timeNode } from './support/processes.js';
import { median, round, shuffle, summarize } from './support/stats.js';
import type { Summary } from './support/stats.js';

/** Loads the bundle and exits; reports the time `require` took inside the process. */
const LOAD_SCRIPT = `
const started = performance.now();
require('./index.js');
process.stderr.write('BENCH ' + JSON.stringify({ requireMs: performance.now() - started }) + '\\n');
process.exit(0);
`;

/** Loads the bundle, runs one invocation, exits (as the runtime would freeze after it). */
const INVOKE_SCRIPT = `
const started = performance.now();
const { handler } = require('./index.js');
const loaded = performance.now();
handler(JSON.parse(process.argv[1]), { awsRequestId: 'bench' }).then(
  () => {
    const done = performance.now();
    process.stderr.write('BENCH ' + JSON.stringify({ requireMs: loaded - started, invokeMs: done - loaded }) + '\\n');
    process.exit(0);
  },
  (error) => {
    process.stderr.write('FAILED ' + (error && error.name) + ': ' + (error && error.message) + '\\n');
    process.exit(1);
  },
);
`;

type ScenarioKind = 'baseline' | 'load' | 'first-invocation';

interface Scenario {
  name: string;
  kind: ScenarioKind;
  template?: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface ScenarioResult {
  name: string;
  kind: ScenarioKind;
  template?: string;
  /** Spawn to exit, as the parent sees it. */
  wall: Summary;
  /** Median wall time over the median of `node -e 0`. */
  ratioToNode: number;
  /** Median time of `require('./index.js')` inside the process. */
  requireMedianMs?: number;
  /** Median time of the first invocation inside the process. */
  invokeMedianMs?: number;
}

interface ColdStartResult {
  runs: number;
  baselineMedianMs: number;
  scenarios: ScenarioResult[];
}

interface FirstInvocation {
  template: string;
  event: SecretsManagerRotationEvent;
}

/**
 * Leaves a secret mid-rotation: createSecret and setSecret done (the new password is in the
 * database and staged AWSPENDING), so testSecret can be invoked again and again, as a first
 * invocation that reads Secrets Manager and logs in to PostgreSQL.
 */
async function preparePendingRotation(env: BenchEnvironment): Promise<FirstInvocation> {
  const client = new SecretsManagerClient(env.local.clientConfig);
  const handler = createRotationHandler({
    adapter: createPostgresAdapter(),
    strategy: singleUser(),
    secretsManager: client,
    logger: silentLogger,
  });
  const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:bench-prepare-pending';
  env.local.registerFunction(functionArn, async (event: SecretsManagerRotationEvent) => {
    if (event.Step === 'createSecret' || event.Step === 'setSecret') {
      await handler(event, {} as Context, () => undefined);
    }
  });
  try {
    const secret = await env.createUserSecret({ multiUser: false, prefix: 'bench_cold' });
    const { VersionId } = await env.admin.send(
      new RotateSecretCommand({ SecretId: secret.arn, RotationLambdaARN: functionArn }),
    );
    const outcome = await env.local.rotations.waitFor(secret.arn, { token: VersionId });
    if (!outcome.succeeded) throw new Error(`could not prepare the rotation: ${outcome.error?.message}`);
    return {
      template: 'postgres-single-user',
      event: { Step: 'testSecret', SecretId: outcome.secretArn, ClientRequestToken: outcome.token },
    };
  } finally {
    client.destroy();
  }
}

function scenarios(
  taskRoots: Record<string, string>,
  env: BenchEnvironment,
  first: FirstInvocation,
): Scenario[] {
  const environment = (taskRoot: string) =>
    lambdaEnvironment({ taskRoot, endpoint: env.local.endpoint, region: env.local.region });
  const anyRoot = Object.values(taskRoots)[0] as string;
  const list: Scenario[] = [
    { name: 'node -e 0', kind: 'baseline', args: ['-e', '0'], cwd: anyRoot, env: environment(anyRoot) },
  ];
  for (const [template, taskRoot] of Object.entries(taskRoots)) {
    list.push({
      name: `${template}: load`,
      kind: 'load',
      template,
      args: ['-e', LOAD_SCRIPT],
      cwd: taskRoot,
      env: environment(taskRoot),
    });
  }
  const firstRoot = taskRoots[first.template];
  if (!firstRoot) throw new Error(`no bundle for ${first.template}`);
  list.push({
    name: `${first.template}: load + first ${first.event.Step}`,
    kind: 'first-invocation',
    template: first.template,
    args: ['-e', INVOKE_SCRIPT, JSON.stringify(first.event)],
    cwd: firstRoot,
    env: environment(firstRoot),
  });
  return list;
}

/** The `BENCH {...}` line a script printed on stderr. */
function reported(stderr: string): { requireMs?: number; invokeMs?: number } {
  const line = stderr.split('\n').find((text) => text.startsWith('BENCH '));
  return line ? (JSON.parse(line.slice('BENCH '.length)) as { requireMs?: number; invokeMs?: number }) : {};
}

/**
 * `runs` interleaved rounds (after one unmeasured round that warms the file cache) of: `node -e 0`,
 * loading each bundle, and loading one bundle plus its first invocation.
 */
async function measureColdStart(
  env: BenchEnvironment,
  taskRoots: Record<string, string>,
  options: { runs: number; onRound?: (pass: number) => void },
): Promise<ColdStartResult> {
  const first = await preparePendingRotation(env);
  const list = scenarios(taskRoots, env, first);
  const samples = new Map<Scenario, { wall: number[]; requireMs: number[]; invokeMs: number[] }>(
    list.map((scenario) => [scenario, { wall: [], requireMs: [], invokeMs: [] }]),
  );
  for (let pass = 0; pass <= options.runs; pass++) {
    for (const scenario of shuffle([...list])) {
      const run = await timeNode(scenario.args, { cwd: scenario.cwd, env: scenario.env });
      if (run.code !== 0) {
        throw new Error(`${scenario.name} exited with ${run.code}: ${run.stderr.trim().slice(0, 2000)}`);
      }
      if (pass === 0) continue;
      const entry = samples.get(scenario) as { wall: number[]; requireMs: number[]; invokeMs: number[] };
      entry.wall.push(run.ms);
      const { requireMs, invokeMs } = reported(run.stderr);
      if (requireMs !== undefined) entry.requireMs.push(requireMs);
      if (invokeMs !== undefined) entry.invokeMs.push(invokeMs);
    }
    if (pass > 0) options.onRound?.(pass);
  }

  const baseline = median(samples.get(list[0] as Scenario)?.wall ?? []);
  return {
    runs: options.runs,
    baselineMedianMs: round(baseline),
    scenarios: list.map((scenario) => {
      const entry = samples.get(scenario) as { wall: number[]; requireMs: number[]; invokeMs: number[] };
      const wall = summarize(entry.wall);
      return {
        name: scenario.name,
        kind: scenario.kind,
        ...(scenario.template ? { template: scenario.template } : {}),
        wall,
        ratioToNode: round(median(entry.wall) / baseline, 2),
        ...(entry.requireMs.length > 0 ? { requireMedianMs: round(median(entry.requireMs)) } : {}),
        ...(entry.invokeMs.length > 0 ? { invokeMedianMs: round(median(entry.invokeMs)) } : {}),
      };
    }),
  };
}

export { measureColdStart };
export type { ColdStartResult, ScenarioResult };
