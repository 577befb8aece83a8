import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRealtimeSnapshot, type RealtimeSnapshot } from '../../src/contacts/metrics.ts';
import { createMetricsRegistry } from '../../src/server/prometheus.ts';
import { SALES, SUPPORT, T0 } from '../contacts/records.ts';

test('renders queue gauges, agent states and the contact counter in Prometheus text format', async () => {
  let snapshot: RealtimeSnapshot = buildRealtimeSnapshot({
    now: new Date(T0),
    queues: [SUPPORT, SALES],
    waiting: [
      { contactId: 'w1', queueId: SUPPORT.id, enqueuedAt: T0 - 30_000 },
      { contactId: 'w2', queueId: SUPPORT.id, enqueuedAt: T0 - 95_000 },
    ],
    agents: [
      { agentId: 'a1', status: 'Available' },
      { agentId: 'a2', status: 'Available' },
      { agentId: 'a3', status: 'Custom', customStatus: 'Break' },
    ],
  });
  const metrics = createMetricsRegistry(() => snapshot);
  metrics.countContact({ queue: SUPPORT, disconnectReason: 'CUSTOMER_DISCONNECT' });
  metrics.countContact({ queue: SUPPORT, disconnectReason: 'CUSTOMER_DISCONNECT' });
  metrics.countContact({ disconnectReason: 'AFTER_HOURS' });

  const lines = (await metrics.metrics()).split('\n');
  for (const expected of [
    '# TYPE chokutsu_queue_contacts_waiting gauge',
    'chokutsu_queue_contacts_waiting{queue="Support"} 2',
    'chokutsu_queue_contacts_waiting{queue="Sales"} 0',
    '# TYPE chokutsu_queue_oldest_wait_seconds gauge',
    'chokutsu_queue_oldest_wait_seconds{queue="Support"} 95',
    'chokutsu_agents{state="Available"} 2',
    'chokutsu_agents{state="Break"} 1',
    '# TYPE chokutsu_contacts_total counter',
    'chokutsu_contacts_total{queue="Support",disconnect_reason="CUSTOMER_DISCONNECT"} 2',
    'chokutsu_contacts_total{queue="(none)",disconnect_reason="AFTER_HOURS"} 1',
  ]) {
    assert.ok(lines.includes(expected), `missing line: ${expected}`);
  }
  assert.match(metrics.contentType, /^text\/plain/);

  // The next scrape reads the snapshot afresh: the queue empties, the agent back from break.
  snapshot = buildRealtimeSnapshot({
    now: new Date(T0 + 60_000), queues: [SUPPORT, SALES], waiting: [],
    agents: [{ agentId: 'a1', status: 'OnContact' }, { agentId: 'a2', status: 'Available' }, { agentId: 'a3', status: 'Available' }],
  });
  const next = (await metrics.metrics()).split('\n');
  assert.ok(next.includes('chokutsu_queue_contacts_waiting{queue="Support"} 0'));
  assert.ok(next.includes('chokutsu_agents{state="Available"} 2'));
  assert.ok(next.includes('chokutsu_agents{state="OnContact"} 1'));
  assert.ok(!next.some((l) => l.startsWith('chokutsu_agents{state="Break"}')), 'a state nobody is in disappears');
});

test('reports the SIP side\'s drops, failed digests and lockouts, and the process\'s memory, fds and loop delay', async () => {
  const metrics = createMetricsRegistry(() => buildRealtimeSnapshot({ now: new Date(T0), queues: [], waiting: [], agents: [] }));
  metrics.observeSip(() => ({ dropped: { rate: 49_000, lockedOut: 7 }, authFailures: 5, lockouts: 1 }));
  const text = await metrics.metrics();
  for (const expected of [
    'chokutsu_sip_messages_dropped_total{reason="rate"} 49000',
    'chokutsu_sip_messages_dropped_total{reason="locked_out"} 7',
    'chokutsu_sip_auth_failures_total 5',
    'chokutsu_sip_lockouts_total 1',
  ]) assert.ok(text.split('\n').includes(expected), `missing line: ${expected}`);
  for (const name of ['process_resident_memory_bytes', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
    assert.match(text, new RegExp(`^${name} \\d`, 'm'), name);
  }
});
