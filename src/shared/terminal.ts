/**
 * How errors and results look on a terminal, shared by the CLI and the demo: an error as a name,
 * its stable code and a redacted message (never a stack, never a value), and the ✓/✗ and timing
 * columns of progress lines.
 */
import { styleText } from 'node:util';
import { RotationError } from './errors.js';
import { redact } from './redact.js';

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

export { formatError, mark, summarizeError, timed };
export type { ErrorSummary };
