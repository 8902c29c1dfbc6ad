/**
 * Runs `rotation-kit` commands: in-process through `main()` (stdout, stderr and the exit code
 * captured), or as a child process of the TypeScript entry, for what only a real process shows.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../../src/cli/main.js';

const REPO_ROOT = resolve(__dirname, '../../..');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

/** Runs `rotation-kit <args>` in this process; `process.exitCode` is reset afterwards. */
async function runCli(args: readonly string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as Write;
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  process.exitCode = undefined;
  try {
    await main(['node', 'rotation-kit', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** Runs `rotation-kit <args>` from the sources (through tsx) as a child process. */
function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? -1, stdout, stderr })));
}

/** The JSON document a `--json` run printed. */
function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout, got:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** Fails if any of the given secret values appears in the run's output. */
function expectNoSecrets(run: CliRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8); // a short value could match by chance
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

export { REPO_ROOT, expectNoSecrets, jsonOf, runCli, runCliProcess };
export type { CliRun };
