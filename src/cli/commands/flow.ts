// `chokutsu flow check FILE`: every problem of a flow, with its action Identifier and JSON path.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { findDefinitionFile, formatFlowProblem } from '../../app/line.ts';
import { supportedActionTypes } from '../../flow/action-specs.ts';
import { CONTACT_FLOW_TYPES, type FlowType } from '../../flow/types.ts';
import { checkFlowText, checkPasses, type FlowCheck } from '../../flow/validate.ts';
import { instanceResolver } from '../../instance/catalog.ts';
import { loadInstance } from '../../instance/load.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';

export function registerFlow(program: Command, ctx: CliContext): void {
  const flow = program.command('flow').description('contact flows');
  flow.command('check')
    .description('validate a flow: every problem with the action Identifier and a JSON path')
    .argument('<file>', 'Flow Language JSON')
    .option('--json', 'print the result as JSON')
    .option('--strict', 'fail on placeholders and other instances\' ARNs too')
    .option('--type <type>', `the flow's type, each action must be allowed in it (${FLOW_TYPES.join(', ')}); default: the type the instance definition gives this file, if it lists it`)
    .action(async (file: string, opts: { json?: boolean; strict?: boolean; type?: string }, cmd: Command) => {
      if (opts.type !== undefined && !isFlowType(opts.type)) {
        ctx.io.err(`--type ${opts.type}: one of ${FLOW_TYPES.join(', ')}`);
        ctx.exitCode = 2;
        return;
      }
      ctx.exitCode = checkFlowFile(file, ctx.dataDir(cmd), { json: opts.json === true, strict: opts.strict === true, ...(opts.type !== undefined ? { type: opts.type } : {}) }, ctx.io);
    });
}

const FLOW_TYPES: readonly FlowType[] = [...CONTACT_FLOW_TYPES, 'module'];
const isFlowType = (t: string): t is FlowType => (FLOW_TYPES as readonly string[]).includes(t);

function checkFlowFile(file: string, dataDir: string, { json, strict, type }: { json: boolean; strict: boolean; type?: FlowType }, io: Io): number {
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
  const def = loaded?.ok ? loaded.instance.definition : undefined;
  // A file the definition lists has the type it gives there; a lone export has none unless --type says.
  const listed = loaded?.ok ? def?.flows.find((f) => resolve(loaded.instance.dir, f.file) === resolve(file)) : undefined;
  const flowType = type ?? (listed ? listed.type ?? 'CONTACT_FLOW' : undefined);
  const check = checkFlowText(text, { id: basename(file), ...(def ? { resolver: instanceResolver(def) } : {}), ...(flowType !== undefined ? { type: flowType } : {}) });
  if (json) printJson(file, check, io);
  else printText(file, check, io);
  return checkPasses(check, strict) ? 0 : 1;
}

function printJson(file: string, check: FlowCheck, io: Io): void {
  io.out(JSON.stringify({
    file, ok: check.problems.length === 0, runnable: check.flow !== undefined,
    actionTypes: Object.fromEntries(check.actionTypes), unsupportedTypes: check.unsupportedTypes, problems: check.problems,
  }, null, 2));
}

function printText(file: string, check: FlowCheck, io: Io): void {
  const n = check.problems.length;
  const types = [...check.actionTypes].map(([t, count]) => `${t}×${count}`).join(', ');
  io.out(`${file}: ${n === 0 ? 'ok' : `${n} problem${n === 1 ? '' : 's'}`}${types ? ` · actions: ${types}` : ''}`);
  for (const p of check.problems) io.out(`  ${formatFlowProblem(p)}`);
  const unsupported = check.unsupportedTypes;
  if (unsupported.length > 0) io.out(`  known, not supported here: ${unsupported.join(', ')} (supported: ${supportedActionTypes.length} types, see docs/flow-language.md)`);
}
