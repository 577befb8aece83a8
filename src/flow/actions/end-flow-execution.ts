// EndFlowExecution: ends the flow (in a hook flow, the contact carries on where it was).
import { spec, type ActionDefinition } from '../action.ts';

export type EndFlowExecutionParameters = Record<string, never>;

declare module '../types.ts' {
  interface ActionParameters { EndFlowExecution: EndFlowExecutionParameters }
}

export const endFlowExecution: ActionDefinition<'EndFlowExecution'> = {
  spec: spec({ needsNext: false, terminal: true }),
  execute: () => ({ kind: 'end', reason: 'FLOW_ENDED' }),
};
