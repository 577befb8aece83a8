// The chokutsu command. Each subcommand opens what it needs and reports problems with their context.
import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvImportError, formatCustomersCsv, parseCustomersCsv } from '../directory/csv.ts';
import { supportedActionTypes } from '../flow/action-specs.ts';
import { resolverFor } from '../flow/catalog.ts';
import { checkFlowText, type FlowCheck } from '../flow/validate.ts';
import { resourceArn } from '../instance/arn.ts';
import { demoCustomers, writeDemoInstance } from '../instance/demo.ts';
import { findDefinitionFile, formatFlowProblem, LineConfigError, openLine, type Line } from '../runtime/line.ts';
import { KeyScriptError, runTextCall, VirtualClock } from '../runtime/text-call.ts';
import { callReport, formatCallText } from './format-call.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Output sinks, so tests can run the command in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

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
    .action(async (_opts: unknown, cmd: Command) => {
      const dataDir = dataDirOf(cmd);
      if (!findDefinitionFile(dataDir)) {
        code = await init(dataDir, false, io);
        if (code !== 0) return;
      }
      code = await withLine(dataDir, new VirtualClock(Date.now()), io, async (line) => {
        describeLine(line, io);
        return 0;
      });
    });

  program.command('call')
    .description('walk one contact through the flow with a text channel')
    .option('--at <iso-time>', 'when the call happens (default: now)')
    .option('--from <number>', "the caller's number", '+819012345678')
    .option('--to <number>', 'the number dialed (default: the line\'s first number)')
    .option('--keys <keys>', 'keys the caller presses: 0-9 * # A-D, and , to stay silent until a timeout', '')
    .option('--json', 'print the contact as JSON')
    .action(async (opts: { at?: string; from: string; to?: string; keys: string; json?: boolean }, cmd: Command) => {
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
        const known = new Set(line.definition.queues.flatMap((q) => [q.id, q.name]));
        const parsed = parseCustomersCsv(text, { knownQueues: known });
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
    io.out('try: chokutsu call --at 2026-11-24T10:00:00+09:00 --keys "1001#"');
    return 0;
  });
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

function describeLine(line: Line, io: Io): void {
  const d = line.definition;
  io.out(`${d.name}: ${d.phoneNumbers.map((p) => `${p.number} → ${p.flow}`).join(', ')}`);
  io.out(`queues: ${d.queues.map((q) => `${q.name} (${q.agents.length} agents)`).join(', ')}`);
  io.out(`customers: ${line.directory.count()} · closures: ${line.closures.list().length} · time zone ${d.timeZone}`);
  for (const w of line.warnings) io.err(`warning: ${w}`);
  io.out('flows validated. Place a test call: chokutsu call --keys "1001#"');
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
  let check: FlowCheck;
  const definitionFile = findDefinitionFile(dataDir);
  if (definitionFile && existsSync(definitionFile)) {
    const { loadInstance } = await import('../instance/load.ts');
    const { instanceCatalog } = await import('../instance/catalog.ts');
    const loaded = loadInstance(definitionFile);
    if (loaded.ok) {
      const def = loaded.instance.definition;
      const refs = new Set(def.flows.flatMap((f) => [f.id, f.name, resourceArn(def, 'contact-flow', f.id)]));
      const resolver = resolverFor(instanceCatalog(def, []), (r) => refs.has(r), new Set(def.functions.map((f) => f.arn)));
      check = checkFlowText(text, { id: basename(file), resolver });
    } else {
      check = checkFlowText(text, { id: basename(file) });
    }
  } else {
    check = checkFlowText(text, { id: basename(file) });
  }
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
