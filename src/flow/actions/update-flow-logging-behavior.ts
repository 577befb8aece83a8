// UpdateFlowLoggingBehavior: turns flow logs on or off for the contact.
import { spec, type ActionDefinition } from '../action.ts';
import { NEXT } from '../outcome.ts';

export interface UpdateFlowLoggingBehaviorParameters {
  FlowLoggingBehavior: 'Enabled' | 'Disabled';
}

declare module '../types.ts' {
  interface ActionParameters { UpdateFlowLoggingBehavior: UpdateFlowLoggingBehaviorParameters }
}

export const updateFlowLoggingBehavior: ActionDefinition<'UpdateFlowLoggingBehavior'> = {
  spec: spec({ required: ['FlowLoggingBehavior'] }),
  execute({ out, action }) {
    out.state = { ...out.state, logging: action.Parameters.FlowLoggingBehavior === 'Enabled' };
    return NEXT;
  },
};
