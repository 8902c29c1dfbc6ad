import type { Command } from 'commander';

/** Adds one command to the program. Every command module exports one of these. */
type CommandRegistration = (program: Command) => void;

export type { CommandRegistration };
