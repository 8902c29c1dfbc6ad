import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The local Secrets Manager's own benchmark (another module's), run as a child when it exists. */
const SCRIPT = join('bench', 'local-secrets-manager.ts');
const RESULTS = join('bench', 'results', 'local-secrets-manager.json');

interface LocalSecretsManagerRow {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface LocalSecretsManagerBench {
  secondsPerScenario?: number;
  concurrency?: number;
  rows: LocalSecretsManagerRow[];
}

/**
 * Runs it (with its own defaults unless `seconds` is given), then reads the JSON it writes (it
 * refreshes its own results file); undefined when the script is not there.
 */
async function runLocalSecretsManagerBench(
  root: string,
  seconds?: number,
): Promise<LocalSecretsManagerBench | undefined> {
  if (!existsSync(join(root, SCRIPT))) return undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.NODE_OPTIONS;
  const code = await new Promise<number | null>((resolve, reject) => {
    const args = [
      '--import',
      'tsx',
      SCRIPT,
      ...(seconds === undefined ? [] : ['--seconds', String(seconds)]),
    ];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${SCRIPT} exited with ${code}`);
  const json = JSON.parse(await readFile(join(root, RESULTS), 'utf8')) as {
    secondsPerScenario?: number;
    concurrency?: number;
    results?: Partial<LocalSecretsManagerRow>[];
  };
  return {
    secondsPerScenario: json.secondsPerScenario,
    concurrency: json.concurrency,
    rows: (json.results ?? []).map((row) => ({
      scenario: String(row.scenario),
      requestsPerSecond: Number(row.requestsPerSecond),
      p50Ms: Number(row.p50Ms),
      p99Ms: Number(row.p99Ms),
    })),
  };
}

export { runLocalSecretsManagerBench };
export type { LocalSecretsManagerBench, LocalSecretsManagerRow };
