// UpdateRoutingCriteria (exports also call it UpdateContactRoutingCriteria): routing steps for the
// contact, each of preferred agents (AttributeCondition.MatchCriteria.AgentsCriteria.AgentIds) or of
// proficiency conditions (Name, Value, ProficiencyLevel, NumberGreaterOrEqualTo, AND-ed), with an
// optional Expiry.DurationInSeconds. The router offers the contact per step; when every step has
// expired, to any agent of the queue (APIReference flow-control-actions-updateroutingcriteria).
import { spec, type ActionDefinition, type ParameterChecks } from '../action.ts';
import { isObject } from '../parameters.ts';
import { error, NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import type { RoutingStep } from '../state.ts';

interface AttributeCondition {
  Name?: string;
  Value?: string;
  ProficiencyLevel?: number | string;
  ComparisonOperator?: string;
  MatchCriteria?: { AgentsCriteria?: { AgentIds?: string[] } };
}

interface Expression {
  AttributeCondition?: AttributeCondition;
  AndExpression?: Expression[];
}

export interface UpdateRoutingCriteriaParameters {
  RoutingCriteria: {
    Steps: { Expression: Expression; Expiry?: { DurationInSeconds?: number | string } }[];
  };
}

declare module '../types.ts' {
  interface ActionParameters {
    UpdateRoutingCriteria: UpdateRoutingCriteriaParameters;
    /** Declared here: the same Parameters under the name real exports use. */
    UpdateContactRoutingCriteria: UpdateRoutingCriteriaParameters;
  }
}

const LEVELS = [1, 2, 3, 4, 5];

/** The step an Expression describes; a string names what is wrong with it. */
export function routingStep(expression: unknown, expiry: unknown): RoutingStep | string {
  const conditions: AttributeCondition[] = [];
  const collect = (e: unknown): string | undefined => {
    if (!isObject(e)) return 'an Expression is an object with AttributeCondition or AndExpression';
    if (isObject(e.AttributeCondition)) conditions.push(e.AttributeCondition as AttributeCondition);
    if (Array.isArray(e.AndExpression)) for (const sub of e.AndExpression) { const bad = collect(sub); if (bad) return bad; }
    if (!isObject(e.AttributeCondition) && !Array.isArray(e.AndExpression)) return 'an Expression needs AttributeCondition or AndExpression';
    return undefined;
  };
  const bad = collect(expression);
  if (bad) return bad;
  const step: RoutingStep = {};
  for (const c of conditions) {
    const ids = c.MatchCriteria?.AgentsCriteria?.AgentIds;
    if (Array.isArray(ids)) {
      step.agentIds = [...(step.agentIds ?? []), ...ids.map(String)];
      continue;
    }
    const level = Number(c.ProficiencyLevel);
    if (typeof c.Name !== 'string' || typeof c.Value !== 'string') return 'an AttributeCondition needs Name and Value (or MatchCriteria.AgentsCriteria.AgentIds)';
    if (!LEVELS.includes(level)) return `ProficiencyLevel is 1.0, 2.0, 3.0, 4.0 or 5.0, not ${JSON.stringify(c.ProficiencyLevel)}`;
    if (c.ComparisonOperator !== undefined && c.ComparisonOperator !== 'NumberGreaterOrEqualTo') return `ComparisonOperator is NumberGreaterOrEqualTo, not ${JSON.stringify(c.ComparisonOperator)}`;
    step.proficiencies = [...(step.proficiencies ?? []), { name: c.Name, value: c.Value, level }];
  }
  if (isObject(expiry) && expiry.DurationInSeconds !== undefined) {
    const s = Number(expiry.DurationInSeconds);
    if (!Number.isFinite(s) || s <= 0) return `Expiry.DurationInSeconds is a positive number, not ${JSON.stringify(expiry.DurationInSeconds)}`;
    step.expirySeconds = s;
  }
  return step;
}

function check(p: Record<string, unknown>, checks: ParameterChecks): void {
  const rc = p.RoutingCriteria;
  if (rc === undefined) return;
  if (!isObject(rc) || !Array.isArray(rc.Steps)) return checks.invalid('RoutingCriteria', 'RoutingCriteria is { "Steps": [ … ] }');
  rc.Steps.forEach((s: unknown, i: number) => {
    const step = isObject(s) ? routingStep(s.Expression, s.Expiry) : 'a step is { "Expression", "Expiry" }';
    if (typeof step === 'string') checks.invalid(`RoutingCriteria.Steps[${i}]`, step);
  });
}

export const updateRoutingCriteria: ActionDefinition<'UpdateRoutingCriteria'> = {
  spec: spec({ required: ['RoutingCriteria.Steps'], errors: ['NoMatchingError'] }),
  checkParameters: check,
  execute({ out, action }) {
    const steps: RoutingStep[] = [];
    for (const s of action.Parameters.RoutingCriteria.Steps) {
      const step = routingStep(s.Expression, s.Expiry);
      if (typeof step === 'string') {
        lastDetail(out, { error: step });
        return error('NoMatchingError');
      }
      steps.push(step);
    }
    out.state = { ...out.state, routingCriteria: { steps } };
    lastDetail(out, { steps: steps.map(describeStep).join(' → ') || 'none' });
    return NEXT;
  },
};

function describeStep(s: RoutingStep): string {
  const who = [
    ...(s.agentIds ? [`agents ${s.agentIds.join(',')}`] : []),
    ...(s.proficiencies ?? []).map((p) => `${p.name}:${p.value}>=${p.level}`),
  ].join(' & ');
  return `${who}${s.expirySeconds !== undefined ? ` (${s.expirySeconds}s)` : ''}`;
}
