import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceArn } from '../../src/instance/arn.ts';
import { instanceCatalog } from '../../src/instance/catalog.ts';
import { demoDefinition } from '../../src/instance/demo.ts';

describe('the instance catalog a flow runs against', () => {
  const def = demoDefinition();
  const catalog = instanceCatalog(def, []);

  test('answers whether hours of operation are open, in the instance time zone', () => {
    const hours = catalog.hoursOfOperation('business-hours');
    assert.ok(hours);
    assert.equal(hours.arn, resourceArn(def, 'operating-hours', 'business-hours'));
    assert.equal(hours.isOpen(Date.parse('2026-11-24T09:00:00+09:00')), true, 'Tuesday 09:00 in Tokyo');
    assert.equal(hours.isOpen(Date.parse('2026-11-24T08:59:00+09:00')), false, 'Tuesday 08:59 in Tokyo');
    assert.equal(hours.isOpen(Date.parse('2026-11-24T01:00:00Z')), true, '10:00 in Tokyo is 01:00 UTC');
  });

  test('an hours of operation with its own time zone keeps it', () => {
    const withZone = demoDefinition();
    withZone.hoursOfOperation = withZone.hoursOfOperation.map((h) => ({ ...h, timeZone: 'America/New_York' }));
    const hours = instanceCatalog(withZone, []).hoursOfOperation('business-hours');
    assert.equal(hours?.isOpen(Date.parse('2026-11-24T10:00:00-05:00')), true, 'Tuesday 10:00 in New York');
    assert.equal(hours?.isOpen(Date.parse('2026-11-24T10:00:00+09:00')), false, 'Monday 20:00 in New York');
  });

  test('finds an agent queue by `agent:<id>` or the agent ARN, and tells whose it is', () => {
    const arn = resourceArn(def, 'agent', 'sato');
    for (const ref of ['agent:sato', arn]) {
      assert.deepEqual(catalog.queue(ref), { id: 'agent:sato', arn, name: '佐藤 花子', agentId: 'sato' }, ref);
    }
    assert.equal(catalog.queue('sato'), undefined, 'a bare agent id is not a queue reference');
    assert.equal(catalog.queue('general')?.agentId, undefined, 'a standard queue belongs to no agent');
  });

  test('finds an agent queue by the agent id or ARN (CheckMetricData AgentId)', () => {
    assert.equal(catalog.agentQueue('sato')?.agentId, 'sato');
    assert.equal(catalog.agentQueue(resourceArn(def, 'agent', 'tanaka'))?.id, 'agent:tanaka');
    assert.equal(catalog.agentQueue('nobody'), undefined);
  });
});
