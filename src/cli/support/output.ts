import { formatError, summarizeError } from '../../shared/terminal.js';
import { ExitCode } from './exit-codes.js';
import type { ExitCodeValue } from './exit-codes.js';

// The error and progress formatting lives in src/shared/terminal.ts (the demo uses it too).
export { mark, timed } from '../../shared/terminal.js';
export type { ErrorSummary } from '../../shared/terminal.js';

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

/** One JSON document on stdout (Dates become ISO strings). */
function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** The command's exit code (see exit-codes.ts); the process ends when the command returns. */
function exitWith(code: ExitCodeValue): void {
  process.exitCode = code;
}

/** Reports an error that ended a command: JSON on stdout with `--json`, else a line on stderr. */
function reportFailure(error: unknown, json: boolean, code: ExitCodeValue = ExitCode.Failure): void {
  const summary = summarizeError(error);
  if (json) printJson({ ok: false, error: summary });
  else err(`rotation-kit: ${formatError(summary)}`);
  exitWith(code);
}

export { err, exitWith, formatError, out, printJson, reportFailure, summarizeError };
