// CheckHoursOfOperation: True when the hours (given, or the contact's queue's) are open now.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { condition, error } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface CheckHoursOfOperationParameters {
  HoursOfOperationId?: string;
}

declare module '../types.ts' {
  interface ActionParameters { CheckHoursOfOperation: CheckHoursOfOperationParameters }
}

export const checkHoursOfOperation: ActionDefinition<'CheckHoursOfOperation'> = {
  spec: spec({
    errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'],
    conditions: ['True', 'False'], mustHandleConditions: ['True', 'False'], needsNext: false,
  }),
  references: () => [{ key: 'HoursOfOperationId', resource: 'hoursOfOperation' }],
  execute({ catalog, out, action, data }) {
    const given = action.Parameters.HoursOfOperationId;
    const ref = given !== undefined ? resolveValue(given, data) : out.state.queue?.hoursOfOperationId;
    const hours = ref !== undefined ? catalog.hoursOfOperation(ref) : undefined;
    if (!hours) {
      lastDetail(out, { error: ref === undefined ? 'no hours of operation given and no queue set' : `unknown hours of operation ${ref}` });
      return error('NoMatchingError');
    }
    const open = hours.isOpen(out.state.now);
    lastDetail(out, { hours: hours.name, result: open ? 'True' : 'False' });
    return condition(open ? 'True' : 'False');
  },
};
