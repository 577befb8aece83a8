// What every command is given: where its output goes, the data directory, and the exit code
// `main` returns once the command has run.
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { Io } from './io.ts';

/** --data-dir, on the program: every command runs on one data directory. */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'data directory').env('CHOKUTSU_DATA_DIR').default('./data');
}

export class CliContext {
  /** Set by the command that ran; a usage error from commander has its own. */
  exitCode = 0;

  constructor(readonly io: Io) {}

  /** The data directory of the command being run, absolute. */
  dataDir(cmd: Command): string {
    return resolve(cmd.optsWithGlobals<{ dataDir: string }>().dataDir);
  }
}

/** Adds a command to the program; each lives in its own module under commands/. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;
