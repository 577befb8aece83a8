// DistributeByPercentage: draws 1–100 and takes the first Condition that matches the draw.
import { spec, type ActionDefinition } from '../action.ts';
import { conditionOutcome } from '../conditions.ts';
import { lastDetail } from '../path.ts';
import { random1to100 } from '../random.ts';

export type DistributeByPercentageParameters = Record<string, never>;

declare module '../types.ts' {
  interface ActionParameters { DistributeByPercentage: DistributeByPercentageParameters }
}

export const distributeByPercentage: ActionDefinition<'DistributeByPercentage'> = {
  spec: spec({
    errors: ['NoMatchingCondition'], mustHandle: ['NoMatchingCondition'], conditions: 'any', needsNext: false,
  }),
  execute({ out, action }) {
    const [n, rng] = random1to100(out.state.rng);
    out.state = { ...out.state, rng };
    lastDetail(out, { random: String(n) });
    return conditionOutcome(action.Transitions, String(n));
  },
};
