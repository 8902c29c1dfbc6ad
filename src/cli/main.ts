#!/usr/bin/env node
import { Command } from 'commander';
import * as commands from './commands/index.js';
import type { CommandRegistration } from './commands/types.js';

/** The `rotation-kit` program with every command of `./commands/index.ts`. */
function buildProgram(): Command {
  const program = new Command('rotation-kit').description(
    'Rotate AWS Secrets Manager database secrets, and test rotations offline',
  );
  const registrations: Record<string, CommandRegistration> = commands;
  for (const register of Object.values(registrations)) register(program);
  return program;
}

/** Runs the CLI; a failure prints its message (never a stack) and sets a non-zero exit code. */
async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`rotation-kit: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();

export { buildProgram, main };
