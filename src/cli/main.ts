// The chokutsu command. Each subcommand lives in commands/, opens what it needs and reports
// problems with their context; main assembles them and returns the exit code.
import { Command, CommanderError } from 'commander';
import { registerBackup } from './commands/backup.ts';
import { registerCall } from './commands/call.ts';
import { registerCustomers } from './commands/customers.ts';
import { registerDeploy } from './commands/deploy.ts';
import { registerFlow } from './commands/flow.ts';
import { registerInit } from './commands/init.ts';
import { registerPhone } from './commands/phone.ts';
import { registerReport } from './commands/report.ts';
import { registerRestore } from './commands/restore.ts';
import { registerStart } from './commands/start.ts';
import { registerTest } from './commands/test.ts';
import { registerUser } from './commands/user.ts';
import { CliContext, dataDirOption, type RegisterCommand } from './context.ts';
import { processIo, type Io } from './io.ts';

/** In the order `chokutsu --help` lists them. */
const COMMANDS: RegisterCommand[] = [
  registerInit, registerStart, registerUser, registerPhone, registerReport, registerCall, registerTest, registerFlow, registerCustomers,
  registerDeploy,
  registerBackup, registerRestore,
];

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = new Command('chokutsu')
    .description('直通 — a direct-to-agent phone line on Amazon Connect flows, on one machine')
    .addOption(dataDirOption())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const register of COMMANDS) register(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return ctx.exitCode;
}
