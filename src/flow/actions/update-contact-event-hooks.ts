// UpdateContactEventHooks: flows run on contact events (CustomerQueue while the contact waits, …).
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { isObject } from '../parameters.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface UpdateContactEventHooksParameters {
  EventHooks: Record<string, string>;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactEventHooks: UpdateContactEventHooksParameters }
}

export const updateContactEventHooks: ActionDefinition<'UpdateContactEventHooks'> = {
  spec: spec({ required: ['EventHooks'], errors: ['NoMatchingError'] }),
  references: (p) => (isObject(p.EventHooks) ? Object.keys(p.EventHooks) : []).map((hook) => ({ key: `EventHooks.${hook}`, resource: 'flow' })),
  execute({ catalog, out, action, data }) {
    const hooks = { ...out.state.eventHooks };
    for (const [hook, ref] of Object.entries(action.Parameters.EventHooks)) {
      const flow = catalog.flow(resolveValue(ref, data));
      if (!flow) {
        lastDetail(out, { error: `${hook}: unknown flow ${ref}` });
        return error('NoMatchingError');
      }
      hooks[hook] = flow.id;
    }
    out.state = { ...out.state, eventHooks: hooks };
    return NEXT;
  },
};
