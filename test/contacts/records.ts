// Builds contact records for the tests: a handled call unless the overrides say otherwise.
import { DEFAULT_RATES } from '../../src/contacts/cost.ts';
import { finalizeContactRecord } from '../../src/contacts/finalize.ts';
import { type ContactRecord, type ContactRecordDraft } from '../../src/contacts/record.ts';

export const T0 = Date.parse('2025-03-03T01:00:00Z'); // Monday 10:00 in Tokyo

export const iso = (ms: number): string => new Date(ms).toISOString();

export const SUPPORT = { id: 'q-support', name: 'Support', arn: 'arn:aws:connect:ap-northeast-1:123456789012:instance/i/queue/q-support' };
export const SALES = { id: 'q-sales', name: 'Sales', arn: 'arn:aws:connect:ap-northeast-1:123456789012:instance/i/queue/q-sales' };
export const SATO = { id: 'a-sato', name: 'Sato Hanako', username: 'sato' };
export const SUZUKI = { id: 'a-suzuki', name: 'Suzuki Ichiro', username: 'suzuki' };

/** A call at `start` that waits `waitS` in the queue, talks `talkS`, then `acwS` of after-contact work. */
export function handledCall(id: string, start: number, o: { waitS?: number; talkS?: number; acwS?: number; queue?: typeof SUPPORT; agent?: typeof SATO; caller?: string; customerNumber?: string } = {}): ContactRecord {
  const enqueue = start + 20_000; // 20 s of flow: hours, holiday check, number input, lookup
  const connected = enqueue + (o.waitS ?? 5) * 1000;
  const disconnect = connected + (o.talkS ?? 120) * 1000;
  const agent = o.agent ?? SATO;
  const draft: ContactRecordDraft = {
    contactId: id,
    initialContactId: id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    customerEndpoint: o.caller ?? '+819012345678',
    systemEndpoint: '+81312345678',
    customerNumber: o.customerNumber ?? '1001',
    customerName: 'Yamada Taro',
    queue: o.queue ?? SUPPORT,
    agent,
    initiationTimestamp: iso(start),
    enqueueTimestamp: iso(enqueue),
    offeredTimestamp: iso(enqueue),
    connectedToAgentTimestamp: iso(connected),
    disconnectTimestamp: iso(disconnect),
    afterContactWorkEndTimestamp: iso(disconnect + (o.acwS ?? 30) * 1000),
    disconnectReason: 'CUSTOMER_DISCONNECT',
    attributes: { customerNumber: o.customerNumber ?? '1001' },
    flowPath: ['check-hours', 'holiday-check', 'get-number', 'lookup', 'set-queue', 'transfer'],
    recording: { location: `recordings/${id}.wav`, participants: ['AGENT', 'CUSTOMER'] },
    agentOffers: [{ agentId: agent.id, at: iso(enqueue), outcome: 'Accepted' }],
  };
  return finalizeContactRecord(draft, DEFAULT_RATES);
}

/** A caller who hangs up after waiting `waitS` in the queue. */
export function abandonedCall(id: string, start: number, waitS: number, queue = SUPPORT): ContactRecord {
  const enqueue = start + 20_000;
  return finalizeContactRecord({
    contactId: id,
    initialContactId: id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    customerEndpoint: '+819011112222',
    systemEndpoint: '+81312345678',
    customerNumber: '1002',
    queue,
    initiationTimestamp: iso(start),
    enqueueTimestamp: iso(enqueue),
    disconnectTimestamp: iso(enqueue + waitS * 1000),
    disconnectReason: 'ABANDONED_IN_QUEUE',
    attributes: {},
    flowPath: ['check-hours', 'holiday-check', 'get-number', 'lookup', 'set-queue', 'transfer'],
    agentOffers: [],
  }, DEFAULT_RATES);
}

/** A call the flow ends before any queue (after hours, holiday …). */
export function flowOnlyCall(id: string, start: number, seconds: number, reason: ContactRecord['disconnectReason']): ContactRecord {
  return finalizeContactRecord({
    contactId: id,
    initialContactId: id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    customerEndpoint: '+819033334444',
    systemEndpoint: '+81312345678',
    initiationTimestamp: iso(start),
    disconnectTimestamp: iso(start + seconds * 1000),
    disconnectReason: reason,
    attributes: {},
    flowPath: ['check-hours', 'after-hours-message', 'disconnect'],
    agentOffers: [],
  }, DEFAULT_RATES);
}
