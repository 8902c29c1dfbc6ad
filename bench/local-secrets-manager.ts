/**
 * Benchmark of the local Secrets Manager over HTTP with keep-alive: GetSecretValue and
 * PutSecretValue requests per second, in memory and with a data file (fsync before every
 * acknowledgement, grouped). The server runs as `rotation-kit serve` in its own process; the load
 * generator is plain node:http with a keep-alive Agent and many requests in flight (the SDK client
 * would spend more CPU than the server on a 2-core machine).
 *
 *   npx tsx bench/local-secrets-manager.ts [--seconds 5] [--concurrency 64]
 *
 * Prints a markdown table and writes bench/results/local-secrets-manager.json.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'bench/results/local-secrets-manager.json');

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number`);
  return value;
}

const SECONDS = argument('seconds', 5);
const CONCURRENCY = argument('concurrency', 64);
const WARMUP_MS = 1000;

interface Server {
  endpoint: string;
  child: ChildProcess;
}

async function startServer(args: string[]): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  let output = '';
  const endpoint = await new Promise<string>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) done(match[1]);
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${output}`)));
  });
  return { endpoint, child };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGTERM');
  await exited;
}

/**
 * Signed as the SDK signs (the server reads the region from the credential scope and checks no
 * signature), so the per-request region lookup is part of what is measured.
 */
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=test/20261203/us-east-1/secretsmanager/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`;

function post(agent: Agent, endpoint: URL, operation: string, body: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      {
        agent,
        host: endpoint.hostname,
        port: endpoint.port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `secretsmanager.${operation}`,
          'x-amz-date': '20261203T120000Z',
          authorization: AUTHORIZATION,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

interface Measurement {
  scenario: string;
  operation: string;
  storage: 'memory' | 'data file';
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(
  server: Server,
  operation: string,
  storage: Measurement['storage'],
  body: () => string,
): Promise<Measurement> {
  const endpoint = new URL(server.endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const run = async (durationMs: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + durationMs;
    const worker = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const status = await post(agent, endpoint, operation, body());
        if (status === 200) latencies.push(performance.now() - started);
        else errors += 1;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { latencies, errors, seconds: (performance.now() - started) / 1000 };
  };
  await run(WARMUP_MS);
  const { latencies, errors, seconds } = await run(SECONDS * 1000);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number((latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2));
  return {
    scenario: `${operation} (${storage})`,
    operation,
    storage,
    requests: latencies.length,
    errors,
    seconds: Number(seconds.toFixed(2)),
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

async function scenarios(storage: Measurement['storage'], args: string[]): Promise<Measurement[]> {
  const server = await startServer(args);
  try {
    const agent = new Agent({ keepAlive: true });
    const name = `bench-${randomUUID()}`;
    const created = await post(
      agent,
      new URL(server.endpoint),
      'CreateSecret',
      JSON.stringify({
        Name: name,
        ClientRequestToken: randomUUID(),
        SecretString: '{"username":"app","password":"x"}',
      }),
    );
    agent.destroy();
    if (created !== 200) throw new Error(`CreateSecret answered ${created}`);
    const get = JSON.stringify({ SecretId: name });
    return [
      await measure(server, 'GetSecretValue', storage, () => get),
      await measure(server, 'PutSecretValue', storage, () =>
        JSON.stringify({
          SecretId: name,
          ClientRequestToken: randomUUID(),
          SecretString: `{"password":"${randomUUID()}"}`,
        }),
      ),
    ];
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rotation-kit-bench-'));
  try {
    const results = [
      ...(await scenarios('memory', [])),
      ...(await scenarios('data file', ['--data', join(dir, 'state.json')])),
    ];
    const lines = [
      `Local Secrets Manager over HTTP keep-alive, ${CONCURRENCY} requests in flight, ${SECONDS} s each (Node ${process.version}, ${cpus().length} CPUs)`,
      '',
      '| scenario | requests | errors | req/s | p50 ms | p99 ms |',
      '|---|---:|---:|---:|---:|---:|',
      ...results.map(
        (r) =>
          `| ${r.scenario} | ${r.requests} | ${r.errors} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    await mkdir(join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      RESULTS,
      `${JSON.stringify(
        {
          benchmark: 'local-secrets-manager',
          date: new Date().toISOString(),
          node: process.version,
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model,
          concurrency: CONCURRENCY,
          secondsPerScenario: SECONDS,
          results,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`\nwrote ${RESULTS}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
