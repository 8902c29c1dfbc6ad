import { styleText } from 'node:util';
import { RotationError } from '../../shared/errors.js';
import { redact } from '../../shared/redact.js';
import { ExitCode } from './exit-codes.js';
import type { ExitCodeValue } from './exit-codes.js';

/** An error as the CLI shows it: never a stack, never a value (library messages name keys only). */
interface ErrorSummary {
  name: string;
  /** RotationError's stable code, when there is one. */
  code?: string;
  message: string;
}

function summarizeError(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { name: 'Error', message: redact(String(error)) as string };
  const code = error instanceof RotationError ? error.code : undefined;
  return { name: error.name, ...(code ? { code } : {}), message: redact(error.message) as string };
}

function formatError(summary: ErrorSummary): string {
  return `${summary.name}${summary.code ? ` (${summary.code})` : ''}: ${summary.message}`;
}

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

const colors = (): boolean => process.stdout.isTTY === true && !process.env.NO_COLOR;
/** ✓ or ✗, coloured on a terminal (unless NO_COLOR). */
function mark(ok: boolean): string {
  const glyph = ok ? '✓' : '✗';
  return colors() ? styleText(ok ? 'green' : 'red', glyph) : glyph;
}

/** `text` padded with dots to `width`, then `ms` right-aligned: a readable timing column. */
function timed(text: string, ms: number | undefined, width = 64): string {
  if (ms === undefined) return text;
  const time = `${Math.round(ms)} ms`;
  return `${text} ${'.'.repeat(Math.max(2, width - text.length - time.length))} ${time}`;
}

export { err, exitWith, formatError, mark, out, printJson, reportFailure, summarizeError, timed };
export type { ErrorSummary };
