// UpdateRoutingCriteria ("Set routing criteria"): routing steps the next TransferContactToQueue
// applies — each step's Expression (proficiencies, or preferred agents by AgentIds) holds for its
// Expiry, then the next step. Connect ignores criteria on agent queues. Locally the queue's ranked
// members route every contact (src/routing/), so the criteria are checked and recorded in the path;
// the CDK app (infra/) generates these steps from the ranks for Amazon Connect.
import { spec, type ActionDefinition } from '../action.ts';
import { isObject } from '../parameters.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface RoutingCriteriaStep {
  Expression: Record<string, unknown>;
  Expiry?: { DurationInSeconds: number | string };
}

export interface UpdateRoutingCriteriaParameters {
  RoutingCriteria: { Steps: RoutingCriteriaStep[] | string };
}

declare module '../types.ts' {
  interface ActionParameters { UpdateRoutingCriteria: UpdateRoutingCriteriaParameters }
}

export const updateRoutingCriteria: ActionDefinition<'UpdateRoutingCriteria'> = {
  spec: spec({ required: ['RoutingCriteria.Steps'], errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    const steps = isObject(p.RoutingCriteria) ? p.RoutingCriteria.Steps : undefined;
    // "May be set statically or dynamically": a reference is taken as it is.
    if (typeof steps === 'string') return;
    if (!Array.isArray(steps) || steps.length === 0) {
      checks.invalid('RoutingCriteria.Steps', 'RoutingCriteria.Steps must be a non-empty list of steps');
      return;
    }
    steps.forEach((step: unknown, i) => {
      const key = `RoutingCriteria.Steps[${i}]`;
      if (!isObject(step) || !isObject(step.Expression)) {
        checks.invalid(key, `${key} needs an Expression object`);
        return;
      }
      if (step.Expiry === undefined) return;
      const seconds = isObject(step.Expiry) ? Number(step.Expiry.DurationInSeconds) : NaN;
      if (!Number.isInteger(seconds) || seconds <= 0) {
        checks.invalid(`${key}.Expiry`, `${key}.Expiry.DurationInSeconds must be a whole number of seconds above 0`);
      }
    });
  },
  execute({ out, action }) {
    const steps = action.Parameters.RoutingCriteria.Steps;
    lastDetail(out, { routingSteps: Array.isArray(steps) ? String(steps.length) : steps });
    return NEXT;
  },
};
