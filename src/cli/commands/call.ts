// `chokutsu call`: one contact through the flow with a text channel, on a virtual clock; or, with
// --server, a whole contact on a running line (call-server.ts).
import type { Command } from 'commander';
import type { Line } from '../../app/line.ts';
import { runTextCall, VirtualClock, type TextCallResult } from '../../runtime/text-call.ts';
import { callServer } from '../call-server.ts';
import { parseCallTime } from '../call-time.ts';
import type { CliContext } from '../context.ts';
import { callReport, formatCallText } from '../format-call.ts';
import type { Io } from '../io.ts';
import { withLine } from '../with-line.ts';

interface CallOptions {
  at?: string; from: string; to?: string; keys: string; json?: boolean;
  server?: string; user?: string; answerAs?: string; talk: string; wait: string;
}

export function registerCall(program: Command, ctx: CliContext): void {
  program.command('call')
    .description('walk one contact through the flow with a text channel (or, with --server, a whole contact on a running line)')
    .option('--at <iso-time>', 'when the call happens (default: now)')
    .option('--from <number>', "the caller's number", '+819012345678')
    .option('--to <number>', 'the number dialed (default: the line\'s first number)')
    .option('--keys <keys>', 'keys the caller presses when asked: 0-9 * # A-D; each , is one input timeout (silence)', '')
    .option('--json', 'print the contact as JSON')
    .option('--server <url>', 'place the call on a running line (chokutsu start), e.g. http://127.0.0.1:8080')
    .option('--user <user:password>', 'with --server: a supervisor or admin to place the call as')
    .option('--answer-as <user:password>', 'with --server: an agent who answers, talks and hangs up')
    .option('--talk <seconds>', 'with --server: how long the agent talks', '3')
    .option('--wait <seconds>', 'with --server: how long to wait for the contact to end', '60')
    .action(async (opts: CallOptions, cmd: Command) => {
      ctx.exitCode = opts.server ? await serverCall(opts.server, opts, ctx.io) : await textCall(ctx.dataDir(cmd), opts, ctx.io);
    });
}

function serverCall(server: string, opts: CallOptions, io: Io): Promise<number> {
  return callServer({
    server, keys: opts.keys, from: opts.from, json: opts.json === true,
    talkSeconds: Number(opts.talk), waitSeconds: Number(opts.wait),
    ...(opts.to ? { to: opts.to } : {}), ...(opts.user ? { user: opts.user } : {}), ...(opts.answerAs ? { answerAs: opts.answerAs } : {}),
  }, io);
}

async function textCall(dataDir: string, opts: CallOptions, io: Io): Promise<number> {
  const clock = new VirtualClock(Date.now());
  return withLine(dataDir, io, async (line) => {
    if (opts.at !== undefined) {
      // A time without an offset is the line's local time, so the definition is read first.
      const at = parseCallTime(opts.at, line.definition.timeZone);
      if (!at.ok) {
        io.err(at.message);
        return 2;
      }
      clock.setTo(at.epochMs);
    }
    // The same rule as a call by SIP: the dialled number must be one of the line's (any format).
    const dialed = opts.to === undefined ? line.definition.phoneNumbers[0]?.number : line.lineNumber(opts.to);
    if (typeof dialed === 'object' && !dialed.ok) {
      io.err(`--to: ${dialed.message}`);
      return 2;
    }
    const result = await walkContact(line, clock, opts, typeof dialed === 'object' ? dialed.number : dialed);
    io.out(opts.json ? JSON.stringify(callReport(result), null, 2) : formatCallText(result, line.definition.timeZone));
    return 0;
  }, clock);
}

function walkContact(line: Line, clock: VirtualClock, opts: CallOptions, dialed: string | undefined): Promise<TextCallResult> {
  return runTextCall({
    catalog: line.catalog,
    flow: line.entryFlow(dialed),
    clock,
    functions: line.functions,
    keys: opts.keys,
    customerAddress: opts.from,
    ...(dialed !== undefined ? { systemAddress: dialed } : {}),
  });
}
