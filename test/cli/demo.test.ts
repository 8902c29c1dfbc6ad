// `rotation-kit demo`, end to end, as a user runs it: a child process that starts its own embedded
// PostgreSQL and local Secrets Manager, rotates, checks, and cleans up.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildTemplates } from '../../scripts/build-templates.js';
import { findLambdaRuntimeClient } from '../../src/local/lambda/runtimeClient.js';
import { describeUnlessMissing } from '../support/binaries.js';
import { REPO_ROOT, runCliProcess } from './support/cli.js';

interface DemoJson {
  ok: boolean;
  tls: { mode: string; note: string };
  postgres: { host: string; port: number; dataDir: string };
  secret: { name: string; username: string };
  before: { versionId: string; stages: string[]; passwordSha256: string }[];
  after: { versionId: string; stages: string[]; passwordSha256: string }[];
  rotation: { token: string; succeeded: boolean; steps: { step: string; ok: boolean; ms: number }[] };
  runtime: string;
  handler: string;
  checks: { id: string; ok: boolean }[];
  cleanup: { title: string; ok: boolean }[];
}

it('rotates for real and reports it: exit 0, the new password logs in, the old one fails, nothing left behind', async () => {
  const run = await runCliProcess(['demo', '--json']);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(run.stdout) as DemoJson;
  expect(report.ok).toBe(true);
  expect(report.tls).toEqual({ mode: 'disable', note: 'TLS disabled: local demo server' });
  expect(report.rotation.succeeded).toBe(true);
  expect(report.rotation.steps.map((s) => [s.step, s.ok])).toEqual([
    ['createSecret', true],
    ['setSecret', true],
    ['testSecret', true],
    ['finishSecret', true],
  ]);
  const check = (id: string) => report.checks.find((c) => c.id === id)?.ok;
  expect(check('initial-password-logs-in')).toBe(true);
  expect(check('new-password-logs-in')).toBe(true);
  expect(check('old-password-rejected')).toBe(true);
  expect(check('previous-is-former-current')).toBe(true);
  expect(check('one-version-per-label')).toBe(true);

  const [before] = report.before;
  expect(report.after).toEqual([
    {
      versionId: report.rotation.token,
      stages: ['AWSCURRENT'],
      passwordSha256: expect.stringMatching(/^[0-9a-f]{8}$/),
    },
    { ...before, stages: ['AWSPREVIOUS'] },
  ]);
  expect(report.after[0]?.passwordSha256).not.toBe(before?.passwordSha256);
  expect(run.stdout).not.toMatch(/"password"\s*:/);
  expect(report.cleanup.map((c) => c.ok)).toEqual([true, true]);
  expect(report.postgres.dataDir).toMatch(/rotation-kit-pg-/);
  expect(existsSync(dirname(report.postgres.dataDir))).toBe(false);
}, 180_000);

/** Command lines of the live processes in a process group, read from /proc (Linux). */
function processGroup(pgid: number): string[] {
  const commands: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      // Field 5 of /proc/<pid>/stat is the process group; the name field before it may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') {
        commands.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return commands;
}

const onLinux = process.platform === 'linux' ? it : it.skip;

onLinux(
  'on Ctrl-C (SIGINT to its process group) it stops both servers, removes the data directory, exits 130',
  async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo'], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as a terminal gives it
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('local Secrets Manager on')) resolve();
      });
      void exited.then(() => reject(new Error(`demo ended before the servers were up:\n${output}`)));
    });
    const pgid = child.pid as number;
    const server = processGroup(pgid).find((command) => / -D \S+rotation-kit-pg-/.test(command));
    const dataDir = / -D (\S+)/.exec(server ?? '')?.[1] as string;
    expect(dataDir).toBeDefined();
    expect(existsSync(dataDir)).toBe(true);

    process.kill(-pgid, 'SIGINT');
    expect(await exited).toBe(130);
    expect(output).toContain('SIGINT: stopping the servers and removing temp directories');
    expect(existsSync(dirname(dataDir))).toBe(false);
    expect(processGroup(pgid)).toEqual([]);
  },
  180_000,
);

function lambdaRuntimeMissing(): string | undefined {
  try {
    findLambdaRuntimeClient([join(REPO_ROOT, 'tools', 'lambda-runtime')]);
    return undefined;
  } catch (error) {
    return `${(error as Error).message} (in this repository: npm run setup:lambda-runtime)`;
  }
}

describeUnlessMissing(
  lambdaRuntimeMissing(),
  { need: 'aws-lambda-ric', suiteLabel: 'Lambda runtime interface client' },
  'demo --runtime lambda',
  () => {
    let out: string;
    beforeAll(async () => {
      out = mkdtempSync(join(tmpdir(), 'rotation-kit-demo-zip-'));
      await buildTemplates({ outDir: out, only: ['postgres-single-user'] });
    }, 120_000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('rotates through the template zip under the runtime client: its log lines carry the runtime’s request ids', async () => {
      const zip = join(out, 'postgres-single-user.zip');
      const run = await runCliProcess(['demo', '--json', '--verbose', '--runtime', 'lambda', '--zip', zip]);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as DemoJson;
      expect(report).toMatchObject({ ok: true, runtime: 'lambda', handler: `${zip} (index.handler)` });
      expect(report.rotation.steps.map((s) => [s.step, s.ok])).toEqual([
        ['createSecret', true],
        ['setSecret', true],
        ['testSecret', true],
        ['finishSecret', true],
      ]);
      // What the function process wrote: the handler's JSON lines, each with the request id the
      // runtime client took from the Runtime API (a fresh UUID per invocation), and no password.
      const lines = run.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { message?: string; step?: string; requestId?: string });
      const completed = lines.filter((line) => line.message === 'step complete');
      expect(completed.map((line) => line.step)).toEqual([
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ]);
      const requestIds = new Set(completed.map((line) => line.requestId));
      expect(requestIds.size).toBe(4);
      for (const id of requestIds)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(run.stderr).not.toMatch(/"password"\s*:/);
      expect(report.cleanup.every((c) => c.ok)).toBe(true);
    }, 180_000);
  },
);
