/**
 * cfn-lint, when this machine has it (the project's image does; CI's may not). Its absence is said
 * once per file, loudly, and does not fail a run: the structure assertions still hold without it.
 */
import { spawnSync } from 'node:child_process';

function cfnLintAvailable(what: string): boolean {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  const available = !probe.error && probe.status === 0;
  if (!available) {
    console.warn(
      `SKIPPED: cfn-lint is not installed here, so ${what} was not linted (pip install cfn-lint).`,
    );
  }
  return available;
}

/** Runs cfn-lint on template files; `ignore` lists rule ids left out, each with its reason at the call. */
function cfnLint(paths: string[], ignore: string[] = []) {
  const args = [
    '--format',
    'parseable',
    ...(ignore.length ? ['--ignore-checks', ...ignore] : []),
    '--',
    ...paths,
  ];
  return spawnSync('cfn-lint', args, { encoding: 'utf8' });
}

export { cfnLint, cfnLintAvailable };
