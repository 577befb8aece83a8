// Routing criteria (Connect's UpdateRoutingCriteria) run by the router: a contact is offered per
// step — the step's preferred agents or proficient agents first, the next step after it expires,
// any agent of the queue once every step has expired.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Router, type RouterConfig, type RouterOutput, type RoutingStepInput } from '../../src/routing/router.ts';

const S = 1000;

const config: RouterConfig = {
  agents: [
    { id: 'sato', proficiencies: [{ name: 'Language', value: 'English', level: 2 }] },
    { id: 'suzuki', proficiencies: [{ name: 'Language', value: 'English', level: 5 }] },
    { id: 'tanaka' },
  ],
  queues: [{
    id: 'kaisha', name: '株式会社A',
    members: [{ agentId: 'sato', rank: 1 }, { agentId: 'suzuki', rank: 2 }, { agentId: 'tanaka', rank: 3 }],
  }],
};

function offered(out: RouterOutput[]): string[] {
  return out.flatMap((o) => (o.type === 'ContactOffered' ? [o.agentId] : []));
}

/** Runs a contact through the queue with everyone Available and nobody answering: who rang, and when. */
function ringOrder(steps?: RoutingStepInput[]): { agentId: string; at: number }[] {
  const r = new Router(config, 0);
  for (const agentId of ['sato', 'suzuki', 'tanaka']) r.handle({ type: 'SetAgentStatus', agentId, status: 'Available', at: 0 });
  const rings: { agentId: string; at: number }[] = [];
  const note = (out: RouterOutput[], at: number) => offered(out).forEach((agentId) => rings.push({ agentId, at }));
  note(r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: S, ...(steps ? { steps } : {}) }), S);
  for (let t = 2 * S; t <= 120 * S; t += S) note(r.handle({ type: 'Tick', at: t }), t);
  return rings;
}

describe('routing criteria', () => {
  test('the direct line\'s ranks and criteria with one step per rank give the same routing for the same agents', () => {
    // Ranks: sato (1), then after sato's ring timeout (20 s, Missed) suzuki, then tanaka.
    const byRank = ringOrder();
    const byCriteria = ringOrder([
      { agentIds: ['sato'], expirySeconds: 20 },
      { agentIds: ['suzuki'], expirySeconds: 20 },
      { agentIds: ['tanaka'] },
    ]);
    assert.deepEqual(byRank.map((r) => r.agentId), ['sato', 'suzuki', 'tanaka']);
    assert.deepEqual(byCriteria, byRank);
  });

  test('step 1\'s preferred agent is offered first even when a better-ranked agent is Available', () => {
    const rings = ringOrder([{ agentIds: ['tanaka'], expirySeconds: 30 }]);
    assert.deepEqual(rings[0], { agentId: 'tanaka', at: S });
  });

  test('a proficiency step offers only agents at or above the level; after it expires, any agent', () => {
    const rings = ringOrder([{ proficiencies: [{ name: 'Language', value: 'English', level: 4 }], expirySeconds: 10 }]);
    // suzuki (English 5) rings first; sato (English 2) only once the step has expired.
    assert.deepEqual(rings.map((r) => r.agentId).slice(0, 2), ['suzuki', 'sato']);
    assert.equal(rings[1]?.at, 21 * S, 'suzuki rings out at 21 s; the step expired at 11 s');
  });

  test('a step that does not expire waits for its agent', () => {
    const r = new Router(config, 0);
    r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 0 });
    const out = r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: S, steps: [{ agentIds: ['suzuki'] }] });
    assert.deepEqual(offered(out), []);
    assert.deepEqual(offered(r.handle({ type: 'Tick', at: 600 * S })), []);
    assert.deepEqual(offered(r.handle({ type: 'SetAgentStatus', agentId: 'suzuki', status: 'Available', at: 601 * S })), ['suzuki']);
  });

  test('when the step expires while the contact waits, the next step\'s agent who is Available rings at once', () => {
    const r = new Router(config, 0);
    r.handle({ type: 'SetAgentStatus', agentId: 'tanaka', status: 'Available', at: 0 });
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: S, steps: [{ agentIds: ['suzuki'], expirySeconds: 15 }, { agentIds: ['tanaka'] }] });
    assert.deepEqual(offered(r.handle({ type: 'Tick', at: 16 * S })), ['tanaka']);
  });
});
