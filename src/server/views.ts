// What the API shows of live contacts, test calls and agents: times as ISO 8601, names resolved.
import type { AgentView } from '../routing/router.ts';
import type { CenterEvent, LiveContact } from '../runtime/contact-center.ts';
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

const iso = (ms: number): string => new Date(ms).toISOString();

/** An agent's state as every response shows it: `since` in ISO 8601, like every time in the API. */
export function agentView(a: AgentView): Omit<AgentView, 'since'> & { since: string };
export function agentView(a: AgentView | undefined): (Omit<AgentView, 'since'> & { since: string }) | undefined;
export function agentView(a: AgentView | undefined): (Omit<AgentView, 'since'> & { since: string }) | undefined {
  return a === undefined ? undefined : { ...a, since: iso(a.since) };
}

export function agentViews(deps: Pick<ServerDeps, 'agents' | 'definition'>): Record<string, unknown>[] {
  const agents = deps.definition().agents;
  return deps.agents.agents().map((a) => {
    const d = agents.find((x) => x.id === a.agentId);
    return { ...agentView(a), name: d?.name, ...(d?.proficiencies ? { proficiencies: d.proficiencies } : {}) };
  });
}

/** An event as the WebSocket sends it: `at`, `ringUntil` and a flow step's `at` in ISO 8601. */
export function eventView(e: CenterEvent): Record<string, unknown> {
  const view: Record<string, unknown> = { ...e };
  if ('at' in e) view['at'] = iso(e.at);
  if (e.type === 'contact.offered') view['ringUntil'] = iso(e.ringUntil);
  if (e.type === 'contact.step') view['step'] = { ...e.step, at: iso(e.step.at) };
  return view;
}
