// EndFlowModuleExecution ("Return"): a flow module's run ends; the invoking flow goes on after its
// InvokeFlowModule action.
import { spec, type ActionDefinition } from '../action.ts';

export type EndFlowModuleExecutionParameters = Record<string, never>;

declare module '../types.ts' {
  interface ActionParameters { EndFlowModuleExecution: EndFlowModuleExecutionParameters }
}

export const endFlowModuleExecution: ActionDefinition<'EndFlowModuleExecution'> = {
  spec: spec({ needsNext: false, terminal: true }),
  execute: () => ({ kind: 'return' }),
};
