import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentStatusInterval } from '../../src/contacts/agent-status.ts';
import { buildRealtimeSnapshot, historicalMetrics } from '../../src/contacts/metrics.ts';
import { abandonedCall, flowOnlyCall, handledCall, iso, SALES, SATO, SUPPORT, SUZUKI, T0 } from './records.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const jst = (local: string): string => new Date(`${local}+09:00`).toISOString();

// T0 is Monday 2025-03-03 10:00 in Tokyo. Every call spends 20 s in the flow before it is queued.
const h2 = handledCall('h2', T0 + HOUR, { queue: SUPPORT, agent: SUZUKI, waitS: 30, talkS: 200, acwS: 40 });
const records = [
  handledCall('h1', T0, { queue: SUPPORT, agent: SATO, waitS: 5, talkS: 100, acwS: 20 }), // handle 120
  // Sato let it ring out before Suzuki answered.
  { ...h2, agentOffers: [{ agentId: SATO.id, at: h2.enqueueTimestamp ?? '', outcome: 'RingTimeout' as const }, ...h2.agentOffers] }, // handle 240
  handledCall('h3', T0 + DAY, { queue: SALES, agent: SATO, waitS: 15, talkS: 60, acwS: 0 }), // handle 60
  abandonedCall('a1', T0 + 2 * HOUR, 10, SUPPORT),
  abandonedCall('a2', T0 + DAY + HOUR, 50, SALES),
  flowOnlyCall('f1', T0 + DAY + 2 * HOUR, 15, 'AFTER_HOURS'),
  handledCall('later', T0 + 2 * DAY, { queue: SUPPORT, agent: SATO }), // outside the period
];
const period = { from: jst('2025-03-03T00:00:00'), to: jst('2025-03-05T00:00:00') };

const statuses: AgentStatusInterval[] = [
  { agentId: SATO.id, status: 'Available', from: jst('2025-03-03T09:00:00'), to: jst('2025-03-03T12:00:00') },
  { agentId: SATO.id, status: 'Custom', customStatus: 'Lunch', from: jst('2025-03-03T12:00:00'), to: jst('2025-03-03T13:00:00') },
  { agentId: SATO.id, status: 'Available', from: jst('2025-03-03T13:00:00'), to: jst('2025-03-03T13:30:00') },
  { agentId: SATO.id, status: 'Offline', from: jst('2025-03-03T13:30:00'), to: jst('2025-03-04T09:00:00') },
  { agentId: SATO.id, status: 'Available', from: jst('2025-03-04T09:00:00'), to: jst('2025-03-04T10:00:00') },
  // Logged in before the period starts: only the part inside counts.
  { agentId: SUZUKI.id, status: 'Available', from: jst('2025-03-02T23:00:00'), to: jst('2025-03-03T12:00:00') },
  // Still available: counts up to the period's end.
  { agentId: 'a-kato', status: 'Available', from: jst('2025-03-04T23:00:00') },
];

describe('historical metrics', () => {
  const m = historicalMetrics({ records, period, serviceLevelSeconds: 20, timeZone: 'Asia/Tokyo', agentStatusIntervals: statuses });

  test('counts offered, handled and abandoned contacts; calls ended in the flow are not offered', () => {
    assert.equal(m.total.contactsOffered, 5);
    assert.equal(m.total.contactsHandled, 3);
    assert.equal(m.total.contactsAbandoned, 2);
  });

  test('service level counts contacts that left the queue within X s, answered or abandoned, as Connect does', () => {
    // answered within 20 s: h1 (5 s), h3 (15 s); abandoned within 20 s: a1 (10 s); h2 (30 s) and a2 (50 s) missed
    assert.equal(m.total.contactsAnsweredWithinThreshold, 2);
    assert.equal(m.total.contactsAbandonedWithinThreshold, 1);
    assert.equal(m.total.serviceLevel, 3 / 5);
    assert.equal(m.total.answeredWithinThresholdRate, 2 / 5);
  });

  test('average speed of answer, average handle time and abandonment rate', () => {
    assert.equal(m.total.averageSpeedOfAnswer, (5 + 30 + 15) / 3);
    assert.equal(m.total.averageHandleTime, (120 + 240 + 60) / 3);
    assert.equal(m.total.abandonmentRate, 2 / 5);
  });

  test('per queue', () => {
    assert.deepEqual(m.byQueue[SUPPORT.id], {
      queueName: 'Support',
      contactsOffered: 3, contactsHandled: 2, contactsAbandoned: 1,
      contactsAnsweredWithinThreshold: 1, contactsAbandonedWithinThreshold: 1,
      serviceLevel: 2 / 3, answeredWithinThresholdRate: 1 / 3,
      averageSpeedOfAnswer: 17.5, averageHandleTime: 180, abandonmentRate: 1 / 3,
    });
    assert.equal(m.byQueue[SALES.id]?.serviceLevel, 1 / 2);
    assert.equal(m.byQueue[SALES.id]?.averageSpeedOfAnswer, 15);
    assert.equal(m.byQueue[SALES.id]?.abandonmentRate, 1 / 2);
  });

  test('per local day in the time zone', () => {
    assert.deepEqual(Object.keys(m.byDay), ['2025-03-03', '2025-03-04']);
    assert.equal(m.byDay['2025-03-03']?.contactsOffered, 3);
    assert.equal(m.byDay['2025-03-04']?.contactsOffered, 2);
    assert.equal(m.byDay['2025-03-04']?.contactsHandled, 1);
    // 2025-03-03T20:00Z is already the 4th in Tokyo but still the 3rd in UTC.
    const late = historicalMetrics({ records: [abandonedCall('x', Date.parse('2025-03-03T20:00:00Z'), 5)], period, timeZone: 'Asia/Tokyo' });
    assert.deepEqual(Object.keys(late.byDay), ['2025-03-04']);
    const utc = historicalMetrics({ records: [abandonedCall('x', Date.parse('2025-03-03T20:00:00Z'), 5)], period, timeZone: 'UTC' });
    assert.deepEqual(Object.keys(utc.byDay), ['2025-03-03']);
  });

  test('per agent: handled, missed, handle time and occupancy over staffed time', () => {
    // Sato staffed 3 h + 0.5 h on the 3rd (lunch is a custom status, not staffed) + 1 h on the 4th
    assert.deepEqual(m.byAgent[SATO.id], {
      agentId: SATO.id, agentName: SATO.name,
      contactsHandled: 2, contactsMissed: 1, averageHandleTime: 90,
      onContactSeconds: 180, staffedSeconds: 16_200, occupancy: 180 / 16_200,
    });
    // Suzuki: 00:00–12:00 on the 3rd inside the period
    assert.equal(m.byAgent[SUZUKI.id]?.staffedSeconds, 12 * 3600);
    assert.equal(m.byAgent[SUZUKI.id]?.occupancy, 240 / (12 * 3600));
    assert.deepEqual(m.byAgent['a-kato'], {
      agentId: 'a-kato', contactsHandled: 0, contactsMissed: 0, averageHandleTime: null,
      onContactSeconds: 0, staffedSeconds: 3600, occupancy: 0,
    });
  });

  test('ratios are null, not NaN, when there is nothing to divide by', () => {
    const empty = historicalMetrics({ records: [flowOnlyCall('f', T0, 10, 'HOLIDAY')], period });
    assert.equal(empty.total.contactsOffered, 0);
    assert.equal(empty.total.serviceLevel, null);
    assert.equal(empty.total.averageSpeedOfAnswer, null);
    assert.equal(empty.total.abandonmentRate, null);
    assert.equal(empty.serviceLevelSeconds, 20);
    assert.equal(empty.timeZone, 'Asia/Tokyo');
  });
});

describe('real-time snapshot', () => {
  test('contacts waiting and the oldest wait per queue, agents per state', () => {
    const now = new Date(T0);
    const snap = buildRealtimeSnapshot({
      now,
      queues: [SUPPORT, SALES],
      waiting: [
        { contactId: 'w1', queueId: SUPPORT.id, enqueuedAt: T0 - 30_000 },
        { contactId: 'w2', queueId: SUPPORT.id, enqueuedAt: iso(T0 - 95_000) },
        { contactId: 'w3', queueId: 'q-gone', enqueuedAt: T0 - 1000 },
      ],
      agents: [
        { agentId: 'a1', status: 'Available' },
        { agentId: 'a2', status: 'Available' },
        { agentId: 'a3', status: 'OnContact' },
        { agentId: 'a4', status: 'Custom', customStatus: 'Break' },
      ],
    });
    assert.equal(snap.at, now.toISOString());
    assert.deepEqual(snap.queues, [
      { queueId: SUPPORT.id, queueName: 'Support', contactsWaiting: 2, oldestWaitSeconds: 95 },
      { queueId: SALES.id, queueName: 'Sales', contactsWaiting: 0, oldestWaitSeconds: 0 },
      { queueId: 'q-gone', queueName: 'q-gone', contactsWaiting: 1, oldestWaitSeconds: 1 },
    ]);
    assert.deepEqual(snap.agentsByState, { Available: 2, OnContact: 1, Break: 1 });
  });
});
