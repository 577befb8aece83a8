// `chokutsu phone EXTENSION`: the SIP password of an agent's desk phone.
import type { Command } from 'commander';
import { generatePassword, setAgentPhonePassword } from '../../app/accounts.ts';
import type { Line } from '../../app/line.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';
import { withLine } from '../with-line.ts';

export function registerPhone(program: Command, ctx: CliContext): void {
  program.command('phone')
    .description("set the SIP password of an agent's phone (it registers as the agent's extension)")
    .argument('<extension>')
    .option('--password <password>', 'at least 8 characters (default: generated and printed)')
    .action(async (extension: string, opts: { password?: string }, cmd: Command) => {
      ctx.exitCode = await withLine(ctx.dataDir(cmd), ctx.io, async (line) => setPhone(line, extension, opts.password, ctx.io));
    });
}

function setPhone(line: Line, extension: string, chosen: string | undefined, io: Io): number {
  const agents = line.definition.agents;
  const agent = agents.find((a) => a.extension === extension);
  if (!agent) {
    io.err(`no agent has extension ${extension} (${agents.map((a) => `${a.extension ?? '-'} ${a.id}`).join(', ')})`);
    return 2;
  }
  const password = chosen ?? generatePassword();
  if (password.length < 8) {
    io.err('--password: at least 8 characters');
    return 2;
  }
  setAgentPhonePassword(line, { id: agent.id, extension }, password, new Date());
  io.out(`phone ${extension} (${agent.id})${chosen ? '' : ` password ${password}`}`);
  return 0;
}
