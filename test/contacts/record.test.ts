import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RATES } from '../../src/contacts/cost.ts';
import { classifyDisconnect, disconnectReasonFromFlow, type FlowOutcome } from '../../src/contacts/record.ts';
import { finalizeContactRecord } from '../../src/contacts/finalize.ts';
import { handledCall, iso, SATO, SUZUKI, T0 } from './records.ts';

describe('contact record durations', () => {
  test('derives queue, ring, talk, hold, after-contact-work and total durations from the timestamps', () => {
    const r = handledCall('c1', T0, { waitS: 12, talkS: 300, acwS: 45 });
    assert.equal(r.queueDuration, 12);
    assert.equal(r.ringDuration, 12, 'the accepted offer rang from enqueue until connected');
    assert.equal(r.talkDuration, 300);
    assert.equal(r.holdDuration, 0);
    assert.equal(r.afterContactWorkDuration, 45);
    assert.equal(r.totalDuration, 20 + 12 + 300, 'initiation to disconnect; ACW is the agent\'s time');
  });

  test('talk time excludes time on hold, as Connect\'s agent interaction duration does', () => {
    const base = handledCall('c2', T0, { talkS: 300 });
    const { cost: _c, queueDuration: _q, ringDuration: _r, talkDuration: _t, afterContactWorkDuration: _a, totalDuration: _d, ...draft } = base;
    const r = finalizeContactRecord({ ...draft, holdDuration: 60 }, DEFAULT_RATES);
    assert.equal(r.talkDuration, 240);
    assert.equal(r.holdDuration, 60);
  });

  test('ring time adds up every offer: a ring-out at the rank-1 agent, then the rank-2 agent answers', () => {
    const base = handledCall('c3', T0, { waitS: 30, agent: SUZUKI });
    const enqueue = T0 + 20_000;
    const { cost: _c, queueDuration: _q, ringDuration: _r, talkDuration: _t, afterContactWorkDuration: _a, totalDuration: _d, ...draft } = base;
    const r = finalizeContactRecord({
      ...draft,
      agentOffers: [
        { agentId: SATO.id, at: iso(enqueue), endedAt: iso(enqueue + 20_000), outcome: 'RingTimeout' },
        { agentId: SUZUKI.id, at: iso(enqueue + 22_000), outcome: 'Accepted' },
      ],
    }, DEFAULT_RATES);
    assert.equal(r.ringDuration, 20 + 8);
  });
});

const hoursClosed: FlowOutcome = {
  ending: { reason: 'DISCONNECTED_BY_FLOW' },
  path: [
    { type: 'UpdateContactRecordingBehavior', branch: 'next' },
    { type: 'CheckHoursOfOperation', branch: 'condition False' },
    { type: 'MessageParticipant', branch: 'next' },
    { type: 'DisconnectParticipant', branch: 'end' },
  ],
  external: {},
};

describe('disconnectReasonFromFlow', () => {
  test('the hours check on its False branch means AFTER_HOURS', () => {
    assert.equal(disconnectReasonFromFlow(hoursClosed), 'AFTER_HOURS');
  });

  test('a caller hanging up during the closed message is still AFTER_HOURS', () => {
    assert.equal(disconnectReasonFromFlow({ ...hoursClosed, ending: { reason: 'CUSTOMER_DISCONNECT' } }), 'AFTER_HOURS');
  });

  test('the holiday check returning isHoliday "true" means HOLIDAY', () => {
    assert.equal(disconnectReasonFromFlow({
      ending: { reason: 'DISCONNECTED_BY_FLOW' },
      path: [
        { type: 'CheckHoursOfOperation', branch: 'condition True' },
        { type: 'InvokeLambdaFunction', branch: 'next' },
        { type: 'Compare', branch: 'condition Equals true' },
        { type: 'MessageParticipant', branch: 'next' },
        { type: 'DisconnectParticipant', branch: 'end' },
      ],
      external: { isHoliday: 'true', holidayName: '元日' },
    }), 'HOLIDAY');
  });

  test('the customer lookup returning 404 on the last try means CUSTOMER_NOT_FOUND', () => {
    const tryOnce = [
      { type: 'GetParticipantInput', branch: 'next' },
      { type: 'InvokeLambdaFunction', branch: 'next' },
      { type: 'Compare', branch: 'condition Equals 404' },
    ];
    assert.equal(disconnectReasonFromFlow({
      ending: { reason: 'DISCONNECTED_BY_FLOW' },
      path: [{ type: 'CheckHoursOfOperation', branch: 'condition True' }, ...tryOnce, ...tryOnce, ...tryOnce, { type: 'DisconnectParticipant', branch: 'end' }],
      external: { status: '404' },
    }), 'CUSTOMER_NOT_FOUND');
  });

  test('a failed invocation does not trust a stale $.External', () => {
    assert.equal(disconnectReasonFromFlow({
      ending: { reason: 'DISCONNECTED_BY_FLOW' },
      path: [
        { type: 'InvokeLambdaFunction', branch: 'next' },
        { type: 'InvokeLambdaFunction', branch: 'error NoMatchingError' },
        { type: 'DisconnectParticipant', branch: 'end' },
      ],
      external: { status: '404' },
    }), 'FLOW_DISCONNECT');
  });

  test('a flow error is FLOW_ERROR; any other flow ending is FLOW_DISCONNECT or the caller\'s', () => {
    assert.equal(disconnectReasonFromFlow({ ...hoursClosed, ending: { reason: 'FLOW_ERROR' } }), 'FLOW_ERROR');
    assert.equal(disconnectReasonFromFlow({ ending: { reason: 'FLOW_ENDED' }, path: [{ type: 'CheckHoursOfOperation', branch: 'condition True' }], external: {} }), 'FLOW_DISCONNECT');
    assert.equal(disconnectReasonFromFlow({ ending: { reason: 'CUSTOMER_DISCONNECT' }, path: [{ type: 'GetParticipantInput', branch: 'pending' }], external: {} }), 'CUSTOMER_DISCONNECT');
  });
});

describe('classifyDisconnect', () => {
  const flow: FlowOutcome = { ending: { reason: 'CONNECTED_TO_AGENT' }, path: [], external: { status: '200' } };

  test('a connected contact is ended by the agent or by the customer', () => {
    assert.equal(classifyDisconnect({ flow, enqueued: true, connectedToAgent: true, disconnectedBy: 'AGENT' }), 'AGENT_DISCONNECT');
    assert.equal(classifyDisconnect({ flow, enqueued: true, connectedToAgent: true, disconnectedBy: 'CUSTOMER' }), 'CUSTOMER_DISCONNECT');
  });

  test('queue errors win over the flow that handled them', () => {
    const handled = { ...flow, ending: { reason: 'DISCONNECTED_BY_FLOW' as const } };
    assert.equal(classifyDisconnect({ flow: handled, enqueued: false, connectedToAgent: false, queueError: 'QueueAtCapacity' }), 'QUEUE_AT_CAPACITY');
    assert.equal(classifyDisconnect({ flow: handled, enqueued: true, connectedToAgent: false, queueError: 'MaxWaitExceeded' }), 'QUEUE_TIMEOUT');
  });

  test('a caller hanging up in the queue abandoned it; before the queue the flow decides', () => {
    assert.equal(classifyDisconnect({ flow, enqueued: true, connectedToAgent: false, disconnectedBy: 'CUSTOMER' }), 'ABANDONED_IN_QUEUE');
    assert.equal(classifyDisconnect({ flow: hoursClosed, enqueued: false, connectedToAgent: false, disconnectedBy: 'FLOW' }), 'AFTER_HOURS');
  });
});
