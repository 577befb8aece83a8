// TransferToFlow: the contact continues at the start of another flow.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface TransferToFlowParameters {
  ContactFlowId: string;
}

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
    lastDetail(out, { flow: flow.name });
    return { kind: 'transfer', flow };
  },
};
