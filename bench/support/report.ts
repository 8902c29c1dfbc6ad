import type { BuildReport } from '../../scripts/build-templates.js';
import type { ColdStartResult } from '../cold-start.js';
import type { CallCounts, RotationLatency } from '../rotation.js';
import type { LocalSecretsManagerBench } from './local-secrets-manager.js';
import type { RedisZeroDowntimeRow } from './redis-zero-downtime.js';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/**
 * AWS's own single-user PostgreSQL rotation function, call by call, read from its source
 * (aws-samples/aws-secrets-manager-rotation-lambdas,
 * SecretsManagerRDSPostgreSQLRotationSingleUser/lambda_function.py): every step starts with
 * DescribeSecret, values are read again in each step, and finishSecret describes the secret twice.
 */
const AWS_POSTGRES_SINGLE_USER = {
  function: 'SecretsManagerRDSPostgreSQLRotationSingleUser',
  byStep: {
    createSecret: [
      'DescribeSecret',
      'GetSecretValue',
      'GetSecretValue',
      'GetRandomPassword',
      'PutSecretValue',
    ],
    setSecret: ['DescribeSecret', 'GetSecretValue', 'GetSecretValue', 'GetSecretValue'],
    testSecret: ['DescribeSecret', 'GetSecretValue'],
    finishSecret: ['DescribeSecret', 'DescribeSecret', 'UpdateSecretVersionStage'],
  } as Record<string, string[]>,
};

const GOALS = { coldLoadRatio: 1.5, rotationMedianMs: 150, callsPerRotation: 7 } as const;

interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}

interface BenchSummary {
  benchmark: 'rotation-kit';
  date: string;
  machine: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[] };
  durationSeconds: number;
  bundleSizes: BuildReport;
  coldStart: ColdStartResult;
  rotation: RotationLatency[];
  calls: {
    /** AWS's single-user PostgreSQL function, counted from its source. */
    aws: { function: string; byStep: Record<string, string[]>; total: number };
    /** Ours, measured, by template. */
    templates: Record<string, CallCounts>;
  };
  localSecretsManager?: LocalSecretsManagerBench;
  /** Issue 15: clients on AWSCURRENT during rotations of the Redis templates, or why it was skipped. */
  redisZeroDowntime?: { rotations: number; rows: RedisZeroDowntimeRow[] } | { skipped: string };
  goals: Goal[];
}

function total(byStep: Record<string, string[]>): number {
  return Object.values(byStep).reduce((sum, calls) => sum + calls.length, 0);
}

function evaluateGoals(input: {
  coldStart: ColdStartResult;
  rotation: RotationLatency[];
  singleUserCalls: CallCounts;
  redisZeroDowntime?: BenchSummary['redisZeroDowntime'];
}): Goal[] {
  const goals: Goal[] = [];
  for (const scenario of input.coldStart.scenarios.filter((s) => s.kind === 'load')) {
    goals.push({
      goal: `cold load ${scenario.template} <= ${GOALS.coldLoadRatio}x \`node -e 0\``,
      measured: `${scenario.ratioToNode}x`,
      met: scenario.ratioToNode <= GOALS.coldLoadRatio,
    });
  }
  const single = input.rotation.find(
    (r) => r.template === 'postgres-single-user' && r.passwordSource === 'function',
  );
  if (single) {
    goals.push({
      goal: `full rotation median (postgres-single-user, warm) <= ${GOALS.rotationMedianMs} ms`,
      measured: `${single.steps.medianMs} ms`,
      met: single.steps.medianMs <= GOALS.rotationMedianMs,
    });
  }
  const { warm } = input.singleUserCalls;
  goals.push({
    goal: `Secrets Manager calls per rotation (postgres-single-user, warm) <= ${GOALS.callsPerRotation}`,
    measured: `${warm.total} (AWS's template: ${total(AWS_POSTGRES_SINGLE_USER.byStep)})`,
    met: warm.total <= GOALS.callsPerRotation,
  });
  const zero = input.redisZeroDowntime;
  if (zero && 'rows' in zero) {
    const dual = zero.rows.filter((row) => row.strategy === 'dual-password');
    const failed = dual.reduce((sum, row) => sum + row.failures + row.errors, 0);
    goals.push({
      goal: `dual password on Redis: 0 failed logins in ${zero.rotations} rotations`,
      measured: `${failed} of ${dual.reduce((sum, row) => sum + row.logins, 0)}`,
      met: failed === 0,
    });
  }
  return goals;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)} ms`);

function table(header: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** A latency row's name: the template, and the password source when it is not the default. */
function rotationLabel(r: RotationLatency): string {
  return r.passwordSource === 'function' ? r.template : `${r.template}, passwordSource 'secrets-manager'`;
}

function callRow(label: string, byStep: Record<string, string[]>): (string | number)[] {
  return [label, ...STEPS.map((step) => byStep[step]?.length ?? 0), total(byStep)];
}

/** The whole summary as markdown (what `npm run bench` prints and writes to summary.md). */
function formatSummary(summary: BenchSummary): string {
  const { machine, coldStart } = summary;
  const lines: string[] = [
    '# rotation-kit benchmark',
    '',
    `${summary.date}, Node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, load average at start ` +
      `${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}; the run took ${summary.durationSeconds} s. ` +
      'A shared machine: compare ratios, not absolute times.',
    '',
    '## Goals',
    '',
    ...table(
      ['goal', 'measured', 'status'],
      summary.goals.map((g) => [g.goal, g.measured, g.met ? 'met' : 'NOT MET']),
    ),
    '',
    `## Bundle size (AWS SDK ${summary.bundleSizes.awsSdk === 'bundle' ? 'bundled' : 'external'}, ${summary.bundleSizes.target})`,
    '',
    ...table(
      ['template', 'index.js', 'zip'],
      summary.bundleSizes.templates.map((t) => [t.name, kib(t.bundleBytes), kib(t.zipBytes)]),
    ),
    '',
    `## Cold start (fresh process per run, median of ${coldStart.runs} interleaved runs)`,
    '',
    ...table(
      [
        'scenario',
        'process, spawn to exit',
        'x `node -e 0`',
        'require() in process',
        'first invocation in process',
      ],
      coldStart.scenarios.map((s) => [
        s.name,
        ms(s.wall.medianMs),
        `${s.ratioToNode.toFixed(2)}x`,
        ms(s.requireMedianMs),
        ms(s.invokeMedianMs),
      ]),
    ),
    '',
    '## Full rotation (warm handler in process; local Secrets Manager over HTTP; embedded PostgreSQL)',
    '',
    ...table(
      [
        'template',
        'rotations',
        'median',
        'p95',
        'min',
        'max',
        ...STEPS.map((s) => `${s} median`),
        'RotateSecret to done, median',
      ],
      summary.rotation.map((r) => [
        rotationLabel(r),
        r.steps.samples,
        ms(r.steps.medianMs),
        ms(r.steps.p95Ms),
        ms(r.steps.minMs),
        ms(r.steps.maxMs),
        ...STEPS.map((step) => ms(r.stepMedianMs[step])),
        ms(r.endToEnd.medianMs),
      ]),
    ),
    '',
    '## Secrets Manager calls per rotation (happy path)',
    '',
    ...table(
      ['function', ...STEPS, 'total'],
      [
        callRow(`AWS's ${summary.calls.aws.function} (from its source)`, summary.calls.aws.byStep),
        ...Object.entries(summary.calls.templates).flatMap(([template, counts]) => [
          callRow(`${template}, warm (a container that rotated the secret before)`, counts.warm.byStep),
          callRow(`${template}, first rotation in a new container`, counts.first.byStep),
          callRow(`${template}, cold (a new container per step)`, counts.cold.byStep),
        ]),
        ...summary.rotation.map((r) => [
          `${rotationLabel(r)}, warm container, rotation after rotation (mean)`,
          '',
          '',
          '',
          '',
          r.callsPerRotation,
        ]),
      ],
    ),
    '',
  ];
  for (const [template, counts] of Object.entries(summary.calls.templates)) {
    lines.push(
      `${template}, warm: ${STEPS.map((step) => `${step}: ${(counts.warm.byStep[step] ?? []).join(', ') || 'none'}`).join('; ')}`,
      '',
    );
  }
  const zero = summary.redisZeroDowntime;
  if (zero && 'skipped' in zero) lines.push('## Zero downtime on Redis', '', `Skipped: ${zero.skipped}`, '');
  if (zero && 'rows' in zero) {
    lines.push(
      `## Zero downtime on Redis (${zero.rotations} rotations, paced; clients log in with what they read as AWSCURRENT)`,
      '',
      ...table(
        [
          'strategy',
          'template',
          'client',
          'clients',
          'logins',
          'failed',
          'logins during rotations',
          'failed %',
        ],
        zero.rows.map((r) => [
          r.strategy,
          r.template,
          r.client,
          r.clients,
          r.logins,
          r.failures,
          r.loginsDuringRotation,
          (r.failureRate * 100).toFixed(1),
        ]),
      ),
      '',
    );
  }
  const localSm = summary.localSecretsManager;
  if (localSm) {
    lines.push(
      `## Local Secrets Manager over HTTP (bench/local-secrets-manager.ts: ${localSm.secondsPerScenario} s per scenario, ${localSm.concurrency} in flight)`,
      '',
      ...table(
        ['scenario', 'requests/s', 'p50', 'p99'],
        localSm.rows.map((r) => [r.scenario, Math.round(r.requestsPerSecond), ms(r.p50Ms), ms(r.p99Ms)]),
      ),
      '',
    );
  }
  return lines.join('\n');
}

export { AWS_POSTGRES_SINGLE_USER, GOALS, evaluateGoals, formatSummary, total };
export type { BenchSummary, Goal };
