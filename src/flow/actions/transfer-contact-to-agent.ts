// TransferContactToAgent: ends the flow and rings the agent of the contact's agent queue.
import { spec, type ActionDefinition } from '../action.ts';
import { lastDetail } from '../path.ts';
import { queueWait } from './transfer-contact-to-queue.ts';

export type TransferContactToAgentParameters = Record<string, never>;

declare module '../types.ts' {
  interface ActionParameters { TransferContactToAgent: TransferContactToAgentParameters }
}

export const transferContactToAgent: ActionDefinition<'TransferContactToAgent'> = {
  spec: spec({ needsNext: false, terminal: true }),
  execute({ out, action }) {
    const queue = out.state.queue;
    const agentId = queue?.agentId;
    if (!queue || agentId === undefined) {
      // Connect disconnects a contact it cannot put through to the agent.
      lastDetail(out, { error: 'no agent queue set' });
      return { kind: 'end', reason: 'DISCONNECTED_BY_FLOW', message: 'no agent to transfer to' };
    }
    lastDetail(out, { agent: agentId });
    out.effects.push({ type: 'TransferToAgent', actionId: action.Identifier, agentId, queue });
    return { kind: 'queued', queue };
  },
  waits: queueWait,
};
