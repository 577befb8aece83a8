// How `chokutsu call` shows a contact: one line per action, or the same as JSON.
import type { ContactState, PathStep } from '../flow/interpreter.ts';
import type { TextCallResult } from '../runtime/text-call.ts';

export interface CallReport {
  contactId: string;
  flow: string;
  startedAt: string;
  outcome: 'queued' | 'ended';
  ending: string;
  queue?: { id: string; name: string; arn: string };
  storedCustomerInput?: string;
  attributes: Record<string, string>;
  recordedParticipants: string[];
  unusedKeys: string;
  /** A text call is a dry run: no contact record, so no history and no cost. */
  stored: false;
  path: (Omit<PathStep, 'at'> & { at: string })[];
}

export function callReport(result: TextCallResult): CallReport {
  const s = result.state;
  return {
    contactId: s.contactId,
    flow: s.flowId,
    startedAt: new Date(s.startedAt).toISOString(),
    outcome: result.outcome,
    ending: describeEnding(s),
    ...(s.queue ? { queue: { id: s.queue.id, name: s.queue.name, arn: s.queue.arn } } : {}),
    ...(s.storedCustomerInput !== undefined ? { storedCustomerInput: s.storedCustomerInput } : {}),
    attributes: s.attributes,
    recordedParticipants: s.recordedParticipants,
    unusedKeys: result.unusedKeys,
    stored: false,
    path: s.path.map((p) => ({ ...p, at: new Date(p.at).toISOString() })),
  };
}

export function describeEnding(s: ContactState): string {
  if (s.status === 'queued' && s.queue) return `transferred to queue ${s.queue.name} (${s.queue.id})`;
  const e = s.ending;
  if (!e) return s.status;
  switch (e.reason) {
    case 'DISCONNECTED_BY_FLOW': {
      const before = s.path[s.path.length - 2];
      return `disconnected by the flow at ${e.actionId}${before ? ` after ${before.actionId}` : ''}`;
    }
    case 'FLOW_ENDED': return `flow ended at ${e.actionId}`;
    case 'CUSTOMER_DISCONNECT': return 'the caller hung up';
    case 'CONNECTED_TO_AGENT': return 'connected to an agent';
    case 'TRANSFERRED_TO_THIRD_PARTY': return `transferred to a third party at ${e.actionId}`;
    case 'FLOW_ERROR': return `flow error at ${e.actionId}: ${e.message ?? ''}`;
  }
}

export const NOT_STORED = 'not stored: a text call is a dry run, with no contact record (nor cost in `report cost`); `call --server` places a stored one';

export function formatCallText(result: TextCallResult, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const day = new Intl.DateTimeFormat('ja-JP', { timeZone, dateStyle: 'full', timeStyle: 'short' });
  const s = result.state;
  const lines = [`contact ${s.contactId} · ${day.format(new Date(s.startedAt))} (${timeZone}) · flow ${s.flowId}`];
  for (const p of s.path) {
    const detail = Object.entries(p.detail).map(([k, v]) => `${k}: ${v}`).join(' · ');
    const to = p.branch === 'end' ? '■' : p.branch === 'queued' ? 'queued' : `${p.branch} → ${p.next ?? '?'}`;
    lines.push(`${time.format(new Date(p.at))}  ${p.actionId.padEnd(24)} ${p.type.padEnd(31)} ${detail}${detail ? '  ' : ''}[${to}]`);
  }
  lines.push(`ending: ${describeEnding(s)}`);
  if (result.unusedKeys) lines.push(`keys never asked for: ${result.unusedKeys}`);
  lines.push(NOT_STORED);
  return lines.join('\n');
}
