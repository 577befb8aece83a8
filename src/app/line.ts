// Opens the line for a data directory: the instance definition, its flows (validated before any
// call), the SQLite store, the calendar and the functions. `call` and the server both start here.
import type Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HolidayCalendar } from '../calendar/calendar.ts';
import { SqliteClosureStore } from '../store/closures.ts';
import { IcalHolidayFeed } from '../store/holiday-feed.ts';
import { SqliteCustomerDirectory } from '../store/customers.ts';
import { lineNumberFor, type LineNumberResult } from '../directory/phone-number.ts';
import type { Flow } from '../flow/types.ts';
import { checkFlowText, type FlowProblem } from '../flow/validate.ts';
import { createCustomerLookup } from '../functions/customer-lookup.ts';
import { createHolidayCheck } from '../functions/holiday-check.ts';
import { FunctionMappingError, resolveHandlers, type ResolvedFunction } from '../functions/invoke.ts';
import { resourceArn } from '../instance/arn.ts';
import { instanceCatalog, instanceResolver, type InstanceCatalog } from '../instance/catalog.ts';
import { loadInstance, type InstanceProblem } from '../instance/load.ts';
import type { InstanceDefinition } from '../instance/types.ts';
import { openDatabase } from '../store/database.ts';

export const DEFINITION_FILES = ['chokutsu.yaml', 'chokutsu.yml', 'chokutsu.json'];

export interface Line {
  dataDir: string;
  definitionFile: string;
  definition: InstanceDefinition;
  catalog: InstanceCatalog;
  db: Database.Database;
  directory: SqliteCustomerDirectory;
  closures: SqliteClosureStore;
  calendar: HolidayCalendar;
  functions: Map<string, ResolvedFunction>;
  /** Warnings found while loading (unreachable actions, unresolved references …). */
  warnings: string[];
  /** Which of the line's numbers `dialed` is (E.164), however it was written; else why not. */
  lineNumber(dialed: string): LineNumberResult;
  /** The flow a call to `dialed` runs (its number's flow); without a number, the first number's. Throws UnknownNumberError. */
  entryFlow(dialed?: string): Flow;
  /** Runs from now on by an edited definition (written by src/instance/edit.ts): its flows are checked and the catalog rebuilt. Throws LineConfigError. */
  redefine(definition: InstanceDefinition): void;
  close(): void;
}

/** A call to a number the line does not have (Connect: each claimed number has its flow). */
export class UnknownNumberError extends Error {
  constructor(readonly dialed: string, message: string) {
    super(message);
    this.name = 'UnknownNumberError';
  }
}

/** Why the line cannot open; every problem is listed. */
export class LineConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'LineConfigError';
  }
}

export interface OpenLineOptions {
  /** The clock functions see; a test call passes its virtual clock. */
  now: () => Date;
  warn?: (message: string) => void;
}

export function findDefinitionFile(dataDir: string): string | undefined {
  return DEFINITION_FILES.map((f) => join(dataDir, f)).find((f) => existsSync(f));
}

export async function openLine(dataDir: string, options: OpenLineOptions): Promise<Line> {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const file = findDefinitionFile(dataDir);
  if (!file) throw new LineConfigError(resolve(dataDir), [`no instance definition (${DEFINITION_FILES.join(', ')}); run \`chokutsu init\``]);
  const loaded = loadInstance(file);
  if (!loaded.ok) throw new LineConfigError(file, loaded.problems.map(formatInstanceProblem));
  const { definition: def, dir } = loaded.instance;

  // Flows first, each validated against the instance.
  let { flows, warnings } = loadFlows(def, dir, file);
  let catalog = instanceCatalog(def, flows);

  const db = openDatabase(dataDir);
  try {
    const directory = new SqliteCustomerDirectory(db);
    const closures = new SqliteClosureStore(db);
    closures.replaceFromDefinition(def.closures);
    const feed = def.holidays?.icalUrl
      ? new IcalHolidayFeed({
          url: def.holidays.icalUrl,
          cacheFile: join(dataDir, 'cache', 'holidays-ical.json'),
          cacheHours: def.holidays.icalCacheHours ?? 24,
          fetch: (url) => fetch(url, { signal: AbortSignal.timeout(5000) }),
          now: options.now,
          warn,
        })
      : undefined;
    const calendar = new HolidayCalendar({ timeZone: def.timeZone, closures: () => closures.list(), ...(feed ? { feed } : {}) });
    const builtIns = {
      'holiday-check': createHolidayCheck({ calendar, now: options.now }),
      'customer-lookup': createCustomerLookup({ directory, queues: def.queues }),
    };
    let functions: Map<string, ResolvedFunction>;
    try {
      functions = await resolveHandlers(def.functions, builtIns, dir);
    } catch (err) {
      if (err instanceof FunctionMappingError) throw new LineConfigError(file, [`functions: ${err.arn}: ${err.message}`]);
      throw err;
    }
    let byNumber = new Map(def.phoneNumbers.map((p) => [p.number, p.flow]));
    const lineNumber = (dialed: string): LineNumberResult => lineNumberFor(dialed, [...byNumber.keys()]);
    const line: Line = {
      dataDir, definitionFile: file, definition: def, catalog, db, directory, closures, calendar, functions, warnings,
      lineNumber,
      entryFlow(dialed) {
        let ref = line.definition.phoneNumbers[0]?.flow;
        if (dialed !== undefined) {
          const found = lineNumber(dialed);
          if (!found.ok) throw new UnknownNumberError(dialed, found.message);
          ref = byNumber.get(found.number);
        }
        const flow = (ref !== undefined ? catalog.flow(ref) : undefined) ?? flows[0];
        if (!flow) throw new LineConfigError(file, ['the instance has no flows']);
        return flow;
      },
      redefine(next) {
        ({ flows, warnings } = loadFlows(next, dir, file));
        catalog = instanceCatalog(next, flows);
        byNumber = new Map(next.phoneNumbers.map((p) => [p.number, p.flow]));
        line.definition = next;
        line.catalog = catalog;
        line.warnings = warnings;
      },
      close: () => db.close(),
    };
    return line;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The definition's flows, each validated against the instance; throws LineConfigError listing every error. */
function loadFlows(def: InstanceDefinition, dir: string, file: string): { flows: Flow[]; warnings: string[] } {
  const resolver = instanceResolver(def);
  const flows: Flow[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const ref of def.flows) {
    const path = resolve(dir, ref.file);
    const check = checkFlowText(readFileSync(path, 'utf8'), { id: ref.id, name: ref.name, arn: resourceArn(def, 'contact-flow', ref.id), resolver, type: ref.type ?? 'CONTACT_FLOW' });
    for (const p of check.problems) (p.severity === 'error' ? problems : warnings).push(`${ref.file}: ${formatFlowProblem(p)}`);
    if (check.flow) flows.push(check.flow);
  }
  if (problems.length > 0) throw new LineConfigError(file, problems);
  return { flows, warnings };
}

export function formatFlowProblem(p: FlowProblem): string {
  return `${p.severity} ${p.code}${p.actionId !== undefined ? ` [${p.actionId}]` : ''} at ${p.path}: ${p.message}`;
}

function formatInstanceProblem(p: InstanceProblem): string {
  return `${p.path}${p.line !== undefined ? ` (line ${p.line})` : ''}: ${p.message}`;
}
