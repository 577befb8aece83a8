// UpdateContactAttributes: sets user-defined attributes ($.Attributes.x).
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { isStringMap } from '../parameters.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface UpdateContactAttributesParameters {
  Attributes: Record<string, string>;
  TargetContact?: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactAttributes: UpdateContactAttributesParameters }
}

export const updateContactAttributes: ActionDefinition<'UpdateContactAttributes'> = {
  spec: spec({ required: ['Attributes'], errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    if (p.Attributes !== undefined && !isStringMap(p.Attributes)) checks.invalid('Attributes', 'Attributes is a map of string values');
  },
  execute({ out, action, data }) {
    const attributes = { ...out.state.attributes };
    for (const [k, v] of Object.entries(action.Parameters.Attributes)) attributes[k] = resolveValue(v, data);
    out.state = { ...out.state, attributes };
    lastDetail(out, Object.fromEntries(Object.keys(action.Parameters.Attributes).map((k) => [k, attributes[k] ?? ''])));
    return NEXT;
  },
};
