// Loop: ContinueLooping LoopCount times, then DoneLooping once (and the count starts over).
import { resolveValue } from '../attributes.ts';
import { spec, type ActionDefinition } from '../action.ts';
import { condition } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface LoopParameters {
  LoopCount: string;
}

declare module '../types.ts' {
  interface ActionParameters { Loop: LoopParameters }
}

export const loop: ActionDefinition<'Loop'> = {
  spec: spec({
    required: ['LoopCount'], conditions: ['ContinueLooping', 'DoneLooping'],
    mustHandleConditions: ['ContinueLooping', 'DoneLooping'], needsNext: false,
  }),
  checkParameters(_p, checks) {
    checks.number('LoopCount', { min: 0, max: 100, integer: true }); // "between 0 and 100 (inclusive)"
  },
  execute({ out, action, data }) {
    const key = `${out.state.flowId}/${action.Identifier}`;
    const count = Number(resolveValue(action.Parameters.LoopCount, data));
    if (!Number.isInteger(count) || count < 0 || count > 100) {
      return { kind: 'fail', message: `LoopCount ${JSON.stringify(action.Parameters.LoopCount)} is not 0–100` };
    }
    const done = out.state.loops[key] ?? 0;
    const loops = { ...out.state.loops, [key]: done < count ? done + 1 : 0 }; // resets after DoneLooping
    out.state = { ...out.state, loops };
    lastDetail(out, { iteration: `${Math.min(done + 1, count + 1)}/${count + 1}` });
    return condition(done < count ? 'ContinueLooping' : 'DoneLooping');
  },
};
