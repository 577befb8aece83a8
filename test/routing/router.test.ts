import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, RouterConfigError, type RouterConfig, type RouterOutput } from '../../src/routing/router.ts';

const S = 1000;

// Project queues as in the original line: the agent who built a customer's system is rank 1.
function config(overrides: Partial<Record<'kaisha' | 'shoten', object>> = {}): RouterConfig {
  return {
    agents: [{ id: 'sato' }, { id: 'suzuki' }, { id: 'tanaka', afterContactWorkSeconds: 30 }],
    queues: [
      {
        id: 'kaisha', name: '株式会社A',
        members: [{ agentId: 'sato', rank: 1 }, { agentId: 'suzuki', rank: 2 }, { agentId: 'tanaka', rank: 3 }],
        ...overrides.kaisha,
      },
      {
        id: 'shoten', name: 'B商店',
        members: [{ agentId: 'suzuki', rank: 1 }, { agentId: 'sato', rank: 2 }],
        ...overrides.shoten,
      },
    ],
  };
}

function router(cfg: RouterConfig = config()): Router {
  return new Router(cfg, 0);
}

function available(r: Router, at: number, ...agents: string[]): void {
  for (const agentId of agents) r.handle({ type: 'SetAgentStatus', agentId, status: 'Available', at });
}

function offers(out: RouterOutput[]): { contactId: string; agentId: string }[] {
  return out.flatMap((o) => (o.type === 'ContactOffered' ? [{ contactId: o.contactId, agentId: o.agentId }] : []));
}

function find<T extends RouterOutput['type']>(out: RouterOutput[], type: T): Extract<RouterOutput, { type: T }> | undefined {
  return out.find((o): o is Extract<RouterOutput, { type: T }> => o.type === type);
}

/** Puts an agent on a call (offered, accepted) through a throwaway contact in `queueId`. */
function busy(r: Router, agentId: string, queueId: string, at: number): void {
  const contactId = `busy-${agentId}`;
  r.handle({ type: 'OfferToAgent', contactId, agentId, at });
  r.handle({ type: 'AcceptOffer', contactId, agentId, at });
  assert.equal(r.agent(agentId)?.status, 'OnContact', `${agentId} should be on a call (${queueId})`);
}

describe('offering a new contact', () => {
  test('offers the contact to the rank-1 agent when they are available', () => {
    const r = router();
    available(r, 0, 'suzuki', 'sato');
    const out = r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 5 * S });
    assert.deepEqual(find(out, 'ContactOffered'), { type: 'ContactOffered', contactId: 'c1', agentId: 'sato', queueId: 'kaisha', rank: 1, ringUntil: 25 * S });
    assert.deepEqual(find(out, 'AgentStatusChanged'), { type: 'AgentStatusChanged', agentId: 'sato', from: 'Available', to: 'Ringing', at: 5 * S });
    assert.equal(r.contact('c1')?.state, 'Ringing');
  });

  test('offers the contact to the rank-2 agent when the rank-1 agent is on another call', () => {
    const r = router();
    available(r, 0, 'sato', 'suzuki', 'tanaka');
    busy(r, 'sato', 'kaisha', 1 * S);
    const out = r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 2 * S });
    assert.deepEqual(offers(out), [{ contactId: 'c1', agentId: 'suzuki' }]);
  });

  test('equal ranks go to the agent available longest', () => {
    const r = router({
      agents: [{ id: 'a' }, { id: 'b' }],
      queues: [{ id: 'q', name: 'q', members: [{ agentId: 'a', rank: 1 }, { agentId: 'b', rank: 1 }] }],
    });
    available(r, 10 * S, 'b');
    available(r, 20 * S, 'a');
    assert.deepEqual(offers(r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'q', at: 30 * S })), [{ contactId: 'c1', agentId: 'b' }]);
  });

  test('waits with its position when no member is available', () => {
    const r = router();
    const first = r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const second = r.handle({ type: 'EnqueueContact', contactId: 'c2', queueId: 'kaisha', at: 2 * S });
    const urgent = r.handle({ type: 'EnqueueContact', contactId: 'c3', queueId: 'kaisha', at: 3 * S, priority: 1 });
    assert.deepEqual(first, [{ type: 'ContactQueued', contactId: 'c1', queueId: 'kaisha', position: 1 }]);
    assert.equal(find(second, 'ContactQueued')?.position, 2);
    assert.equal(find(urgent, 'ContactQueued')?.position, 1);
    assert.deepEqual(r.queueSnapshot('kaisha'), { waiting: 3, oldestEnqueuedAt: 1 * S, agentsAvailable: 0, agentsOnline: 0, agentsStaffed: 0 });
  });

  test('an unknown queue is rejected as NoSuchQueue', () => {
    const r = router();
    assert.deepEqual(r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'nope', at: 0 }), [
      { type: 'ContactRejected', contactId: 'c1', queueId: 'nope', reason: 'NoSuchQueue' },
    ]);
  });
});

describe('an agent becoming available', () => {
  test('rank-1 agent who becomes available gets the contact they know best, even if another waits longer elsewhere', () => {
    const r = router();
    r.handle({ type: 'EnqueueContact', contactId: 'shoten-call', queueId: 'shoten', at: 1 * S }); // sato is rank 2 here
    r.handle({ type: 'EnqueueContact', contactId: 'kaisha-call', queueId: 'kaisha', at: 50 * S }); // sato is rank 1 here
    const out = r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 60 * S });
    assert.deepEqual(offers(out), [{ contactId: 'kaisha-call', agentId: 'sato' }]);
  });

  test('ties go to the longest-waiting contact', () => {
    const r = router();
    r.handle({ type: 'EnqueueContact', contactId: 'newer', queueId: 'kaisha', at: 20 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'older', queueId: 'kaisha', at: 10 * S + 1 }); // clamped: arrives after 'newer'
    r.handle({ type: 'EnqueueContact', contactId: 'adjusted', queueId: 'kaisha', at: 30 * S, timeAdjustSeconds: 25 });
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 40 * S })), [
      { contactId: 'adjusted', agentId: 'sato' },
    ]);
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'suzuki', status: 'Available', at: 41 * S })), [
      { contactId: 'newer', agentId: 'suzuki' },
    ]);
  });

  test('a lower priority number is served before a longer wait', () => {
    const r = router();
    r.handle({ type: 'EnqueueContact', contactId: 'waited', queueId: 'kaisha', at: 1 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'vip', queueId: 'kaisha', at: 9 * S, priority: 1 });
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'tanaka', status: 'Available', at: 10 * S })), [
      { contactId: 'vip', agentId: 'tanaka' },
    ]);
  });
});

describe('ringing', () => {
  test('a ring timeout puts the agent in Missed and offers the contact to the next rank at once', () => {
    const r = router();
    available(r, 0, 'sato', 'suzuki');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    assert.equal(r.nextDeadline(), 21 * S);
    const out = r.handle({ type: 'Tick', at: 21 * S });
    assert.deepEqual(out[0], { type: 'OfferWithdrawn', contactId: 'c1', agentId: 'sato', reason: 'RingTimeout' });
    assert.deepEqual(find(out, 'AgentStatusChanged'), { type: 'AgentStatusChanged', agentId: 'sato', from: 'Ringing', to: 'Missed', at: 21 * S });
    assert.deepEqual(offers(out), [{ contactId: 'c1', agentId: 'suzuki' }]);
    // Missed is not routable until the agent acts.
    r.handle({ type: 'EnqueueContact', contactId: 'c2', queueId: 'kaisha', at: 22 * S });
    assert.equal(r.contact('c2')?.state, 'Waiting');
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 23 * S })), [{ contactId: 'c2', agentId: 'sato' }]);
  });

  test('an accept that arrives after the ring timeout is refused, even without a Tick in between', () => {
    const r = router();
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 0, });
    const out = r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'sato', at: 20 * S });
    assert.equal(find(out, 'OfferWithdrawn')?.reason, 'RingTimeout');
    assert.equal(find(out, 'Refused')?.input, 'AcceptOffer');
    assert.equal(r.contact('c1')?.state, 'Waiting');
  });

  test('a decline offers the contact to the next rank at once and never to the decliner again', () => {
    const r = router();
    available(r, 0, 'sato', 'suzuki');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const out = r.handle({ type: 'DeclineOffer', contactId: 'c1', agentId: 'sato', at: 2 * S });
    assert.deepEqual(out[0], { type: 'OfferWithdrawn', contactId: 'c1', agentId: 'sato', reason: 'Declined' });
    assert.equal(r.agent('sato')?.status, 'Available');
    assert.deepEqual(offers(out), [{ contactId: 'c1', agentId: 'suzuki' }]);
    // suzuki lets it ring out; sato is Available but declined it, so it waits.
    r.handle({ type: 'Tick', at: 22 * S });
    assert.equal(r.contact('c1')?.state, 'Waiting');
    assert.equal(r.agent('sato')?.status, 'Available');
  });

  test('an offer the line failed to connect (FailOffer) withdraws it without a miss: the agent is Available and the contact, in its place, goes to the next agent at once', () => {
    const r = router();
    available(r, 0, 'sato', 'suzuki');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const out = r.handle({ type: 'FailOffer', contactId: 'c1', agentId: 'sato', at: 2 * S });
    assert.deepEqual(out[0], { type: 'OfferWithdrawn', contactId: 'c1', agentId: 'sato', reason: 'FailedConnectAgent' });
    // sato's phone just failed: the Available suzuki is offered it before sato is Available again.
    assert.deepEqual(offers(out), [{ contactId: 'c1', agentId: 'suzuki' }]);
    const sato = out.filter((o) => o.type === 'AgentStatusChanged' && o.agentId === 'sato');
    assert.deepEqual(sato, [{ type: 'AgentStatusChanged', agentId: 'sato', from: 'Ringing', to: 'Available', at: 2 * S }]);
    assert.equal(r.agent('sato')?.status, 'Available');
    assert.deepEqual(r.contact('c1'), { contactId: 'c1', queueId: 'kaisha', enqueuedAt: 1 * S, state: 'Ringing', agentId: 'suzuki' });
    // Not a decline: suzuki lets it ring out and it comes back to sato.
    const timeout = r.handle({ type: 'Tick', at: 22 * S });
    assert.deepEqual(offers(timeout), [{ contactId: 'c1', agentId: 'sato' }]);
  });

  test('an offer the line failed to connect goes again to the same agent when nobody else is Available, ringing anew', () => {
    const r = router();
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const out = r.handle({ type: 'FailOffer', contactId: 'c1', agentId: 'sato', at: 5 * S });
    assert.deepEqual(out.map((o) => (o.type === 'AgentStatusChanged' ? `${o.agentId} ${o.from}→${o.to}` : o.type)), [
      'OfferWithdrawn', 'sato Ringing→Available', 'ContactOffered', 'sato Available→Ringing',
    ]);
    assert.equal(find(out, 'ContactOffered')?.ringUntil, 25 * S);
    // The first offer's ring timeout (21 s) is gone with it; the new one rings its full 20 s.
    assert.equal(r.nextDeadline(), 25 * S);
    assert.deepEqual(r.handle({ type: 'Tick', at: 21 * S }), []);
    assert.equal(r.agent('sato')?.status, 'Ringing');
    assert.equal(find(r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'sato', at: 22 * S }), 'ContactConnected')?.agentId, 'sato');
  });

  test('a FailOffer for a contact not ringing at that agent is refused and changes nothing', () => {
    const r = router();
    available(r, 0, 'sato', 'suzuki');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const out = r.handle({ type: 'FailOffer', contactId: 'c1', agentId: 'suzuki', at: 2 * S });
    assert.deepEqual(out, [{
      type: 'Refused', input: 'FailOffer', agentId: 'suzuki', contactId: 'c1',
      message: 'contact c1 is not ringing at agent suzuki; it is Ringing in queue kaisha with agent sato',
    }]);
    assert.equal(r.agent('sato')?.status, 'Ringing');
    // After the ring timeout the offer is over: a late failure report is refused, sato stays Missed.
    r.handle({ type: 'Tick', at: 21 * S });
    assert.equal(find(r.handle({ type: 'FailOffer', contactId: 'c1', agentId: 'sato', at: 22 * S }), 'Refused')?.input, 'FailOffer');
    assert.equal(r.agent('sato')?.status, 'Missed');
  });

  test('accepting connects the contact and the agent is never offered another', () => {
    const r = router();
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const out = r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'sato', at: 3 * S });
    assert.deepEqual(out, [
      { type: 'ContactConnected', contactId: 'c1', agentId: 'sato', queueId: 'kaisha' },
      { type: 'AgentStatusChanged', agentId: 'sato', from: 'Ringing', to: 'OnContact', at: 3 * S },
    ]);
    assert.equal(r.nextDeadline(), undefined);
    r.handle({ type: 'EnqueueContact', contactId: 'c2', queueId: 'kaisha', at: 4 * S });
    assert.equal(r.contact('c2')?.state, 'Waiting');
    assert.deepEqual(r.agent('sato'), { agentId: 'sato', status: 'OnContact', since: 3 * S, contactId: 'c1', queues: ['kaisha', 'shoten'] });
  });

  test('abandon while ringing leaves nobody ringing and the agent takes the next waiting contact', () => {
    const r = router();
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'c2', queueId: 'shoten', at: 2 * S });
    const out = r.handle({ type: 'AbandonContact', contactId: 'c1', at: 3 * S });
    assert.deepEqual(out.slice(0, 3), [
      { type: 'OfferWithdrawn', contactId: 'c1', agentId: 'sato', reason: 'Abandoned' },
      { type: 'AgentStatusChanged', agentId: 'sato', from: 'Ringing', to: 'Available', at: 3 * S },
      { type: 'ContactRemoved', contactId: 'c1', queueId: 'kaisha', reason: 'Abandoned' },
    ]);
    assert.deepEqual(offers(out), [{ contactId: 'c2', agentId: 'sato' }]);
    assert.equal(r.contact('c1'), undefined);
    assert.equal(r.agents().filter((a) => a.status === 'Ringing').length, 1);
  });

  test('abandoning a waiting contact frees its place; an unknown contact is refused', () => {
    const r = router();
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    assert.deepEqual(r.handle({ type: 'AbandonContact', contactId: 'c1', at: 2 * S }), [
      { type: 'ContactRemoved', contactId: 'c1', queueId: 'kaisha', reason: 'Abandoned' },
    ]);
    assert.equal(r.queueSnapshot('kaisha')?.waiting, 0);
    assert.equal(find(r.handle({ type: 'AbandonContact', contactId: 'c1', at: 3 * S }), 'Refused')?.contactId, 'c1');
  });
});

describe('queue limits', () => {
  test('a queue at capacity rejects the next contact; ringing contacts do not count', () => {
    const r = router(config({ kaisha: { maxContacts: 2 } }));
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'ringing', queueId: 'kaisha', at: 1 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'w1', queueId: 'kaisha', at: 2 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'w2', queueId: 'kaisha', at: 3 * S });
    assert.deepEqual(r.handle({ type: 'EnqueueContact', contactId: 'w3', queueId: 'kaisha', at: 4 * S }), [
      { type: 'ContactRejected', contactId: 'w3', queueId: 'kaisha', reason: 'QueueAtCapacity' },
    ]);
    assert.equal(r.contact('w3'), undefined);
  });

  test('a contact still waiting after max wait times out, withdrawing a ringing offer', () => {
    const r = router(config({ kaisha: { maxWaitSeconds: 60, ringTimeoutSeconds: 30 } }));
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 0 });
    available(r, 40 * S, 'sato'); // rings until 70 s, past the max wait
    const out = r.handle({ type: 'Tick', at: 60 * S });
    assert.deepEqual(out, [
      { type: 'OfferWithdrawn', contactId: 'c1', agentId: 'sato', reason: 'Withdrawn' },
      { type: 'AgentStatusChanged', agentId: 'sato', from: 'Ringing', to: 'Available', at: 60 * S },
      { type: 'ContactTimedOut', contactId: 'c1', queueId: 'kaisha', reason: 'MaxWaitExceeded' },
    ]);
    assert.equal(r.contact('c1'), undefined);
    assert.equal(r.nextDeadline(), undefined);
  });

  test('a connected contact never times out', () => {
    const r = router(config({ kaisha: { maxWaitSeconds: 60 } }));
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 0 });
    r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'sato', at: 5 * S });
    assert.deepEqual(r.handle({ type: 'Tick', at: 120 * S }), []);
    assert.equal(r.contact('c1')?.state, 'Connected');
  });

  test('overflow makes the fallback queue members eligible, keeping the original wait', () => {
    const r = router({
      agents: [{ id: 'sato' }, { id: 'helper' }, { id: 'other' }],
      queues: [
        { id: 'kaisha', name: 'A', members: [{ agentId: 'sato', rank: 1 }], overflow: { queueId: 'pool', afterSeconds: 30 } },
        { id: 'pool', name: 'pool', members: [{ agentId: 'helper', rank: 1 }, { agentId: 'other', rank: 2 }] },
      ],
    });
    r.handle({ type: 'EnqueueContact', contactId: 'early', queueId: 'kaisha', at: 0 });
    r.handle({ type: 'EnqueueContact', contactId: 'pooled', queueId: 'pool', at: 5 * S });
    available(r, 10 * S, 'helper'); // takes the pool contact; 'early' is not theirs yet
    assert.equal(r.contact('pooled')?.agentId, 'helper');
    r.handle({ type: 'AcceptOffer', contactId: 'pooled', agentId: 'helper', at: 11 * S });
    assert.equal(r.contact('early')?.state, 'Waiting');
    available(r, 20 * S, 'other');
    const out = r.handle({ type: 'Tick', at: 30 * S });
    assert.deepEqual(out[0], { type: 'ContactOverflowed', contactId: 'early', fromQueueId: 'kaisha', toQueueId: 'pool' });
    assert.deepEqual(find(out, 'ContactOffered'), { type: 'ContactOffered', contactId: 'early', agentId: 'other', queueId: 'pool', rank: 2, ringUntil: 50 * S });
    r.handle({ type: 'AcceptOffer', contactId: 'early', agentId: 'other', at: 31 * S });
    assert.deepEqual(r.contact('early'), { contactId: 'early', queueId: 'kaisha', enqueuedAt: 0, state: 'Connected', agentId: 'other' });
    assert.equal(r.queueSnapshot('kaisha')?.waiting, 0);
    assert.equal(r.queueSnapshot('pool')?.waiting, 0);
  });

  test('an overflowed contact waiting in both queues is routed once to whichever agent comes first', () => {
    const r = router({
      agents: [{ id: 'sato' }, { id: 'helper' }],
      queues: [
        { id: 'kaisha', name: 'A', members: [{ agentId: 'sato', rank: 1 }], overflow: { queueId: 'pool', afterSeconds: 30 } },
        { id: 'pool', name: 'pool', members: [{ agentId: 'helper', rank: 1 }] },
      ],
    });
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 0 });
    r.handle({ type: 'Tick', at: 30 * S });
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 40 * S })), [{ contactId: 'c1', agentId: 'sato' }]);
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'helper', status: 'Available', at: 41 * S })), []);
  });
});

describe('after-contact work', () => {
  test('ends by timeout and the agent takes a waiting contact', () => {
    const r = router();
    available(r, 0, 'tanaka');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'tanaka', at: 2 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'c2', queueId: 'kaisha', at: 3 * S });
    const end = r.handle({ type: 'EndContact', contactId: 'c1', at: 100 * S });
    assert.deepEqual(end, [{ type: 'AgentStatusChanged', agentId: 'tanaka', from: 'OnContact', to: 'AfterContactWork', at: 100 * S }]);
    assert.equal(r.contact('c1'), undefined);
    assert.equal(r.nextDeadline(), 130 * S);
    assert.deepEqual(r.handle({ type: 'Tick', at: 129 * S }), []);
    const out = r.handle({ type: 'Tick', at: 130 * S });
    assert.deepEqual(out[0], { type: 'AgentStatusChanged', agentId: 'tanaka', from: 'AfterContactWork', to: 'Available', at: 130 * S });
    assert.deepEqual(offers(out), [{ contactId: 'c2', agentId: 'tanaka' }]);
  });

  test('without a timeout lasts until the agent finishes it', () => {
    const r = router();
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'sato', at: 2 * S });
    r.handle({ type: 'EndContact', contactId: 'c1', at: 3 * S });
    assert.equal(r.nextDeadline(), undefined);
    assert.equal(r.handle({ type: 'Tick', at: 999 * S }).length, 0);
    assert.equal(r.agent('sato')?.status, 'AfterContactWork');
    const out = r.handle({ type: 'FinishAfterContactWork', agentId: 'sato', at: 1000 * S });
    assert.deepEqual(out, [{ type: 'AgentStatusChanged', agentId: 'sato', from: 'AfterContactWork', to: 'Available', at: 1000 * S }]);
  });
});

describe('agent states', () => {
  test('custom statuses are not routable', () => {
    const r = router();
    const out = r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Lunch', at: 0 });
    assert.deepEqual(out, [{ type: 'AgentStatusChanged', agentId: 'sato', from: 'Offline', to: 'Custom', customStatus: 'Lunch', at: 0 }]);
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    assert.equal(r.contact('c1')?.state, 'Waiting');
    assert.deepEqual(r.queueSnapshot('kaisha'), { waiting: 1, oldestEnqueuedAt: 1 * S, agentsAvailable: 0, agentsOnline: 1, agentsStaffed: 0 });
    assert.equal(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Break', at: 2 * S }).length, 1);
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 3 * S })), [{ contactId: 'c1', agentId: 'sato' }]);
  });

  test('refuses invalid changes with a clear message', () => {
    const r = router();
    const refused = (out: RouterOutput[]): string => {
      const f = find(out, 'Refused');
      assert.ok(f, `expected a refusal, got ${JSON.stringify(out)}`);
      return f.message;
    };
    assert.match(refused(r.handle({ type: 'SetAgentStatus', agentId: 'ghost', status: 'Available', at: 0 })), /no agent with id "ghost"/);
    assert.match(refused(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Karaoke', at: 0 })), /no status "Karaoke"/);
    assert.match(refused(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Missed', at: 0 })), /no status "Missed"/);
    available(r, 0, 'sato');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    assert.match(refused(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Break', at: 2 * S })), /Ringing for contact c1/);
    assert.match(refused(r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'suzuki', at: 2 * S })), /not ringing at agent suzuki/);
    assert.match(refused(r.handle({ type: 'EndContact', contactId: 'c1', at: 2 * S })), /Ringing, not connected/);
    r.handle({ type: 'AcceptOffer', contactId: 'c1', agentId: 'sato', at: 3 * S });
    assert.match(refused(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Offline', at: 4 * S })), /OnContact on contact c1/);
    assert.match(refused(r.handle({ type: 'AbandonContact', contactId: 'c1', at: 4 * S })), /end it with EndContact/);
    assert.match(refused(r.handle({ type: 'FinishAfterContactWork', agentId: 'sato', at: 4 * S })), /not in after-contact work/);
    assert.match(refused(r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'shoten', at: 4 * S })), /already Connected/);
    r.handle({ type: 'EndContact', contactId: 'c1', at: 5 * S });
    assert.match(refused(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 6 * S })), /AfterContactWork/);
  });

  test('going Offline while ringing withdraws the offer and the contact goes to the next agent', () => {
    const r = router();
    available(r, 0, 'sato', 'suzuki');
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 1 * S });
    const out = r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Offline', at: 2 * S });
    assert.deepEqual(out.slice(0, 2), [
      { type: 'OfferWithdrawn', contactId: 'c1', agentId: 'sato', reason: 'Withdrawn' },
      { type: 'AgentStatusChanged', agentId: 'sato', from: 'Ringing', to: 'Offline', at: 2 * S },
    ]);
    assert.deepEqual(offers(out), [{ contactId: 'c1', agentId: 'suzuki' }]);
  });
});

describe('direct transfers to an agent (agent queue)', () => {
  test('rings the named agent only, ignoring ranks', () => {
    const r = router();
    available(r, 0, 'sato', 'tanaka');
    const out = r.handle({ type: 'OfferToAgent', contactId: 'c1', agentId: 'tanaka', at: 1 * S });
    assert.deepEqual(find(out, 'ContactOffered'), { type: 'ContactOffered', contactId: 'c1', agentId: 'tanaka', queueId: 'agent:tanaka', rank: 0, ringUntil: 21 * S });
  });

  test('waits in the agent queue and comes before their ranked queues', () => {
    const r = router();
    r.handle({ type: 'EnqueueContact', contactId: 'ranked', queueId: 'kaisha', at: 1 * S });
    assert.deepEqual(r.handle({ type: 'OfferToAgent', contactId: 'direct', agentId: 'sato', at: 2 * S }), [
      { type: 'ContactQueued', contactId: 'direct', queueId: 'agent:sato', position: 1 },
    ]);
    available(r, 3 * S, 'suzuki'); // takes the ranked one, never the direct one
    assert.equal(r.contact('ranked')?.agentId, 'suzuki');
    assert.equal(r.contact('direct')?.state, 'Waiting');
    r.handle({ type: 'EnqueueContact', contactId: 'ranked2', queueId: 'kaisha', at: 4 * S });
    assert.deepEqual(offers(r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Available', at: 5 * S })), [{ contactId: 'direct', agentId: 'sato' }]);
    assert.equal(r.queueSnapshot('agent:sato')?.waiting, 0);
  });
});

describe('reconfigure', () => {
  test('keeps agent states and waiting contacts and applies new ranks', () => {
    const r = router();
    available(r, 0, 'suzuki');
    r.handle({ type: 'SetAgentStatus', agentId: 'sato', status: 'Break', at: 0 });
    busy(r, 'suzuki', 'kaisha', 1 * S);
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'shoten', at: 2 * S });
    // tanaka joins B商店 as rank 1 and is Available: takes the waiting contact at once.
    available(r, 3 * S, 'tanaka');
    const cfg = config({ shoten: { members: [{ agentId: 'tanaka', rank: 1 }, { agentId: 'suzuki', rank: 2 }] } });
    const out = r.reconfigure(cfg, 4 * S);
    assert.deepEqual(offers(out), [{ contactId: 'c1', agentId: 'tanaka' }]);
    assert.deepEqual(r.agent('sato'), { agentId: 'sato', status: 'Custom', customStatus: 'Break', since: 0, queues: ['kaisha'] });
    assert.equal(r.agent('suzuki')?.status, 'OnContact');
    assert.equal(r.agent('suzuki')?.contactId, 'busy-suzuki');
  });

  test('removing a queue sends its waiting contacts to the flow error branch', () => {
    const r = router();
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'shoten', at: 1 * S });
    r.handle({ type: 'EnqueueContact', contactId: 'c2', queueId: 'kaisha', at: 1 * S });
    const cfg = config();
    const out = r.reconfigure({ ...cfg, queues: cfg.queues.filter((q) => q.id !== 'shoten') }, 2 * S);
    assert.deepEqual(out, [{ type: 'ContactRejected', contactId: 'c1', queueId: 'shoten', reason: 'NoSuchQueue' }]);
    assert.equal(r.queueSnapshot('shoten'), undefined);
    assert.equal(r.contact('c2')?.state, 'Waiting');
  });

  test('an agent removed while on a call leaves after their after-contact work', () => {
    const r = router();
    available(r, 0, 'tanaka');
    busy(r, 'tanaka', 'kaisha', 1 * S);
    const cfg = config();
    r.reconfigure({
      agents: cfg.agents.filter((a) => a.id !== 'tanaka'),
      queues: cfg.queues.map((q) => ({ ...q, members: q.members.filter((m) => m.agentId !== 'tanaka') })),
    }, 2 * S);
    assert.equal(r.agent('tanaka')?.status, 'OnContact');
    r.handle({ type: 'EndContact', contactId: 'busy-tanaka', at: 3 * S });
    const out = r.handle({ type: 'Tick', at: 33 * S });
    assert.deepEqual(out, [{ type: 'AgentStatusChanged', agentId: 'tanaka', from: 'AfterContactWork', to: 'Offline', at: 33 * S }]);
    assert.equal(r.agent('tanaka'), undefined);
  });

  test('a shorter max wait applies to contacts already waiting', () => {
    const r = router(config({ kaisha: { maxWaitSeconds: 600 } }));
    r.handle({ type: 'EnqueueContact', contactId: 'c1', queueId: 'kaisha', at: 0 });
    r.reconfigure(config({ kaisha: { maxWaitSeconds: 60 } }), 10 * S);
    assert.equal(r.nextDeadline(), 60 * S);
    assert.equal(find(r.handle({ type: 'Tick', at: 60 * S }), 'ContactTimedOut')?.contactId, 'c1');
    assert.equal(r.nextDeadline(), undefined);
  });

  test('an inconsistent configuration throws and changes nothing', () => {
    const r = router();
    available(r, 0, 'sato');
    assert.throws(() => r.reconfigure({ agents: [], queues: config().queues }, 1 * S), RouterConfigError);
    assert.equal(r.agent('sato')?.status, 'Available');
  });
});
