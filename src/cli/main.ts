// The chokutsu command. Each subcommand opens what it needs and reports problems with their context.
import { Command, CommanderError, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvImportError, formatCustomersCsv, parseCustomersCsv } from '../directory/csv.ts';
import { supportedActionTypes } from '../flow/action-specs.ts';
import { checkFlowText } from '../flow/validate.ts';
import { instanceResolver, queueRefs } from '../instance/catalog.ts';
import { loadInstance } from '../instance/load.ts';
import { demoCustomers, writeDemoInstance } from '../instance/demo.ts';
import { findDefinitionFile, formatFlowProblem, LineConfigError, openLine, type Line } from '../app/line.ts';
import { KeyScriptError, runTextCall, VirtualClock } from '../runtime/text-call.ts';
import { callReport, formatCallText } from './format-call.ts';
import { callServer } from './call-server.ts';
import { processIo, type Io } from './io.ts';
import { DEFAULT_RATES, InvalidMonthError, monthBounds, monthlyCost, type MonthlyCost } from '../contacts/cost.ts';
import { SqliteContactStore } from '../store/contacts.ts';
import { startServer, type RunningServer } from '../app/start.ts';
import { ROLES, UserError, type Role } from '../users/users.ts';
import { SqliteUserStore } from '../store/users.ts';
import { SqlitePhoneStore } from '../store/phones.ts';
import { setPhonePassword } from '../app/phones.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');


/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const dataDirOf = (cmd: Command): string => resolve(cmd.optsWithGlobals<{ dataDir: string }>().dataDir);

  const program = new Command('chokutsu')
    .description('直通 — a direct-to-agent phone line on Amazon Connect flows, on one machine')
    .addOption(new Option('--data-dir <dir>', 'data directory').env('CHOKUTSU_DATA_DIR').default('./data'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program.command('init')
    .description('write the demo company (chokutsu.yaml, flows, customers) into the data directory')
    .option('--force', 'overwrite an existing definition')
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      code = await init(dataDirOf(cmd), opts.force === true, io);
    });

  program.command('start')
    .description('run the line on the embedded defaults (initialises the demo company when the data directory is empty)')
    .option('--host <address>', 'HTTP address to listen on', '127.0.0.1')
    .option('--port <port>', 'HTTP port', '8080')
    .action(async (opts: { host: string; port: string }, cmd: Command) => {
      const dataDir = dataDirOf(cmd);
      if (!findDefinitionFile(dataDir)) {
        code = await init(dataDir, false, io);
        if (code !== 0) return;
      }
      code = await serve(dataDir, opts.host, Number(opts.port), io);
    });

  const user = program.command('user').description('users of the web app and API');
  user.command('add')
    .description('add a user (role admin, supervisor or agent)')
    .argument('<username>')
    .requiredOption('--role <role>', 'admin, supervisor or agent')
    .option('--agent <agentId>', 'the agent this user works as')
    .option('--password <password>', 'at least 8 characters (default: generated and printed)')
    .action(async (username: string, opts: { role: string; agent?: string; password?: string }, cmd: Command) => {
      code = await withLine(dataDirOf(cmd), new VirtualClock(Date.now()), io, async (line) => {
        const users = new SqliteUserStore(line.db);
        if (!ROLES.includes(opts.role as Role)) {
          io.err(`--role: one of ${ROLES.join(', ')}`);
          return 2;
        }
        if (opts.agent && !line.definition.agents.some((a) => a.id === opts.agent)) {
          io.err(`--agent: no agent ${opts.agent} (agents: ${line.definition.agents.map((a) => a.id).join(', ')})`);
          return 2;
        }
        const password = opts.password ?? generatePassword();
        try {
          await users.create({ username, password, role: opts.role as Role, ...(opts.agent ? { agentId: opts.agent } : {}) });
        } catch (err) {
          if (err instanceof UserError) {
            io.err(err.message);
            return 1;
          }
          throw err;
        }
        io.out(`added ${opts.role} ${username}${opts.password ? '' : ` with password ${password}`}`);
        return 0;
      });
    });
  user.command('list').description('list users').action(async (_o: unknown, cmd: Command) => {
    code = await withLine(dataDirOf(cmd), new VirtualClock(Date.now()), io, async (line) => {
      for (const u of new SqliteUserStore(line.db).list()) io.out(`${u.username}\t${u.role}${u.agentId ? `\t${u.agentId}` : ''}`);
      return 0;
    });
  });

  program.command('phone')
    .description("set the SIP password of an agent's phone (it registers as the agent's extension)")
    .argument('<extension>')
    .option('--password <password>', 'at least 8 characters (default: generated and printed)')
    .action(async (extension: string, opts: { password?: string }, cmd: Command) => {
      code = await withLine(dataDirOf(cmd), new VirtualClock(Date.now()), io, async (line) => {
        const agent = line.definition.agents.find((a) => a.extension === extension);
        if (!agent) {
          io.err(`no agent has extension ${extension} (${line.definition.agents.map((a) => `${a.extension ?? '-'} ${a.id}`).join(', ')})`);
          return 2;
        }
        const password = opts.password ?? generatePassword();
        if (password.length < 8) {
          io.err('--password: at least 8 characters');
          return 2;
        }
        setPhonePassword(new SqlitePhoneStore(line.db), { username: extension, agentId: agent.id, realm: line.definition.telephony?.sip?.realm ?? 'chokutsu', password }, new Date());
        io.out(`phone ${extension} (${agent.id})${opts.password ? '' : ` password ${password}`}`);
        return 0;
      });
    });

  const report = program.command('report').description('reports');
  report.command('cost')
    .description('what the line cost in a month, per contact minute (Amazon Connect rates) and self-hosted')
    .requiredOption('--month <YYYY-MM>', 'the month, e.g. 2026-11')
    .option('--json', 'print as JSON')
    .action(async (opts: { month: string; json?: boolean }, cmd: Command) => {
      code = await withLine(dataDirOf(cmd), new VirtualClock(Date.now()), io, async (line) => {
        let cost: MonthlyCost;
        try {
          cost = monthlyCostOf(line, opts.month);
        } catch (err) {
          if (err instanceof InvalidMonthError) {
            io.err(err.message);
            return 2;
          }
          throw err;
        }
        io.out(opts.json ? JSON.stringify(cost, null, 2) : formatCost(cost));
        return 0;
      });
    });

  program.command('call')
    .description('walk one contact through the flow with a text channel (or, with --server, a whole contact on a running line)')
    .option('--at <iso-time>', 'when the call happens (default: now)')
    .option('--from <number>', "the caller's number", '+819012345678')
    .option('--to <number>', 'the number dialed (default: the line\'s first number)')
    .option('--keys <keys>', 'keys the caller presses: 0-9 * # A-D, and , to stay silent until a timeout', '')
    .option('--json', 'print the contact as JSON')
    .option('--server <url>', 'place the call on a running line (chokutsu start), e.g. http://127.0.0.1:8080')
    .option('--user <user:password>', 'with --server: a supervisor or admin to place the call as')
    .option('--answer-as <user:password>', 'with --server: an agent who answers, talks and hangs up')
    .option('--talk <seconds>', 'with --server: how long the agent talks', '3')
    .option('--wait <seconds>', 'with --server: how long to wait for the contact to end', '60')
    .action(async (opts: { at?: string; from: string; to?: string; keys: string; json?: boolean; server?: string; user?: string; answerAs?: string; talk: string; wait: string }, cmd: Command) => {
      if (opts.server) {
        code = await callServer({
          server: opts.server, keys: opts.keys, from: opts.from, json: opts.json === true,
          talkSeconds: Number(opts.talk), waitSeconds: Number(opts.wait),
          ...(opts.to ? { to: opts.to } : {}), ...(opts.user ? { user: opts.user } : {}), ...(opts.answerAs ? { answerAs: opts.answerAs } : {}),
        }, io);
        return;
      }
      const at = opts.at === undefined ? Date.now() : Date.parse(opts.at);
      if (!Number.isFinite(at)) {
        io.err(`--at ${JSON.stringify(opts.at)} is not an ISO date-time (e.g. 2026-11-24T10:00:00+09:00)`);
        code = 2;
        return;
      }
      const clock = new VirtualClock(at);
      code = await withLine(dataDirOf(cmd), clock, io, async (line) => {
        const dialed = opts.to ?? line.definition.phoneNumbers[0]?.number;
        const result = await runTextCall({
          catalog: line.catalog,
          flow: line.entryFlow(dialed),
          clock,
          functions: line.functions,
          keys: opts.keys,
          customerAddress: opts.from,
          ...(dialed !== undefined ? { systemAddress: dialed } : {}),
        });
        io.out(opts.json ? JSON.stringify(callReport(result), null, 2) : formatCallText(result, line.definition.timeZone));
        return 0;
      });
    });

  const flow = program.command('flow').description('contact flows');
  flow.command('check')
    .description('validate a flow: every problem with the action Identifier and a JSON path')
    .argument('<file>', 'Flow Language JSON')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      code = await checkFlowFile(file, dataDirOf(cmd), opts.json === true, io);
    });

  program.command('import')
    .description('import customers from CSV (customer_number,name,queue); a bad row imports nothing')
    .argument('<file>', 'CSV file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      code = await withLine(dataDirOf(cmd), new VirtualClock(Date.now()), io, async (line) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          io.err(`cannot read ${file}: ${(err as Error).message}`);
          return 1;
        }
        const parsed = parseCustomersCsv(text, { knownQueues: queueRefs(line.definition) });
        if (!parsed.ok) {
          for (const e of parsed.errors) io.err(`${file}:${e.line}: ${e.column ? `${e.column}: ` : ''}${e.message}`);
          io.err(`nothing imported (${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'})`);
          return 1;
        }
        const { inserted, updated } = line.directory.importAll(parsed.customers, new Date());
        io.out(`imported ${parsed.customers.length} customers from ${basename(file)}: ${inserted} new, ${updated} updated`);
        return 0;
      });
    });

  program.command('export')
    .description('export customers as CSV (to FILE, or standard output)')
    .argument('[file]', 'CSV file to write')
    .action(async (file: string | undefined, _opts: unknown, cmd: Command) => {
      code = await withLine(dataDirOf(cmd), new VirtualClock(Date.now()), io, async (line) => {
        const csv = formatCustomersCsv(line.directory.list());
        if (file) {
          writeFileSync(file, csv);
          io.out(`exported ${line.directory.count()} customers to ${file}`);
        } else {
          io.out(csv.trimEnd());
        }
        return 0;
      });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return code;
}

async function init(dataDir: string, force: boolean, io: Io): Promise<number> {
  const written = writeDemoInstance(dataDir, { force, flowsDir: join(PACKAGE_ROOT, 'flows') });
  if (!written.written) {
    io.out(`${written.file} exists; leaving it as it is (--force to overwrite)`);
    return 0;
  }
  return withLine(dataDir, new VirtualClock(Date.now()), io, async (line) => {
    if (line.directory.count() === 0 || force) line.directory.importAll(demoCustomers(), new Date());
    io.out(`wrote the demo company ${line.definition.name} to ${written.file}`);
    io.out(`customers: ${line.directory.list().map((c) => `${c.customerNumber} ${c.name} → ${c.queue}`).join(', ')}`);
    const users = new SqliteUserStore(line.db);
    if (users.count() === 0) {
      // Demo users with generated passwords, kept readable only by the owner.
      const lines: string[] = [];
      const admin = generatePassword();
      await users.create({ username: 'admin', password: admin, role: 'admin' });
      lines.push(`admin\t${admin}\tadmin`);
      for (const a of line.definition.agents) {
        const pw = generatePassword();
        await users.create({ username: a.username, password: pw, role: 'agent', agentId: a.id });
        lines.push(`${a.username}\t${pw}\tagent ${a.id} (${a.name})`);
      }
      // The agents' SIP phones register as their extension.
      const phones = new SqlitePhoneStore(line.db);
      const realm = line.definition.telephony?.sip?.realm ?? 'chokutsu';
      for (const a of line.definition.agents) {
        if (!a.extension) continue;
        const pw = generatePassword();
        setPhonePassword(phones, { username: a.extension, agentId: a.id, realm, password: pw }, new Date());
        lines.push(`${a.extension}\t${pw}\tSIP phone of ${a.id}`);
      }
      const file = join(dataDir, 'demo-users.txt');
      writeFileSync(file, `# username\tpassword\trole\n${lines.join('\n')}\n`, { mode: 0o600 });
      io.out(`demo users and their passwords: ${file}`);
    }
    io.out('try: chokutsu call --at 2026-11-24T10:00:00+09:00 --keys "1001#"');
    return 0;
  });
}

async function serve(dataDir: string, host: string, port: number, io: Io): Promise<number> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`--port ${port}: a port number`);
    return 2;
  }
  let server: RunningServer;
  try {
    server = await startServer(dataDir, { host, port, log: (m) => io.err(m) });
  } catch (err) {
    if (err instanceof LineConfigError) {
      io.err(err.message);
      return 1;
    }
    io.err(`cannot start: ${(err as Error).message}`);
    return 1;
  }
  const d = server.services.line.definition;
  io.out(`${d.name}: the line is up at ${server.url} (API /api, events /api/events, Prometheus /metrics)`);
  io.out(`queues: ${d.queues.map((q) => `${q.name} (${q.agents.length} agents)`).join(', ')} · customers: ${server.services.line.directory.count()}`);
  const sip = d.telephony?.sip;
  if (server.sip) io.out(`SIP (UDP and TCP) on ${sip?.host ?? '127.0.0.1'}:${server.sip.port}: dial ${d.phoneNumbers[0]?.number ?? 'the line'} from a trunk in the definition; agents' phones register as their extension`);
  for (const w of server.services.line.warnings) io.err(`warning: ${w}`);
  io.out(`log in with a user from ${join(dataDir, 'demo-users.txt')}; place a test call: chokutsu call --server ${server.url} --user admin:PASSWORD --keys "1001#"`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  io.out('the line is down');
  return 0;
}

async function withLine(dataDir: string, clock: VirtualClock, io: Io, use: (line: Line) => Promise<number>): Promise<number> {
  let line: Line;
  try {
    line = await openLine(dataDir, { now: () => clock.now(), warn: (m) => io.err(`warning: ${m}`) });
  } catch (err) {
    if (err instanceof LineConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  try {
    return await use(line);
  } catch (err) {
    if (err instanceof KeyScriptError || err instanceof CsvImportError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  } finally {
    line.close();
  }
}

function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

function monthlyCostOf(line: Line, month: string): MonthlyCost {
  const { start, end } = monthBounds(month);
  const records = new SqliteContactStore(line.db).searchAll({ from: start, to: end });
  return monthlyCost(records, line.definition.rates ?? DEFAULT_RATES, month);
}

function formatCost(c: MonthlyCost): string {
  const usd = (n: number) => `${n.toFixed(4)} ${c.currency}`;
  const lines = [
    `cost report ${c.month}: ${c.contacts} contacts, ${c.billedMinutes} billed minutes`,
    `  on Amazon Connect: ${usd(c.connectCost)}`,
  ];
  if (c.selfHostedMonthly !== undefined) lines.push(`  self-hosted (this machine): ${usd(c.selfHostedMonthly)} a month`);
  for (const q of Object.values(c.byQueue)) lines.push(`  ${q.queueName}: ${q.contacts} contacts, ${q.billedMinutes} min, ${usd(q.connectCost)}`);
  return lines.join('\n');
}

async function checkFlowFile(file: string, dataDir: string, json: boolean, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    io.err(`cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  // References are checked against the instance in the data directory, when there is one.
  const definitionFile = findDefinitionFile(dataDir);
  const loaded = definitionFile ? loadInstance(definitionFile) : undefined;
  const check = checkFlowText(text, { id: basename(file), ...(loaded?.ok ? { resolver: instanceResolver(loaded.instance.definition) } : {}) });
  const unsupported = check.unsupportedTypes;
  if (json) {
    io.out(JSON.stringify({
      file, ok: check.problems.length === 0, runnable: check.flow !== undefined,
      actionTypes: Object.fromEntries(check.actionTypes), unsupportedTypes: unsupported, problems: check.problems,
    }, null, 2));
  } else {
    const types = [...check.actionTypes].map(([t, n]) => `${t}×${n}`).join(', ');
    io.out(`${file}: ${check.problems.length === 0 ? 'ok' : `${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}`}${types ? ` · actions: ${types}` : ''}`);
    for (const p of check.problems) io.out(`  ${formatFlowProblem(p)}`);
    if (unsupported.length > 0) io.out(`  not supported yet: ${unsupported.join(', ')} (supported: ${supportedActionTypes.length} types, see README)`);
  }
  return check.problems.length === 0 ? 0 : 1;
}
