import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { demoCustomers, writeDemoInstance } from '../../src/instance/demo.ts';
import type { InstanceDefinition } from '../../src/instance/types.ts';
import { openLine, type Line } from '../../src/app/line.ts';
import { runTextCall, VirtualClock, type TextCallOptions, type TextCallResult } from '../../src/runtime/text-call.ts';

export const FLOWS_DIR = resolve(import.meta.dirname, '..', '..', 'flows');

/** A data directory holding the demo company, optionally edited. */
export function demoDataDir(edit?: (def: InstanceDefinition, dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
  const { file } = writeDemoInstance(dir, { force: false, flowsDir: FLOWS_DIR });
  if (edit) {
    const def = parse(readFileSync(file, 'utf8')) as InstanceDefinition;
    edit(def, dir);
    writeFileSync(file, stringify(def));
  }
  return dir;
}

export async function openDemoLine(dir: string, clock: VirtualClock): Promise<Line> {
  const line = await openLine(dir, { now: () => clock.now(), warn: () => {} });
  if (line.directory.count() === 0) line.directory.importAll(demoCustomers(), clock.now());
  return line;
}

/** One call to the demo line at a local Tokyo time. */
export async function callAt(
  dir: string, at: string, keys: string, extra: Partial<TextCallOptions> = {},
): Promise<{ result: TextCallResult; line: Line }> {
  const clock = new VirtualClock(Date.parse(at));
  const line = await openDemoLine(dir, clock);
  try {
    const result = await runTextCall({
      catalog: line.catalog, flow: line.entryFlow(), clock, functions: line.functions, keys,
      customerAddress: '+819012345678', systemAddress: line.definition.phoneNumbers[0]?.number ?? '', ...extra,
    });
    return { result, line };
  } finally {
    line.close();
  }
}

export const actionsTaken = (r: TextCallResult): string[] => r.state.path.map((p) => p.actionId);
export const promptsHeard = (r: TextCallResult): string[] => r.state.path.flatMap((p) => (p.detail['text'] !== undefined ? [p.detail['text']] : []));
