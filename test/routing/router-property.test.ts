import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, type RouterConfig, type RouterInput } from '../../src/routing/router.ts';

const S = 1000;

function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const cfg: RouterConfig = {
  agents: [
    { id: 'a1' }, { id: 'a2', afterContactWorkSeconds: 10 }, { id: 'a3', afterContactWorkSeconds: 5 },
    { id: 'a4' }, { id: 'a5', afterContactWorkSeconds: 20 }, { id: 'a6', customStatuses: ['Training'] },
  ],
  queues: [
    { id: 'q1', name: 'q1', members: [{ agentId: 'a1', rank: 1 }, { agentId: 'a2', rank: 2 }, { agentId: 'a3', rank: 2 }],
      maxContacts: 2, maxWaitSeconds: 90, overflow: { queueId: 'q3', afterSeconds: 30 }, ringTimeoutSeconds: 15 },
    { id: 'q2', name: 'q2', members: [{ agentId: 'a2', rank: 1 }, { agentId: 'a4', rank: 1 }, { agentId: 'a1', rank: 3 }] },
    { id: 'q3', name: 'q3', members: [{ agentId: 'a5', rank: 1 }, { agentId: 'a6', rank: 2 }], maxWaitSeconds: 200 },
  ],
};

const membersOf = new Map(cfg.queues.map((q) => [q.id, new Set(q.members.map((m) => m.agentId))]));

for (const seed of [1, 2, 3, 4, 5]) {
  test(`random traffic (seed ${seed}): one contact per agent, one connection per contact, offers only to eligible agents`, () => {
    const rand = prng(seed * 7919);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const r = new Router(cfg, 0);
    const agents = cfg.agents.map((a) => a.id);
    const statuses = ['Available', 'Available', 'Available', 'Offline', 'Break', 'Training'];

    const origin = new Map<string, string>(); // contact → its queue (agent:<id> for direct ones)
    const overflowed = new Map<string, string>();
    const declined = new Map<string, Set<string>>();
    const openOffer = new Map<string, string>(); // agent → contact ringing
    const onCall = new Map<string, string>(); // agent → contact connected
    const connected = new Set<string>();
    let at = 0;
    let n = 0;
    const seen = new Set<string>();

    for (let step = 0; step < 2000; step++) {
      at += Math.floor(rand() * 8 * S);
      const known = [...origin.keys()];
      const kind = rand();
      let input: RouterInput;
      if (kind < 0.2) input = { type: 'EnqueueContact', contactId: `c${++n}`, queueId: pick(['q1', 'q2', 'q3']), at, priority: pick([1, 5, 5, 9]) };
      else if (kind < 0.25) input = { type: 'OfferToAgent', contactId: `c${++n}`, agentId: pick(agents), at };
      else if (kind < 0.45) input = { type: 'SetAgentStatus', agentId: pick(agents), status: pick(statuses), at };
      else if (kind < 0.6 && openOffer.size > 0) {
        const [agentId, contactId] = pick([...openOffer]);
        const answer = rand();
        input = { type: answer < 0.6 ? 'AcceptOffer' : answer < 0.85 ? 'DeclineOffer' : 'FailOffer', contactId, agentId, at };
      } else if (kind < 0.7 && known.length > 0) input = { type: 'AbandonContact', contactId: pick(known), at };
      else if (kind < 0.8 && onCall.size > 0) input = { type: 'EndContact', contactId: pick([...onCall.values()]), at };
      else if (kind < 0.85) input = { type: 'FinishAfterContactWork', agentId: pick(agents), at };
      else input = { type: 'Tick', at };

      if (input.type === 'EnqueueContact') origin.set(input.contactId, input.queueId);
      if (input.type === 'OfferToAgent') origin.set(input.contactId, `agent:${input.agentId}`);

      // Halfway, an admin reverses every queue's ranks (same members, so eligibility is unchanged).
      const reversed = { ...cfg, queues: cfg.queues.map((q) => ({ ...q, members: q.members.map((m, i) => ({ ...m, rank: q.members.length - i })) })) };
      const outputs = [...(step === 1000 ? r.reconfigure(reversed, at) : []), ...r.handle(input)];
      for (const o of outputs) {
        seen.add(o.type === 'OfferWithdrawn' ? `OfferWithdrawn:${o.reason}` : o.type);
        const where = `step ${step} ${JSON.stringify(input)} → ${JSON.stringify(o)}`;
        switch (o.type) {
          case 'ContactOffered': {
            assert.equal(openOffer.has(o.agentId), false, `agent offered two contacts: ${where}`);
            assert.equal(onCall.has(o.agentId), false, `agent on a call offered another: ${where}`);
            assert.equal(declined.get(o.contactId)?.has(o.agentId) ?? false, false, `offered again after declining: ${where}`);
            const q = origin.get(o.contactId);
            if (q?.startsWith('agent:')) assert.equal(q, `agent:${o.agentId}`, where);
            else {
              assert.ok(o.queueId === q || o.queueId === overflowed.get(o.contactId), `offered through a queue the contact is not in: ${where}`);
              assert.ok(membersOf.get(o.queueId)?.has(o.agentId), `offered to a non-member: ${where}`);
            }
            openOffer.set(o.agentId, o.contactId);
            break;
          }
          case 'OfferWithdrawn':
            assert.equal(openOffer.get(o.agentId), o.contactId, where);
            openOffer.delete(o.agentId);
            if (o.reason === 'Declined') {
              const set = declined.get(o.contactId) ?? new Set<string>();
              set.add(o.agentId);
              declined.set(o.contactId, set);
            }
            break;
          case 'ContactConnected':
            assert.equal(connected.has(o.contactId), false, `connected twice: ${where}`);
            assert.equal(openOffer.get(o.agentId), o.contactId, where);
            connected.add(o.contactId);
            openOffer.delete(o.agentId);
            onCall.set(o.agentId, o.contactId);
            break;
          case 'ContactOverflowed':
            overflowed.set(o.contactId, o.toQueueId);
            break;
          case 'ContactRemoved':
          case 'ContactTimedOut':
          case 'ContactRejected':
            origin.delete(o.contactId);
            for (const [agentId, c] of openOffer) assert.notEqual(c, o.contactId, `${agentId} still ringing for a removed contact: ${where}`);
            break;
          case 'AgentStatusChanged':
            if (o.from === 'OnContact') {
              const c = onCall.get(o.agentId);
              if (c !== undefined) origin.delete(c);
              onCall.delete(o.agentId);
            }
            break;
          case 'ContactQueued':
          case 'Refused':
            break;
        }
      }

      // A failed offer never leaves its agent Missed: Available, or ringing again.
      if (input.type === 'FailOffer' && outputs.some((o) => o.type === 'OfferWithdrawn' && o.reason === 'FailedConnectAgent')) {
        assert.ok(['Available', 'Ringing'].includes(r.agent(input.agentId)?.status ?? ''), `step ${step}: ${input.agentId} after a failed offer`);
      }

      // Nobody waits while an Available agent who may take the contact is idle.
      for (const [contactId, queueId] of origin) {
        const c = r.contact(contactId);
        if (c?.state !== 'Waiting') continue;
        const eligible = queueId.startsWith('agent:')
          ? [queueId.slice('agent:'.length)]
          : [...(membersOf.get(queueId) ?? []), ...(membersOf.get(overflowed.get(contactId) ?? '') ?? [])];
        for (const agentId of eligible) {
          if (r.agent(agentId)?.status !== 'Available') continue;
          assert.ok(declined.get(contactId)?.has(agentId), `step ${step}: ${contactId} waits while ${agentId} is Available`);
        }
      }
      for (const view of r.agents()) {
        const ringing = openOffer.get(view.agentId);
        if (view.status === 'Ringing') assert.equal(view.contactId, ringing, `step ${step}: ${view.agentId}`);
        else assert.equal(ringing, undefined, `step ${step}: ${view.agentId} is ${view.status} with an open offer`);
      }
      const deadline = r.nextDeadline();
      if (deadline !== undefined) assert.ok(deadline > at, `step ${step}: a timer due by now has not fired`);
    }
    for (const kind of ['ContactOverflowed', 'ContactTimedOut', 'ContactRejected', 'OfferWithdrawn:RingTimeout', 'OfferWithdrawn:Declined', 'OfferWithdrawn:Abandoned', 'OfferWithdrawn:FailedConnectAgent']) {
      assert.ok(seen.has(kind), `the traffic never produced ${kind}`);
    }
    assert.ok(connected.size > 50, `only ${connected.size} contacts connected: the traffic is too thin to mean much`);
  });
}
