// `chokutsu init`: the demo company in the data directory (and `start` on an empty one).
import type { Command } from 'commander';
import { provisionDemo, type DemoProvision } from '../../app/demo.ts';
import { LineConfigError } from '../../app/line.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';

export function registerInit(program: Command, ctx: CliContext): void {
  program.command('init')
    .description('write the demo company (chokutsu.yaml, flows, customers) into the data directory')
    .option('--force', 'overwrite an existing definition')
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      ctx.exitCode = await init(ctx.dataDir(cmd), opts.force === true, ctx.io);
    });
}

/** Provisions the demo company and says what was written; returns the exit code. */
export async function init(dataDir: string, force: boolean, io: Io): Promise<number> {
  let demo: DemoProvision;
  try {
    demo = await provisionDemo(dataDir, { force, now: new Date(), warn: (m) => io.err(`warning: ${m}`) });
  } catch (err) {
    if (err instanceof LineConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  if (!demo.written) {
    io.out(`${demo.file} exists; leaving it as it is (--force to overwrite)`);
    return 0;
  }
  io.out(`wrote the demo company ${demo.company} to ${demo.file}`);
  io.out(`customers: ${demo.customers.map((c) => `${c.customerNumber} ${c.name} → ${c.queue}`).join(', ')}`);
  if (demo.users) io.out(`demo users and their passwords: ${demo.users.file}`);
  io.out('try: chokutsu call --at 2026-11-24T10:00:00+09:00 --keys "1001#"');
  return 0;
}
