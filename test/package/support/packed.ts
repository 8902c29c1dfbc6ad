/**
 * The package as users get it: `npm pack`'s tarball, built once per Jest run, installed into fresh
 * temporary projects that the test files share (each project is installed once per run, from npm's
 * cache where it can). Test files run in parallel workers, so each shared step is guarded by a lock
 * directory: the first worker builds it, the others wait for its `.done` marker.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
/** The Jest run: globalSetup's process id, which every worker inherits (and globalTeardown shares). */
const RUN_PID = Number(process.env.ROTATION_KIT_TEST_RUN ?? process.pid);
const PREFIX = 'rotation-kit-package-';
const BASE = join(tmpdir(), `${PREFIX}${RUN_PID}`);
const WAIT_MS = 10 * 60_000;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; never throws for a non-zero exit (the caller asserts on `code`). */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

const npmEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the work folders of earlier runs whose Jest process is gone (globalTeardown removes a run's own). */
function removeStaleRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(PREFIX.length));
    if (!name.startsWith(PREFIX) || !Number.isInteger(pid) || pid === RUN_PID || alive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * `build(dir)` once per run for `name`, whichever worker asks first; every caller gets `dir` once it
 * is built. A failed build leaves a `.failed` marker with its message, so waiting workers fail too.
 */
async function once(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(BASE, name);
  const done = join(dir, '.done');
  const failed = join(dir, '.failed');
  mkdirSync(BASE, { recursive: true });
  let owner = false;
  try {
    mkdirSync(`${dir}.lock`);
    owner = true;
  } catch {
    // another worker builds it
  }
  if (owner) {
    if (name === 'tarball') removeStaleRuns();
    mkdirSync(dir, { recursive: true });
    try {
      await build(dir);
      writeFileSync(done, '');
    } catch (error) {
      writeFileSync(failed, String((error as Error).message));
      throw error;
    }
    return dir;
  }
  for (const start = Date.now(); Date.now() - start < WAIT_MS; await sleep(250)) {
    if (existsSync(done)) return dir;
    if (existsSync(failed)) throw new Error(`shared step ${name} failed in another worker`);
  }
  throw new Error(`shared step ${name} did not finish within ${WAIT_MS} ms`);
}

/**
 * `npm pack` of this repository (prepack builds dist/ and the template zips): the tarball's path.
 * ROTATION_KIT_TEST_TARBALL names another tarball to test instead.
 */
async function packedTarball(): Promise<string> {
  // Another build's tarball (e.g. main's, to see these tests fail before a fix).
  if (process.env.ROTATION_KIT_TEST_TARBALL) return resolve(process.env.ROTATION_KIT_TEST_TARBALL);
  const dir = await once('tarball', async (out) => {
    const packed = await run('npm', ['pack', '--pack-destination', out, '--json'], {
      cwd: REPO,
      env: npmEnv(),
      timeoutMs: 300_000,
    });
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  });
  const tgz = readdirSync(dir).find((file) => file.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack left no tarball in ${dir}`);
  return join(dir, tgz);
}

interface Project {
  dir: string;
  /** What `npm install` printed (stdout and stderr), to assert on errors and warnings. */
  installLog: string;
  /** `npm install`'s exit code: the tests assert it (an ERESOLVE is a finding, not a setup error). */
  installCode: number;
}

/**
 * A fresh project named `name` with the packed tarball and `packages` installed (`npm install`,
 * preferring npm's cache). `manifest` adds to its package.json (e.g. an app's own pins).
 */
async function installedProject(
  name: string,
  packages: readonly string[],
  manifest: Record<string, unknown> = {},
): Promise<Project> {
  const tarball = await packedTarball();
  const dir = await once(`project-${name}`, async (root) => {
    const pkg = { name: `rk-consumer-${name}`, version: '1.0.0', private: true, ...manifest };
    writeFileSync(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    const installed = await run('npm', ['install', '--prefer-offline', tarball, ...packages], {
      cwd: root,
      env: npmEnv(),
      timeoutMs: 300_000,
    });
    writeFileSync(join(root, 'install.log'), `${installed.stdout}\n${installed.stderr}`);
    writeFileSync(join(root, 'install.code'), String(installed.code));
  });
  return {
    dir,
    installLog: readFileSync(join(dir, 'install.log'), 'utf8'),
    installCode: Number(readFileSync(join(dir, 'install.code'), 'utf8')),
  };
}

export { REPO, installedProject, packedTarball, run };
export type { Project, RunResult };
