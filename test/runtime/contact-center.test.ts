// The live line with a manual clock: the contact center, the router, the customer queue flow and
// contact records, with time driven by the test (no sleeping).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contactView } from '../../src/server/views.ts';
import { historicalMetrics } from '../../src/contacts/metrics.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDataDir, dial, line, settle, waitForQueue } from './support.ts';

describe('a contact waiting for the agent who knows the project', () => {
  test('hears the customer queue flow in a loop, with the long-wait message after three minutes', async () => {
    const { s, time } = await line();
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    assert.equal(s.center.contact(caller.contactId)?.phase, 'queued');
    await settle(time, 250_000); // checks at 60, 120, 180 and 240 s; the oldest wait passes 180 s by the fourth
    const heard = caller.heard.filter((h) => h.kind === 'prompt').map((h) => h.text);
    assert.ok(heard.some((t) => t.includes('順番におつなぎします')), heard.join(' / '));
    assert.ok(heard.some((t) => t.includes('担当者が空きしだい')));
    assert.ok(heard.some((t) => t.includes('大変お待たせしております')), 'the long-wait check ran (CheckMetricData)');
    s.close();
  });

  test('is offered to the rank-1 agent the moment they become Available, and the hold messages stop', async () => {
    const { s, time } = await line();
    const caller = dial(s, time, '1002#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 30_000);
    s.center.setAgentStatus('tanaka', 'Available'); // rank 1 for project-fuji
    assert.equal(s.router.agent('tanaka')?.status, 'Ringing');
    s.center.accept('tanaka', caller.contactId);
    const heardBefore = caller.heard.length;
    await settle(time, 120_000);
    assert.equal(caller.heard.filter((h) => h.kind === 'prompt').length, caller.heard.slice(0, heardBefore).filter((h) => h.kind === 'prompt').length, 'no hold message after the connection');
    s.center.customerHangUp(caller.contactId);
    s.center.finishAfterContactWork('tanaka', 'done');
    const record = s.contacts.get(caller.contactId);
    assert.equal(record?.disconnectReason, 'CUSTOMER_DISCONNECT');
    assert.ok((record?.queueDuration ?? 0) >= 30);
    assert.equal(record?.talkDuration, 120);
    assert.equal(record?.notes, 'done');
    s.close();
  });

  test('holds while connected are counted, on either leg, and talk time excludes them; a hold in the flow is not', async () => {
    const { s, time } = await line();
    s.center.setAgentStatus('tanaka', 'Available');
    const caller = dial(s, time, '1002#');
    await waitForQueue(s, time, caller.contactId);
    s.center.holdStarted(caller.contactId, 'customer'); // before the agent: Connect counts agent-time holds only
    s.center.holdEnded(caller.contactId, 'customer');
    s.center.accept('tanaka', caller.contactId);
    await settle(time, 10_000);
    s.center.holdStarted(caller.contactId, 'customer');
    await settle(time, 20_000);
    s.center.holdStarted(caller.contactId, 'agent'); // both legs hold: still one hold
    await settle(time, 5_000);
    s.center.holdEnded(caller.contactId, 'customer');
    await settle(time, 5_000);
    s.center.holdEnded(caller.contactId, 'agent');
    await settle(time, 10_000);
    s.center.holdStarted(caller.contactId, 'agent');
    await settle(time, 7_000);
    s.center.customerHangUp(caller.contactId); // still on hold: the hold ends with the call
    s.center.finishAfterContactWork('tanaka');
    const record = s.contacts.get(caller.contactId);
    assert.equal(record?.numberOfHolds, 2);
    assert.equal(record?.holdDuration, 37);
    assert.equal(record?.longestHoldDuration, 30);
    assert.equal(record?.talkDuration, 57 - 37);
    s.close();
  });

  test('an agent holds the caller from the desktop: an event for the media side, one hold in the record; only while connected to that agent', async () => {
    const { s, time } = await line();
    const holds: unknown[] = [];
    s.bus.subscribe((e) => e.type === 'contact.hold', (e) => holds.push(e));
    s.center.setAgentStatus('tanaka', 'Available');
    const caller = dial(s, time, '1002#');
    await waitForQueue(s, time, caller.contactId);
    assert.throws(() => s.center.agentHold('tanaka', caller.contactId, true), /not connected/);
    s.center.accept('tanaka', caller.contactId);
    assert.throws(() => s.center.agentHold('sato', caller.contactId, true), /not connected to agent sato/);
    s.center.agentHold('tanaka', caller.contactId, true);
    s.center.agentHold('tanaka', caller.contactId, true); // pressed twice: still one hold
    await settle(time, 12_000);
    s.center.agentHold('tanaka', caller.contactId, false);
    await settle(time, 8_000);
    assert.deepEqual(holds.map((e) => (e as { on: boolean }).on), [true, false]);
    s.center.agentHangUp('tanaka', caller.contactId);
    s.center.finishAfterContactWork('tanaka');
    const record = s.contacts.get(caller.contactId);
    assert.equal(record?.numberOfHolds, 1);
    assert.equal(record?.holdDuration, 12);
    s.close();
  });

  test('the ringing agent is told who is calling: the customer number, name and project the flow found', async () => {
    const { s, time } = await line();
    const offers: unknown[] = [];
    s.bus.subscribe((e) => e.type === 'contact.offered', (e) => offers.push(e));
    s.center.setAgentStatus('tanaka', 'Available'); // rank 1 for project-fuji
    const caller = dial(s, time, '1002#');
    await waitForQueue(s, time, caller.contactId);
    const who = { customerNumber: '1002', customerName: '富士不動産株式会社', project: '富士ビル改修' };
    assert.deepEqual(offers, [{
      type: 'contact.offered', contactId: caller.contactId, agentId: 'tanaka', queueId: 'project-fuji',
      ringUntil: time.now + 20_000, at: time.now, ...who,
    }]);
    const [offered] = s.center.offersFor('tanaka');
    assert.ok(offered);
    assert.deepEqual(s.center.summary(caller.contactId), who);
    assert.deepEqual(JSON.parse(JSON.stringify(contactView(s.center, offered))), {
      contactId: caller.contactId, from: '+819011112222', to: '+81501234567', phase: 'ringing', queueId: 'project-fuji',
      ...who, initiatedAt: new Date(offered.initiatedAt).toISOString(), enqueuedAt: new Date(offered.enqueuedAt ?? 0).toISOString(),
    });
    s.center.accept('tanaka', caller.contactId);
    s.center.customerHangUp(caller.contactId);
    s.center.finishAfterContactWork('tanaka');
    const record = s.contacts.get(caller.contactId);
    assert.equal(record?.customerNumber, '1002');
    assert.equal(record?.customerName, '富士不動産株式会社');
    s.close();
  });

  test('nobody within the queue\'s max wait: the busy message, then a QUEUE_TIMEOUT record', async () => {
    const { s, time } = await line();
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 301_000); // the demo queues wait at most 300 s
    await settle(time, 30_000);
    assert.ok(caller.hungUp);
    assert.ok(caller.heard.some((h) => h.text.includes('混み合って')) || s.contacts.get(caller.contactId)?.flowPath.includes('queue-busy-message'));
    assert.equal(s.contacts.get(caller.contactId)?.disconnectReason, 'QUEUE_TIMEOUT');
    s.close();
  });

  test('after-contact work ends by itself after the routing profile\'s timeout', async () => {
    const { s, time } = await line();
    s.center.setAgentStatus('sato', 'Available');
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    assert.equal(s.router.agent('sato')?.status, 'Ringing');
    s.center.accept('sato', caller.contactId);
    s.center.agentHangUp('sato', caller.contactId);
    assert.equal(s.router.agent('sato')?.status, 'AfterContactWork');
    await settle(time, 30_000); // the demo routing profile: 30 s
    assert.equal(s.router.agent('sato')?.status, 'Available');
    assert.equal(s.contacts.get(caller.contactId)?.afterContactWorkDuration, 30);
    s.close();
  });

  test('an offer the line could not connect (offerFailed) goes to the next agent; the first is Available, and neither record nor metrics count a miss', async () => {
    const { s, time } = await line();
    s.center.setAgentStatus('sato', 'Available');
    s.center.setAgentStatus('suzuki', 'Available');
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    assert.equal(s.router.agent('sato')?.status, 'Ringing', 'rank 1 for project-sakura');
    await settle(time, 3000);
    s.center.offerFailed('sato', caller.contactId, 'the media of agent sato\'s phone failed');
    assert.equal(s.router.agent('sato')?.status, 'Available');
    assert.equal(s.router.agent('suzuki')?.status, 'Ringing');
    assert.deepEqual(s.center.offersFor('suzuki').map((c) => c.contactId), [caller.contactId]);
    assert.deepEqual(s.center.offersFor('sato'), []);
    s.center.accept('suzuki', caller.contactId);
    await settle(time, 60_000);
    s.center.customerHangUp(caller.contactId);
    s.center.finishAfterContactWork('suzuki');
    const record = s.contacts.get(caller.contactId);
    assert.ok(record);
    assert.equal(record.agent?.id, 'suzuki');
    assert.deepEqual(record.agentOffers.map((o) => ({ agentId: o.agentId, outcome: o.outcome, failure: o.failure })), [
      { agentId: 'sato', outcome: 'FailedConnectAgent', failure: 'the media of agent sato\'s phone failed' },
      { agentId: 'suzuki', outcome: 'Accepted', failure: undefined },
    ]);
    const metrics = historicalMetrics({ records: [record], period: { from: time.now - 3_600_000, to: time.now + 1 } });
    assert.equal(metrics.byAgent['sato']?.contactsMissed ?? 0, 0, 'sato has no miss (and no entry, having handled nothing)');
    assert.equal(metrics.total.contactsHandled, 1);
    s.close();
  });

  test('a transfer to one named agent (agent queue): rings that agent only, and waits for them', async () => {
    const { s, time } = await line((def, dir) => {
      writeFileSync(join(dir, 'flows', 'to-sato.json'), JSON.stringify({
        Version: '2019-10-30', StartAction: 'to-sato-queue',
        Actions: [
          { Identifier: 'to-sato-queue', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/agent/sato' }, Transitions: { NextAction: 'ring-sato', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
          { Identifier: 'ring-sato', Type: 'TransferContactToAgent', Parameters: {}, Transitions: {} },
          { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
        ],
      }));
      def.flows.push({ id: 'to-sato', name: 'to-sato', file: 'flows/to-sato.json', type: 'AGENT_TRANSFER' });
      def.phoneNumbers.push({ number: '+81500000001', flow: 'to-sato' });
    });
    s.center.setAgentStatus('suzuki', 'Available');
    const caller = dial(s, time, '', 0, '+81500000001');
    await settle(time, 1000);
    assert.equal(s.center.contact(caller.contactId)?.phase, 'queued', 'suzuki is Available but the contact is for sato');
    assert.equal(s.router.agent('suzuki')?.status, 'Available');
    s.center.setAgentStatus('sato', 'Available');
    assert.equal(s.router.agent('sato')?.status, 'Ringing');
    s.center.accept('sato', caller.contactId);
    assert.equal(s.center.contact(caller.contactId)?.agentId, 'sato');
    s.close();
  });
});

describe('agents\' proficiencies from the instance definition', () => {
  test('a flow\'s proficiency criteria ring the agent at the level asked for, before a better-ranked agent below it', async () => {
    const { s, time } = await line((def, dir) => {
      const level = (id: string, n: number) => {
        const agent = def.agents.find((a) => a.id === id);
        if (agent) agent.proficiencies = [{ attributeName: 'Language', attributeValue: 'English', level: n }];
      };
      level('sato', 2);
      level('suzuki', 5);
      writeFileSync(join(dir, 'flows', 'english.json'), JSON.stringify({
        Version: '2019-10-30', StartAction: 'english',
        Actions: [
          {
            Identifier: 'english', Type: 'UpdateRoutingCriteria',
            Parameters: { RoutingCriteria: { Steps: [{
              Expression: { AttributeCondition: { Name: 'Language', Value: 'English', ProficiencyLevel: 4, ComparisonOperator: 'NumberGreaterOrEqualTo' } },
              Expiry: { DurationInSeconds: 60 },
            }] } },
            Transitions: { NextAction: 'sakura', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] },
          },
          { Identifier: 'sakura', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'project-sakura' }, Transitions: { NextAction: 'queue', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }] } },
          { Identifier: 'queue', Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'bye', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'bye' }, { ErrorType: 'QueueAtCapacity', NextAction: 'bye' }] } },
          { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
        ],
      }));
      def.flows.push({ id: 'english', name: 'english', file: 'flows/english.json' });
      def.phoneNumbers.push({ number: '+81500000002', flow: 'english' });
    });
    s.center.setAgentStatus('sato', 'Available');
    const caller = dial(s, time, '', 0, '+81500000002');
    await waitForQueue(s, time, caller.contactId);
    assert.equal(s.center.contact(caller.contactId)?.phase, 'queued', 'sato (rank 1, English 2) is Available but below level 4');
    s.center.setAgentStatus('suzuki', 'Available');
    assert.equal(s.router.agent('suzuki')?.status, 'Ringing', 'suzuki (English 5) rings');
    assert.equal(s.router.agent('sato')?.status, 'Available');
    s.close();
  });
});

/** The demo line with its customer queue flow replaced by these actions. */
function withQueueFlow(actions: Record<string, unknown>[]): Parameters<typeof demoDataDir>[0] {
  return (_def, dir) => {
    writeFileSync(join(dir, 'flows', 'customer-queue.json'), JSON.stringify({ Version: '2019-10-30', StartAction: actions[0]?.['Identifier'], Actions: actions }));
  };
}

const say = (id: string, text: string, next?: string) => ({
  Identifier: id, Type: 'MessageParticipant', Parameters: { Text: text },
  Transitions: { ...(next ? { NextAction: next } : {}), Errors: [] },
});

describe('the customer queue flow beside the contact\'s own flow', () => {
  test('a Disconnect in the queue flow takes the contact out of its queue and hangs up', async () => {
    const { s, time } = await line(withQueueFlow([
      say('sorry', 'ただいま受付を終了しました。', 'bye'),
      { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ]));
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 10_000);
    assert.ok(caller.hungUp);
    assert.equal(caller.heard.at(-1)?.text, 'queue flow disconnected');
    assert.equal(s.router.queueSnapshot('project-sakura')?.waiting, 0);
    assert.equal(s.center.contact(caller.contactId), undefined, 'the contact is over');
    const record = s.contacts.get(caller.contactId);
    assert.ok(record?.enqueueTimestamp);
    assert.ok(record?.flowPath.includes('transfer-to-queue'));
    assert.ok(!record?.flowPath.includes('bye'), 'the record\'s path is the main flow\'s');
    s.close();
  });

  test('a queue flow that runs out leaves the contact waiting, and an agent still gets it', async () => {
    const { s, time } = await line(withQueueFlow([
      say('once', 'このままお待ちください。', 'done'),
      { Identifier: 'done', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
    ]));
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 10_000);
    assert.equal(caller.hungUp, false);
    assert.equal(s.center.contact(caller.contactId)?.phase, 'queued');
    assert.equal(s.center.contact(caller.contactId)?.queueFlowState?.status, 'ended');
    s.center.setAgentStatus('sato', 'Available');
    assert.equal(s.center.contact(caller.contactId)?.phase, 'ringing');
    s.close();
  });

  test('cannot change the recording; a queue flow that would move the contact to another queue is refused when the line opens (Connect\'s restriction)', async () => {
    const { s, time } = await line(withQueueFlow([
      { Identifier: 'no-recording', Type: 'UpdateContactRecordingBehavior', Parameters: { RecordingBehavior: { RecordedParticipants: [] } }, Transitions: { NextAction: 'end', Errors: [] } },
      { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
    ]));
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 10_000);
    const live = s.center.contact(caller.contactId);
    assert.equal(live?.queueId, 'project-sakura');
    assert.deepEqual(live?.recordedParticipants, ['Agent', 'Customer']);
    assert.equal(caller.heard.filter((h) => h.kind === 'recording').length, 1, 'only the main flow\'s recording block reached the channel');
    s.close();

    // UpdateContactTargetQueue and TransferContactToQueue are for inbound and transfer flows only.
    await assert.rejects(line(withQueueFlow([
      { Identifier: 'to-fuji', Type: 'UpdateContactTargetQueue', Parameters: { QueueId: 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/queue/project-fuji' }, Transitions: { NextAction: 'transfer', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'transfer' }] } },
      {
        Identifier: 'transfer', Type: 'TransferContactToQueue', Parameters: {},
        Transitions: { NextAction: 'end', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'end' }, { ErrorType: 'QueueAtCapacity', NextAction: 'end' }] },
      },
      { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
    ])), /not-in-flow-type \[to-fuji\].*UpdateContactTargetQueue is not allowed in a CUSTOMER_QUEUE flow[\s\S]*not-in-flow-type \[transfer\]/);
  });

  test('DequeueContactAndTransferToQueue moves the waiting contact to another queue; the queue flow\'s tags reach the record', async () => {
    const { s, time } = await line(withQueueFlow([
      { Identifier: 'tag', Type: 'TagContact', Parameters: { Tags: { moved: 'yes' } }, Transitions: { NextAction: 'move' } },
      {
        Identifier: 'move', Type: 'DequeueContactAndTransferToQueue',
        Parameters: { QueueId: 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/queue/project-fuji' },
        Transitions: { Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'end' }, { ErrorType: 'QueueAtCapacity', NextAction: 'end' }] },
      },
      { Identifier: 'end', Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
    ]));
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 1000);
    assert.equal(s.center.contact(caller.contactId)?.queueId, 'project-fuji');
    assert.equal(s.router.queueSnapshot('project-sakura')?.waiting, 0);
    assert.equal(s.router.queueSnapshot('project-fuji')?.waiting, 1);
    s.center.setAgentStatus('tanaka', 'Available');
    assert.equal(s.center.contact(caller.contactId)?.phase, 'ringing', 'the fuji project\'s rank-1 agent gets it');
    s.center.customerHangUp(caller.contactId);
    await settle(time, 1000);
    assert.deepEqual(s.contacts.get(caller.contactId)?.tags, { moved: 'yes' });
    s.close();
  });

  test('keys and its timers go to the queue flow while it plays; only the main flow\'s steps are published', async () => {
    const { s, time } = await line(withQueueFlow([
      {
        Identifier: 'menu', Type: 'GetParticipantInput',
        Parameters: { Text: 'コールバックをご希望の方は1を押してください。', StoreInput: 'False', InputTimeLimitSeconds: '5' },
        Transitions: {
          NextAction: 'silence', Errors: [{ ErrorType: 'InputTimeLimitExceeded', NextAction: 'silence' }, { ErrorType: 'NoMatchingCondition', NextAction: 'silence' }],
          Conditions: [{ NextAction: 'pressed', Condition: { Operator: 'Equals', Operands: ['1'] } }],
        },
      },
      say('pressed', '承りました。', 'menu'),
      say('silence', 'このままお待ちください。', 'menu'),
    ]));
    const steps: string[] = [];
    s.bus.subscribe((e) => e.type === 'contact.step', (e) => {
      if (e.type === 'contact.step') steps.push(e.step.actionId);
    });
    const caller = dial(s, time, '1001#');
    await waitForQueue(s, time, caller.contactId);
    await settle(time, 2000); // the menu prompt has been said
    s.center.dtmf(caller.contactId, '1');
    await settle(time, 0);
    assert.ok(caller.heard.some((h) => h.text === '承りました。'), 'the key reached the queue flow');
    await settle(time, 10_000);
    assert.ok(caller.heard.some((h) => h.text === 'このままお待ちください。'), 'the queue flow\'s input timer fired');
    assert.equal(s.center.contact(caller.contactId)?.flowState.status, 'queued', 'the main flow still waits in the queue');
    assert.ok(steps.includes('transfer-to-queue'));
    assert.ok(!steps.some((id) => ['menu', 'pressed', 'silence'].includes(id)), steps.join(' '));
    s.close();
  });
});

describe('the line going down (chokutsu start stopped)', () => {
  test('endAll hangs up on every caller — in the flow, queued, ringing, connected — and each leaves a LINE_SHUTDOWN record; ACW closes', async () => {
    const { s, time } = await line();
    s.center.setAgentStatus('tanaka', 'Available'); // rank 1 for project-fuji
    const connected = dial(s, time, '1002#');
    await waitForQueue(s, time, connected.contactId);
    s.center.accept('tanaka', connected.contactId);
    const queued = dial(s, time, '1001#');
    await waitForQueue(s, time, queued.contactId);
    const inFlow = dial(s, time, '');
    await settle(time, 1000);
    assert.deepEqual([connected, queued, inFlow].map((c) => s.center.contact(c.contactId)?.phase), ['connected', 'queued', 'flow']);

    s.center.endAll('the line is shutting down');
    for (const caller of [connected, queued, inFlow]) {
      assert.ok(caller.hungUp);
      assert.equal(caller.heard.at(-1)?.text, 'the line is shutting down');
      assert.equal(s.contacts.get(caller.contactId)?.disconnectReason, 'LINE_SHUTDOWN', caller.contactId);
    }
    assert.ok(s.contacts.get(connected.contactId)?.afterContactWorkEndTimestamp, 'ACW closed and saved');
    assert.deepEqual(s.center.liveContacts(), []);
    assert.notEqual(s.router.agent('tanaka')?.status, 'Ringing', 'nobody was offered a contact while the line went down');
    s.close();
  });
});
