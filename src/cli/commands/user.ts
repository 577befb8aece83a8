// `chokutsu user add|list`: users of the web app and API.
import type { Command } from 'commander';
import { addUser, generatePassword, listUsers } from '../../app/accounts.ts';
import type { Line } from '../../app/line.ts';
import { newUserProblems, UserError, type Role } from '../../users/users.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';
import { withLine } from '../with-line.ts';

interface AddOptions { role: string; agent?: string; password?: string }

export function registerUser(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('users of the web app and API');
  user.command('add')
    .description('add a user (role admin, supervisor or agent)')
    .argument('<username>')
    .requiredOption('--role <role>', 'admin, supervisor or agent')
    .option('--agent <agentId>', 'the agent this user works as')
    .option('--password <password>', 'at least 8 characters (default: generated and printed)')
    .action(async (username: string, opts: AddOptions, cmd: Command) => {
      ctx.exitCode = await withLine(ctx.dataDir(cmd), ctx.io, (line) => add(line, username, opts, ctx.io));
    });
  user.command('list').description('list users').action(async (_o: unknown, cmd: Command) => {
    ctx.exitCode = await withLine(ctx.dataDir(cmd), ctx.io, async (line) => {
      for (const u of listUsers(line)) ctx.io.out(`${u.username}\t${u.role}${u.agentId ? `\t${u.agentId}` : ''}`);
      return 0;
    });
  });
}

/** The user's fields as this command names them. */
const ARGUMENT_OF: Record<string, string> = { username: 'USERNAME', password: '--password', role: '--role', agentId: '--agent' };

async function add(line: Line, username: string, opts: AddOptions, io: Io): Promise<number> {
  const agents = line.definition.agents;
  const agentList = `(agents: ${agents.map((a) => a.id).join(', ')})`;
  if (opts.agent && !agents.some((a) => a.id === opts.agent)) {
    io.err(`--agent: no agent ${opts.agent} ${agentList}`);
    return 2;
  }
  const password = opts.password ?? generatePassword();
  const user = { username, password, role: opts.role as Role, ...(opts.agent ? { agentId: opts.agent } : {}) };
  const problems = newUserProblems(user).map((p) => p.replace(/^(\w+):/, (field, name: string) => `${ARGUMENT_OF[name] ?? field}:`));
  if (problems.length > 0) {
    io.err(problems.map((p) => (p.startsWith('--agent:') ? `${p} ${agentList}` : p)).join('\n'));
    return 2;
  }
  try {
    await addUser(line, user);
  } catch (err) {
    if (err instanceof UserError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  io.out(`added ${opts.role} ${username}${opts.password ? '' : ` with password ${password}`}`);
  return 0;
}
