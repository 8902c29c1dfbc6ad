#!/usr/bin/env node
// First: it silences the SDK's Node-version warning before anything loads the SDK.
import './support/quiet-sdk.js';
import { Command, CommanderError } from 'commander';
import * as commands from './commands/index.js';
import type { CommandRegistration } from './commands/types.js';
import { ExitCode } from './support/exit-codes.js';
import { packageVersion } from '../shared/package-root.js';

/** The `rotation-kit` program with every command of `./commands/index.ts`. */
function buildProgram(): Command {
  const program = new Command('rotation-kit')
    .description('Rotate AWS Secrets Manager database secrets, and test rotations offline')
    .version(packageVersion(__dirname), '-V, --version', 'print the version of rotation-kit')
    // Throw instead of process.exit (so main() decides the exit code); set before the commands are
    // added, which inherit it.
    .exitOverride();
  const registrations: Record<string, CommandRegistration> = commands;
  for (const register of Object.values(registrations)) register(program);
  return program;
}

/**
 * Runs the CLI; a failure prints its message (never a stack) and sets a non-zero exit code: 2 for a
 * usage error, 1 otherwise (see `support/exit-codes.ts`).
 */
async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the help or the usage error.
      process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    process.stderr.write(`rotation-kit: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();

export { buildProgram, main };
