// What GET /api/agents and the realtime metrics show of each agent: the router's state, and from the
// instance definition the name and the proficiencies routing criteria match.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoDefinition } from '../../src/instance/demo.ts';
import { Router } from '../../src/routing/router.ts';
import { routerConfig } from '../../src/app/services.ts';
import { agentViews } from '../../src/server/views.ts';

test('an agent view carries the definition\'s proficiencies; an agent without any has none', () => {
  const def = demoDefinition();
  const sato = def.agents.find((a) => a.id === 'sato');
  assert.ok(sato);
  sato.proficiencies = [{ attributeName: 'Language', attributeValue: 'English', level: 4 }];
  const router = new Router(routerConfig(def), Date.parse('2026-11-24T10:00:00+09:00'));
  const views = agentViews({ agents: router, definition: () => def });
  const view = (id: string) => views.find((v) => v['agentId'] === id);
  assert.deepEqual(view('sato')?.['proficiencies'], [{ attributeName: 'Language', attributeValue: 'English', level: 4 }]);
  assert.equal(view('sato')?.['name'], sato.name);
  assert.equal('proficiencies' in (view('suzuki') ?? {}), false);
  assert.deepEqual(routerConfig(def).agents.find((a) => a.id === 'sato')?.proficiencies, [{ name: 'Language', value: 'English', level: 4 }], 'the router matches them as name, value, level');
});
