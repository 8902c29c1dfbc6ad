/**
 * `npm run bench`: bundle sizes, cold start, full-rotation latency, Secrets Manager calls per
 * rotation and zero downtime of the dual-password strategy on Redis (beside single user), checked
 * against the project's goals; plus the local Secrets Manager's own benchmark when it is present. Starts an embedded PostgreSQL and a local Secrets Manager; needs no network.
 *
 *   npx tsx bench/index.ts [--runs 15] [--rotations 30] [--local-sm-seconds N] [--skip-local-sm]
 *
 * Prints a markdown summary and writes bench/results/summary.md and bench/results/summary.json.
 * A benchmark, not a test: it reports goals as met or not met and exits 0 either way.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { buildTemplates } from '../scripts/build-templates.js';
import type { BuildReport } from '../scripts/build-templates.js';
import { measureColdStart } from './cold-start.js';
import { measureCallsPerRotation, measureRotationLatency } from './rotation.js';
import { ROOT, startBenchEnvironment, useDummyAwsEnvironment } from './support/environment.js';
import { runLocalSecretsManagerBench } from './support/local-secrets-manager.js';
import { measureRedisZeroDowntime } from './support/redis-zero-downtime.js';
import { AWS_POSTGRES_SINGLE_USER, evaluateGoals, formatSummary, total } from './support/report.js';
import type { BenchSummary } from './support/report.js';

const RESULTS_DIR = join(ROOT, 'bench', 'results');

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      rotations: { type: 'string', default: '30' },
      'local-sm-seconds': { type: 'string' },
      'skip-local-sm': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const positive = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} expects an integer >= ${min}`);
    return n;
  };
  return {
    runs: positive('runs', values.runs, 3),
    rotations: positive('rotations', values.rotations, 20),
    localSmSeconds:
      values['local-sm-seconds'] === undefined
        ? undefined
        : positive('local-sm-seconds', values['local-sm-seconds'], 1),
    skipLocalSm: values['skip-local-sm'],
  };
}

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Unzips each template's zip into its own task root (a temp folder, no node_modules above it). */
async function unpack(report: BuildReport, outDir: string, into: string): Promise<Record<string, string>> {
  const roots: Record<string, string> = {};
  for (const { name } of report.templates) {
    const taskRoot = join(into, name);
    await mkdir(taskRoot, { recursive: true });
    const files = unzipSync(await readFile(join(outDir, `${name}.zip`)));
    for (const [file, bytes] of Object.entries(files)) await writeFile(join(taskRoot, file), bytes);
    roots[name] = taskRoot;
  }
  return roots;
}

async function main(): Promise<void> {
  const opts = options();
  // Before any client exists: the templates' in-process handlers read AWS_REGION as under Lambda.
  useDummyAwsEnvironment();
  const started = performance.now();
  const loadAverageAtStart = loadavg();
  const work = await mkdtemp(join(tmpdir(), 'rotation-kit-bench-'));
  try {
    progress('building the templates (AWS SDK bundled)');
    const outDir = join(work, 'out');
    const bundleSizes = await buildTemplates({ outDir });
    const taskRoots = await unpack(bundleSizes, outDir, join(work, 'lambda'));

    progress('starting embedded PostgreSQL and the local Secrets Manager');
    const env = await startBenchEnvironment();
    let summary: Omit<BenchSummary, 'localSecretsManager' | 'durationSeconds'>;
    try {
      progress(`cold start: ${opts.runs} interleaved rounds`);
      const coldStart = await measureColdStart(env, taskRoots, {
        runs: opts.runs,
        onRound: (pass) => {
          if (pass % 5 === 0) progress(`  round ${pass}/${opts.runs}`);
        },
      });
      progress(
        `full rotations: ${opts.rotations} each single-user, multi-user, single-user with GetRandomPassword`,
      );
      const rotation = [
        await measureRotationLatency(env, { strategy: 'single-user', rotations: opts.rotations, warmup: 3 }),
        await measureRotationLatency(env, { strategy: 'multi-user', rotations: opts.rotations, warmup: 3 }),
        await measureRotationLatency(env, {
          strategy: 'single-user',
          rotations: opts.rotations,
          warmup: 3,
          passwordSource: 'secrets-manager',
        }),
      ];
      progress('Secrets Manager calls per rotation');
      const singleUserCalls = await measureCallsPerRotation(env, 'single-user');
      const multiUserCalls = await measureCallsPerRotation(env, 'multi-user');
      progress('zero downtime on Redis: 20 rotations of redis-dual-password and redis-single-user');
      const zero = await measureRedisZeroDowntime({
        rotations: 20,
        clients: [
          { name: 'reads before every login', cacheMs: 0 },
          { name: 'caches 250 ms', cacheMs: 250 },
        ],
      });
      const redisZeroDowntime = 'skipped' in zero ? zero : { rotations: 20, rows: zero.rows };
      summary = {
        benchmark: 'rotation-kit',
        date: new Date().toISOString(),
        machine: {
          node: process.version,
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
          loadAverageAtStart,
        },
        bundleSizes,
        coldStart,
        rotation,
        calls: {
          aws: { ...AWS_POSTGRES_SINGLE_USER, total: total(AWS_POSTGRES_SINGLE_USER.byStep) },
          templates: { 'postgres-single-user': singleUserCalls, 'postgres-multi-user': multiUserCalls },
        },
        redisZeroDowntime,
        goals: evaluateGoals({ coldStart, rotation, singleUserCalls, redisZeroDowntime }),
      };
    } finally {
      await env.stop();
    }

    let localSecretsManager;
    if (!opts.skipLocalSm) {
      progress('local Secrets Manager benchmark (bench/local-secrets-manager.ts), if present');
      localSecretsManager = await runLocalSecretsManagerBench(ROOT, opts.localSmSeconds);
    }

    const complete: BenchSummary = {
      ...summary,
      durationSeconds: Math.round((performance.now() - started) / 1000),
      ...(localSecretsManager ? { localSecretsManager } : {}),
    };
    const markdown = formatSummary(complete);
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(join(RESULTS_DIR, 'summary.md'), `${markdown}\n`);
    await writeFile(join(RESULTS_DIR, 'summary.json'), `${JSON.stringify(complete, null, 2)}\n`);
    console.log(markdown);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
