// A finished contact's derived fields: durations from its timestamps, and its cost.
import { contactCost, type Rates } from './cost.ts';
import type { ContactRecord, ContactRecordDraft } from './record.ts';

/** Fills in the durations (from the timestamps) and the cost of a finished contact. */
export function finalizeContactRecord(draft: ContactRecordDraft, rates: Rates): ContactRecord {
  const ms = (iso: string): number => Date.parse(iso);
  const seconds = (from: string, to: string): number => Math.max(0, Math.round((ms(to) - ms(from)) / 1000));
  const disconnect = draft.disconnectTimestamp;
  const connected = draft.connectedToAgentTimestamp;
  const holdDuration = draft.holdDuration ?? 0;
  const ringDuration = draft.agentOffers.reduce(
    (sum, o) => sum + seconds(o.at, o.endedAt ?? (o.outcome === 'Accepted' && connected ? connected : disconnect)), 0);
  const record: Omit<ContactRecord, 'cost'> = {
    ...draft,
    queueDuration: draft.enqueueTimestamp ? seconds(draft.enqueueTimestamp, connected ?? disconnect) : 0,
    ringDuration,
    talkDuration: connected ? Math.max(0, seconds(connected, disconnect) - holdDuration) : 0,
    holdDuration,
    numberOfHolds: draft.numberOfHolds ?? 0,
    longestHoldDuration: draft.longestHoldDuration ?? 0,
    afterContactWorkDuration: draft.afterContactWorkEndTimestamp ? seconds(disconnect, draft.afterContactWorkEndTimestamp) : 0,
    totalDuration: seconds(draft.initiationTimestamp, disconnect),
  };
  return { ...record, cost: contactCost(record, rates) };
}
