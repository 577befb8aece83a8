// TransferToFlow: the contact continues at the start of another flow.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import type { FlowType } from '../types.ts';

export interface TransferToFlowParameters {
  ContactFlowId: string;
}

const TRANSFER_TARGETS: readonly FlowType[] = ['CONTACT_FLOW', 'AGENT_TRANSFER', 'QUEUE_TRANSFER'];

declare module '../types.ts' {
  interface ActionParameters { TransferToFlow: TransferToFlowParameters }
}

export const transferToFlow: ActionDefinition<'TransferToFlow'> = {
  spec: spec({ required: ['ContactFlowId'], errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'], needsNext: false }),
  references: () => [{ key: 'ContactFlowId', resource: 'flow' }],
  execute({ catalog, out, action, data }) {
    const ref = resolveValue(action.Parameters.ContactFlowId, data);
    const flow = catalog.flow(ref);
    if (!flow) {
      lastDetail(out, { error: `unknown flow ${ref}` });
      return error('NoMatchingError');
    }
    // Connect takes the Error branch for a flow that is not an inbound or transfer flow (adminguide "Transfer to flow").
    if (flow.type !== undefined && !TRANSFER_TARGETS.includes(flow.type)) {
      lastDetail(out, { error: `flow ${flow.name} is a ${flow.type} flow, not an inbound or transfer flow` });
      return error('NoMatchingError');
    }
    lastDetail(out, { flow: flow.name });
    return { kind: 'transfer', flow };
  },
};
