/**
 * The CLI's exit codes, the same for every command:
 * - 0: done, nothing needs attention;
 * - 1: failed (a rotation step, an AWS or database error, a repair refused as unsafe, a declined prompt);
 * - 2: usage (an unknown or malformed option, a missing argument, a confirmation needed without a TTY);
 * - 3: needs attention (`status` found an error or a warning).
 * `demo` also exits 130 on SIGINT and 143 on SIGTERM, after cleaning up.
 */
const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NeedsAttention: 3,
} as const;
type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The `--help` paragraph every command shows. */
const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 failed, 2 usage error, 3 needs attention (status findings).`;

export { EXIT_CODES_HELP, ExitCode };
export type { ExitCodeValue };
