// UpdateFlowAttributes: sets $.FlowAttributes.x on the current flow; they are not carried over to the
// next flow and are never stored on the contact (APIReference flow-control-actions-updateflowattributes).
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { isObject } from '../parameters.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

/** Each attribute is { "Value": "…" } (static or one reference). */
export interface UpdateFlowAttributesParameters {
  FlowAttributes: Record<string, { Value: string }>;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateFlowAttributes: UpdateFlowAttributesParameters }
}

export const updateFlowAttributes: ActionDefinition<'UpdateFlowAttributes'> = {
  // "Errors: None", "No conditions are supported".
  spec: spec({ required: ['FlowAttributes'] }),
  checkParameters(p, checks) {
    if (p.FlowAttributes === undefined) return;
    if (!isObject(p.FlowAttributes)) return checks.invalid('FlowAttributes', 'FlowAttributes is an object of { "Value": "…" } by name');
    for (const [key, v] of Object.entries(p.FlowAttributes)) {
      if (!isObject(v) || typeof v.Value !== 'string') checks.invalid(`FlowAttributes.${key}`, `FlowAttributes.${key} is { "Value": "…" }`);
    }
  },
  execute({ out, action, data }) {
    // Either all attributes are set or none: they are resolved first, then set together.
    const set = Object.fromEntries(Object.entries(action.Parameters.FlowAttributes).map(([k, v]) => [k, resolveValue(v.Value, data)]));
    out.state = { ...out.state, flowAttributes: { ...(out.state.flowAttributes ?? {}), ...set } };
    lastDetail(out, set);
    return NEXT;
  },
};
