// Loads an instance definition: parse (YAML or JSON), validate against schema.json, then check
// that every reference resolves. All problems are collected so one edit fixes them all.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import schema from './schema.json' with { type: 'json' };
import type { InstanceDefinition } from './types.ts';

export interface InstanceProblem {
  /** JSON pointer into the definition, e.g. "/queues/1/agents/0/agent"; "" for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

export interface LoadedInstance {
  definition: InstanceDefinition;
  /** Absolute path of the definition file. */
  file: string;
  /** Directory the definition's relative paths (flows, handler modules) resolve against. */
  dir: string;
}

export type InstanceLoadResult = { ok: true; instance: LoadedInstance } | { ok: false; problems: InstanceProblem[] };

export const instanceSchema = schema;

const validate = new Ajv({ allErrors: true, strict: true }).compile<InstanceDefinition>(schema);

export function loadInstance(file: string): InstanceLoadResult {
  const absolute = resolve(file);
  const ext = extname(absolute).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  if (format === undefined) {
    return { ok: false, problems: [{ path: '', message: `${absolute}: expected a .yaml, .yml or .json file` }] };
  }
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `cannot read ${absolute}: ${(err as Error).message}` }] };
  }
  return parseInstance(text, format, dirname(absolute), absolute);
}

/** Like loadInstance, from text. `file` (for reports) defaults to chokutsu.<format> in `dir`. */
export function parseInstance(text: string, format: 'yaml' | 'json', dir: string, file?: string): InstanceLoadResult {
  const absoluteDir = resolve(dir);
  const absoluteFile = file ?? resolve(absoluteDir, format === 'json' ? 'chokutsu.json' : 'chokutsu.yaml');

  const lineCounter = new LineCounter();
  // JSON is YAML 1.2, so the YAML document also gives line numbers for JSON files.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  let data: unknown;
  if (format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      return { ok: false, problems: [{ path: '', message: `invalid JSON: ${(err as Error).message}` }] };
    }
  } else {
    if (doc.errors.length > 0) {
      return {
        ok: false,
        problems: doc.errors.map((e) => {
          const { line, col } = lineCounter.linePos(e.pos[0]);
          return { path: '', line, message: `YAML syntax error at line ${line}, column ${col}: ${e.message}` };
        }),
      };
    }
    data = doc.toJS();
  }

  const fail = (problems: InstanceProblem[]): InstanceLoadResult => ({
    ok: false,
    problems: problems.map((p) => withLine(p, doc, lineCounter)),
  });
  // References are checked only on a definition of the right shape; shape errors come first.
  if (!validate(data)) return fail((validate.errors ?? []).map(fromAjv));
  const problems = crossReferenceProblems(data, absoluteDir);
  if (problems.length > 0) return fail(problems);
  return { ok: true, instance: { definition: data, file: absoluteFile, dir: absoluteDir } };
}

const PATTERN_HINTS: Record<string, string> = {
  '#/definitions/e164/pattern': 'must be an E.164 number such as +81501234567',
  '#/definitions/closureDate/pattern': 'must be a date YYYY-MM-DD, or MM-DD for every year',
  '#/definitions/timeZone/pattern': 'must be an IANA time zone such as Asia/Tokyo',
  '#/definitions/id/pattern': "must be an id of letters, digits, '-' and '_'",
};

function fromAjv(e: ErrorObject): InstanceProblem {
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { path: pointer(e.instancePath, missing), message: `${missing} is required` };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: pointer(e.instancePath, extra), message: `unknown property ${extra}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { path: e.instancePath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    default:
      return { path: e.instancePath, message: PATTERN_HINTS[e.schemaPath] ?? e.message ?? e.keyword };
  }
}

/** Appends escaped segments to a JSON pointer (RFC 6901: "~" → "~0", "/" → "~1"). */
function pointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function withLine(problem: InstanceProblem, doc: Document, lineCounter: LineCounter): InstanceProblem {
  if (problem.line !== undefined || problem.path === '') return problem;
  const segments = problem.path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  // A missing property has no node: fall back to the nearest ancestor that exists.
  for (let n = segments.length; n > 0; n--) {
    const node: unknown = doc.getIn(segments.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return { ...problem, line: lineCounter.linePos(range[0]).line };
  }
  return problem;
}

function crossReferenceProblems(def: InstanceDefinition, dir: string): InstanceProblem[] {
  const problems: InstanceProblem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  const unique = <T>(list: T[], listPath: string, field: keyof T & string, what: string): void => {
    const seen = new Map<unknown, number>();
    list.forEach((item, i) => {
      const value = item[field];
      if (value === undefined) return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, i);
      else report(pointer(listPath, i, field), `duplicate ${what} ${JSON.stringify(value)} (first at ${pointer(listPath, first)})`);
    });
  };
  unique(def.phoneNumbers, '/phoneNumbers', 'number', 'phone number');
  unique(def.hoursOfOperation, '/hoursOfOperation', 'id', 'hours of operation id');
  unique(def.routingProfiles, '/routingProfiles', 'id', 'routing profile id');
  unique(def.agents, '/agents', 'id', 'agent id');
  unique(def.agents, '/agents', 'username', 'username');
  unique(def.agents, '/agents', 'extension', 'extension');
  unique(def.queues, '/queues', 'id', 'queue id');
  unique(def.queues, '/queues', 'name', 'queue name');
  unique(def.prompts, '/prompts', 'id', 'prompt id');
  unique(def.functions, '/functions', 'arn', 'function ARN');
  unique(def.flows, '/flows', 'id', 'flow id');
  // Phone numbers name their flow by id or name, so a name must be unambiguous.
  unique(def.flows, '/flows', 'name', 'flow name');

  checkTimeZone(def.timeZone, '/timeZone', report);
  const hoursIds = new Set(def.hoursOfOperation.map((h) => h.id));
  def.hoursOfOperation.forEach((h, i) => {
    if (h.timeZone !== undefined) checkTimeZone(h.timeZone, pointer('/hoursOfOperation', i, 'timeZone'), report);
  });

  const profileIds = new Set(def.routingProfiles.map((p) => p.id));
  def.agents.forEach((a, i) => {
    if (a.routingProfile !== undefined && !profileIds.has(a.routingProfile)) {
      report(pointer('/agents', i, 'routingProfile'), `no routing profile with id ${JSON.stringify(a.routingProfile)}`);
    }
    // One level per attribute value: a second entry would leave the router to pick one.
    const held = new Map<string, number>();
    (a.proficiencies ?? []).forEach((p, j) => {
      const key = `${p.attributeName}\u0000${p.attributeValue}`;
      const first = held.get(key);
      if (first === undefined) held.set(key, j);
      else report(pointer('/agents', i, 'proficiencies', j), `${p.attributeName}=${p.attributeValue} is listed twice (first at ${pointer('/agents', i, 'proficiencies', first)})`);
    });
  });

  const agentIds = new Set(def.agents.map((a) => a.id));
  const queueIds = new Set(def.queues.map((q) => q.id));
  def.queues.forEach((q, i) => {
    const at = pointer('/queues', i);
    if (!hoursIds.has(q.hoursOfOperation)) {
      report(pointer(at, 'hoursOfOperation'), `no hours of operation with id ${JSON.stringify(q.hoursOfOperation)}`);
    }
    const members = new Set<string>();
    const ranks = new Set<number>();
    q.agents.forEach((m, j) => {
      if (!agentIds.has(m.agent)) report(pointer(at, 'agents', j, 'agent'), `no agent with id ${JSON.stringify(m.agent)}`);
      else if (members.has(m.agent)) report(pointer(at, 'agents', j, 'agent'), `agent ${JSON.stringify(m.agent)} is listed twice`);
      members.add(m.agent);
      if (ranks.has(m.rank)) report(pointer(at, 'agents', j, 'rank'), `rank ${m.rank} is used twice in queue ${JSON.stringify(q.id)}`);
      ranks.add(m.rank);
    });
    if (q.overflow !== undefined) {
      if (q.overflow.queue === q.id) report(pointer(at, 'overflow', 'queue'), 'a queue cannot overflow to itself');
      else if (!queueIds.has(q.overflow.queue)) report(pointer(at, 'overflow', 'queue'), `no queue with id ${JSON.stringify(q.overflow.queue)}`);
    }
  });

  def.prompts.forEach((p, i) => {
    if (p.file === undefined && p.text === undefined) report(pointer('/prompts', i), 'a prompt needs a file or a text');
  });

  def.functions.forEach((f, i) => {
    const at = pointer('/functions', i);
    if (f.handler.startsWith('.') && !existsSync(resolve(dir, f.handler))) {
      report(pointer(at, 'handler'), `handler module not found: ${resolve(dir, f.handler)}`);
    }
  });

  const flowKeys = new Set(def.flows.flatMap((f) => [f.id, f.name]));
  def.phoneNumbers.forEach((n, i) => {
    if (!flowKeys.has(n.flow)) report(pointer('/phoneNumbers', i, 'flow'), `no flow with id or name ${JSON.stringify(n.flow)}`);
  });
  def.flows.forEach((f, i) => {
    if (!existsSync(resolve(dir, f.file))) report(pointer('/flows', i, 'file'), `flow file not found: ${resolve(dir, f.file)}`);
  });

  const outbound = (def.telephony?.trunks ?? []).flatMap((t, i) => (t.outbound ? [{ t, i }] : []));
  for (const { i } of outbound.slice(1)) {
    report(pointer('/telephony/trunks', i, 'outbound'), `only one trunk dials out; trunk ${JSON.stringify(outbound[0]?.t.name)} already has outbound`);
  }
  for (const { t, i } of outbound) {
    if ((t.outbound?.username === undefined) !== (t.outbound?.password === undefined)) {
      report(pointer('/telephony/trunks', i, 'outbound'), 'outbound digest credentials need both username and password');
    }
  }

  def.closures.forEach((c, i) => {
    for (const problem of closureProblems(c.from, c.to)) report(pointer('/closures', i, problem.field), problem.message);
  });

  return problems;
}

function checkTimeZone(zone: string, path: string, report: (path: string, message: string) => void): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    report(path, `unknown time zone ${JSON.stringify(zone)}`);
  }
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ANNUAL_DATE = /^(\d{2})-(\d{2})$/;

/** from/to are both YYYY-MM-DD (once, from ≤ to) or both MM-DD (every year; may wrap over New Year). */
function closureProblems(from: string, to: string): { field: 'from' | 'to'; message: string }[] {
  const problems: { field: 'from' | 'to'; message: string }[] = [];
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (!isCalendarDate(value)) problems.push({ field, message: `${value} is not a date in the calendar` });
  }
  if (problems.length > 0) return problems;
  if (FULL_DATE.test(from) !== FULL_DATE.test(to)) {
    return [{ field: 'to', message: 'from and to must both be YYYY-MM-DD or both MM-DD' }];
  }
  if (FULL_DATE.test(from) && from > to) return [{ field: 'to', message: `closure ends (${to}) before it starts (${from})` }];
  return [];
}

function isCalendarDate(value: string): boolean {
  const full = FULL_DATE.exec(value);
  const annual = ANNUAL_DATE.exec(value);
  // MM-DD is checked against a leap year so 02-29 is allowed.
  const [year, month, day] = full ? [Number(full[1]), Number(full[2]), Number(full[3])] : annual ? [2000, Number(annual[1]), Number(annual[2])] : [NaN, NaN, NaN];
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
