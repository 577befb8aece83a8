// Compare: takes the first Condition that matches ComparisonValue.
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { conditionOutcome } from '../conditions.ts';
import { lastDetail } from '../path.ts';

export interface CompareParameters {
  ComparisonValue: string;
}

declare module '../types.ts' {
  interface ActionParameters { Compare: CompareParameters }
}

export const compare: ActionDefinition<'Compare'> = {
  spec: spec({
    required: ['ComparisonValue'], errors: ['NoMatchingCondition'], mustHandle: ['NoMatchingCondition'],
    conditions: 'any', needsNext: false,
  }),
  execute({ out, action, data }) {
    const value = resolveValue(action.Parameters.ComparisonValue, data);
    lastDetail(out, { value });
    return conditionOutcome(action.Transitions, value);
  },
};
