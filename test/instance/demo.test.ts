import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseConnectArn } from '../../src/instance/arn.ts';
import { demoCustomers, demoDefinition, SHIPPED_FLOWS_DIR } from '../../src/instance/demo.ts';

describe('the demo company', () => {
  test('defines every hours, queue and function the shipped flow refers to', () => {
    const def = demoDefinition();
    const flow = readFileSync(join(import.meta.dirname, '../../flows/direct-line.json'), 'utf8');
    const connectArns = [...flow.matchAll(/arn:aws:connect:[^"]+/g)].map((m) => m[0]);
    assert.ok(connectArns.length > 0);
    for (const arn of connectArns) {
      const parsed = parseConnectArn(arn);
      assert.ok(parsed?.kind !== undefined, arn);
      const ids = parsed.kind === 'queue' ? def.queues.map((q) => q.id)
        : parsed.kind === 'operating-hours' ? def.hoursOfOperation.map((h) => h.id)
        : parsed.kind === 'contact-flow' ? def.flows.map((f) => f.id) : [];
      assert.ok(ids.includes(parsed.id ?? ''), `${arn} has no match in the demo definition`);
    }
    const lambdaArns = new Set([...flow.matchAll(/arn:aws:lambda:[^"]+/g)].map((m) => m[0]));
    assert.deepEqual(lambdaArns, new Set(def.functions.map((f) => f.arn)));
  });

  test('routes each demo customer to a queue that exists', () => {
    const queueIds = new Set(demoDefinition().queues.map((q) => q.id));
    assert.deepEqual(
      demoCustomers().map((c) => [c.customerNumber, c.queue]),
      [['1001', 'project-sakura'], ['1002', 'project-fuji'], ['1003', 'project-sakura']],
    );
    for (const c of demoCustomers()) assert.ok(queueIds.has(c.queue));
  });

  test('runs flows that are shipped with chokutsu', () => {
    assert.equal(SHIPPED_FLOWS_DIR, join(import.meta.dirname, '../../flows'));
    for (const f of demoDefinition().flows) assert.ok(existsSync(join(SHIPPED_FLOWS_DIR, basename(f.file))), f.file);
  });
});
