// InvokeFlowModule: runs a flow module (a flow of the instance) and comes back to this action's
// NextAction when the module ends with EndFlowModuleExecution. The module has its own flow attributes.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { error } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface InvokeFlowModuleParameters {
  FlowModuleId: string;
}

declare module '../types.ts' {
  interface ActionParameters { InvokeFlowModule: InvokeFlowModuleParameters }
}

/** Modules calling modules: deeper than this is a loop. */
export const MAX_MODULE_DEPTH = 10;

export const invokeFlowModule: ActionDefinition<'InvokeFlowModule'> = {
  // Modules may define their own result branches, so Conditions are free-form.
  spec: spec({ required: ['FlowModuleId'], errors: ['NoMatchingError'], conditions: 'any' }),
  references: () => [{ key: 'FlowModuleId', resource: 'flow' }],
  execute({ catalog, out, action, data }) {
    const ref = resolveValue(action.Parameters.FlowModuleId, data);
    const flow = catalog.flow(ref);
    if (!flow) {
      lastDetail(out, { error: `unknown flow module ${ref}` });
      return error('NoMatchingError');
    }
    // The instance definition marks its modules (type: module); a flow of another type is not one.
    if (flow.type !== undefined && flow.type !== 'module') {
      lastDetail(out, { error: `flow ${flow.name} is a ${flow.type} flow, not a flow module` });
      return error('NoMatchingError');
    }
    if ((out.state.modules ?? []).length >= MAX_MODULE_DEPTH) {
      lastDetail(out, { error: `modules nested deeper than ${MAX_MODULE_DEPTH}` });
      return error('NoMatchingError');
    }
    lastDetail(out, { module: flow.name });
    return { kind: 'module', flow };
  },
};
