// What the API shows of live contacts, test calls and agents: times as ISO 8601, names resolved.
import type { LiveContact } from '../runtime/contact-center.ts';
import type { ServerDeps } from './deps.ts';
import type { SimulatedCaller } from './simulated-caller.ts';

/** A live contact with what the line's flow found out about the caller (ContactSummary). */
export function contactView(center: Pick<ServerDeps['center'], 'summary'>, c: LiveContact): Record<string, unknown> {
  return {
    contactId: c.contactId, from: c.from, to: c.to, phase: c.phase, queueId: c.queueId, agentId: c.agentId,
    ...center.summary(c.contactId), initiatedAt: new Date(c.initiatedAt).toISOString(),
    ...(c.enqueuedAt !== undefined ? { enqueuedAt: new Date(c.enqueuedAt).toISOString() } : {}),
  };
}

/** A test call as its caller experiences it; once the contact has ended, its path comes from the record. */
export function callView(deps: Pick<ServerDeps, 'center' | 'records'>, caller: SimulatedCaller): Record<string, unknown> {
  const live = deps.center.contact(caller.contactId);
  return {
    contactId: caller.contactId, hungUp: caller.hungUp, phase: live?.phase ?? 'ended',
    ...(live?.queueId ? { queueId: live.queueId } : {}), ...(live?.agentId ? { agentId: live.agentId } : {}),
    flowPath: live?.flowState.path.map((p) => p.actionId) ?? deps.records.get(caller.contactId)?.flowPath ?? [],
    heard: caller.heard.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
  };
}

export function agentViews(deps: Pick<ServerDeps, 'agents' | 'definition'>): Record<string, unknown>[] {
  const agents = deps.definition().agents;
  return deps.agents.agents().map((a) => ({ ...a, name: agents.find((d) => d.id === a.agentId)?.name, since: new Date(a.since).toISOString() }));
}
