import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { demoCustomers, writeDemoInstance } from '../../src/instance/demo.ts';
import type { InstanceDefinition } from '../../src/instance/types.ts';
import { openLine, type Line } from '../../src/app/line.ts';
import { runTextCall, VirtualClock, type TextCallOptions, type TextCallResult } from '../../src/runtime/text-call.ts';
import { createLineServices, type LineServices } from '../../src/app/services.ts';
import type { Scheduler } from '../../src/runtime/scheduler.ts';
import { SimulatedCaller } from '../../src/server/simulated-caller.ts';

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

/** Timers that fire only when the test moves time on. */
export class ManualTime implements Scheduler {
  now = Date.parse('2026-11-24T10:00:00+09:00');
  private timers = new Map<string, { due: number; fn: () => void }>();
  set(id: string, ms: number, fn: () => void): void {
    this.timers.set(id, { due: this.now + Math.max(0, ms), fn });
  }
  clear(id: string): void {
    this.timers.delete(id);
  }
  clearAll(): void {
    this.timers.clear();
  }
  /** Runs every timer due within `ms`, in time order (bounded). */
  advance(ms: number): void {
    const until = this.now + ms;
    for (let n = 0; n < 100_000; n++) {
      let next: [string, { due: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].due <= until && (!next || e[1].due < next[1].due)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].due);
      next[1].fn();
    }
    this.now = until;
  }
}

export async function line(edit?: Parameters<typeof demoDataDir>[0]): Promise<{ s: LineServices; time: ManualTime }> {
  const time = new ManualTime();
  const s = await createLineServices(demoDataDir(edit), { clock: { now: () => time.now }, scheduler: time, log: () => {} });
  s.line.directory.importAll(demoCustomers(), new Date(time.now));
  return { s, time };
}

export function dial(s: LineServices, time: ManualTime, keys: string, promptMs = 2000, to = '+81501234567'): SimulatedCaller {
  const caller = new SimulatedCaller(() => s.center, time, { now: () => time.now }, promptMs);
  caller.contactId = s.newContactId();
  caller.press(keys);
  s.center.startContact(caller, { contactId: caller.contactId, from: '+819011112222', to });
  return caller;
}

/** Lets function invocations (promises) settle, then moves time on. */
export async function settle(time: ManualTime, ms = 0): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    time.advance(i === 0 ? ms : 0);
  }
}

export async function waitForQueue(s: LineServices, time: ManualTime, contactId: string): Promise<void> {
  for (let i = 0; i < 100 && s.center.contact(contactId)?.phase === 'flow'; i++) await settle(time, 1000);
}
