// Property tests (fast-check, seeded, bounded): whatever bytes reach the flow loader, the customer
// CSV importer or the instance definition loader, the answer is a list of problems, never a throw.
// Flows are random mutations of real ones (the shipped flows and flows exported from Amazon Connect).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkFlowText } from '../../src/flow/validate.ts';
import { parseCustomersCsv } from '../../src/directory/csv.ts';
import { parseInstance } from '../../src/instance/load.ts';
import { demoDefinition } from '../../src/instance/demo.ts';
import { stringify } from 'yaml';

const RUNS = { numRuns: 200, seed: 4475 };
const ROOT = resolve(import.meta.dirname, '..', '..');

function jsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? jsonFiles(p) : n.endsWith('.json') ? [p] : [];
    });
  } catch {
    return [];
  }
}

/** Some exported flows are not JSON as published; those are left to the text property. */
const FLOWS = [...jsonFiles(join(ROOT, 'flows')), ...jsonFiles('/work/shared/connect-flows')].flatMap((f) => {
  try {
    return [JSON.parse(readFileSync(f, 'utf8')) as unknown];
  } catch {
    return [];
  }
});

/** A random edit somewhere in a JSON document: replace, delete or add a value at a random path. */
function mutate(doc: unknown, picks: number[], replacement: unknown): unknown {
  const copy = structuredClone(doc);
  let node: unknown = copy;
  for (const pick of picks) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[pick % keys.length] as string;
    const child = (node as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object' || pick % 3 === 0) {
      if (pick % 5 === 0 && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
      else (node as Record<string, unknown>)[key] = replacement;
      return copy;
    }
    node = child;
  }
  return replacement;
}

const jsonValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', 'Disconnect', 'nope', '$.External.x', null, [], {}, -1, 1e308));

test('flow loader: a mutated real flow gives problems with a path, never a throw', () => {
  assert.ok(FLOWS.length >= 3, 'real flows to mutate');
  fc.assert(fc.property(fc.nat({ max: FLOWS.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), jsonValue, (i, picks, value) => {
    const check = checkFlowText(JSON.stringify(mutate(FLOWS[i], picks, value)), { id: 'fuzz' });
    for (const p of check.problems) assert.ok(typeof p.message === 'string' && p.message.length > 0 && typeof p.path === 'string');
    assert.ok(check.flow !== undefined || check.problems.some((p) => p.severity === 'error'), 'no flow comes with an error saying why');
  }), RUNS);
});

test('flow loader: arbitrary text (cut real flows, random strings) is a problem list', () => {
  const texts = FLOWS.map((f) => JSON.stringify(f));
  fc.assert(fc.property(fc.oneof(fc.string(), fc.nat().map((n) => { const t = texts[n % texts.length] as string; return t.slice(0, n % t.length); })), (text) => {
    const check = checkFlowText(text, { id: 'fuzz' });
    assert.ok(check.flow !== undefined || check.problems.length > 0);
  }), RUNS);
});

test('customer CSV importer: random rows give every problem with its line, never a throw', () => {
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('1001', '"q"', '""', '="1"', 'project-sakura', '\u3042', '\r', '\n', ','));
  const row = fc.array(cell, { minLength: 0, maxLength: 5 }).map((cells) => cells.join(','));
  fc.assert(fc.property(fc.boolean(), fc.array(row, { maxLength: 8 }), (header, rows) => {
    const text = [...(header ? ['customer_number,name,queue'] : []), ...rows].join('\n');
    const result = parseCustomersCsv(text, { knownQueues: new Set(['project-sakura']) });
    if (!result.ok) {
      assert.ok(result.errors.length > 0);
      for (const e of result.errors) assert.ok(typeof e.message === 'string' && e.message.length > 0 && Number.isInteger(e.line));
    }
  }), RUNS);
});

test('instance definition loader: a mutated demo definition gives problems, never a throw', () => {
  const demo = JSON.parse(JSON.stringify(demoDefinition())) as unknown;
  fc.assert(fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), jsonValue, fc.boolean(), (picks, value, yaml) => {
    const doc = mutate(demo, picks, value);
    const text = yaml ? stringify(doc) : JSON.stringify(doc);
    const result = parseInstance(text, yaml ? 'yaml' : 'json', ROOT);
    if (!result.ok) for (const p of result.problems) assert.ok(typeof p.message === 'string' && p.message.length > 0);
  }), RUNS);
});
