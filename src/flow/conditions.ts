// Condition operators of the Flow Language (Transitions.Conditions[].Condition.Operator).
import { condition, error, type Outcome } from './outcome.ts';
import type { Transitions } from './types.ts';

export const OPERATORS: ReadonlySet<string> = new Set([
  'Equals', 'NumberGreaterThan', 'NumberGreaterOrEqualTo', 'NumberLessThan', 'NumberLessOrEqualTo',
  'TextStartsWith', 'TextEndsWith', 'TextContains',
]);

export function matches(operator: string, value: string, operand: string): boolean {
  const a = Number(value);
  const b = Number(operand);
  const numeric = value.trim() !== '' && operand.trim() !== '' && Number.isFinite(a) && Number.isFinite(b);
  switch (operator) {
    case 'Equals': return value === operand;
    case 'NumberGreaterThan': return numeric && a > b;
    case 'NumberGreaterOrEqualTo': return numeric && a >= b;
    case 'NumberLessThan': return numeric && a < b;
    case 'NumberLessOrEqualTo': return numeric && a <= b;
    case 'TextStartsWith': return value.startsWith(operand);
    case 'TextEndsWith': return value.endsWith(operand);
    case 'TextContains': return value.includes(operand);
    default: return false;
  }
}

/** The NextAction of the first Condition that matches `value`. */
export function conditionTarget(t: Transitions, value: string): string | undefined {
  return t.Conditions?.find((c) => matches(c.Condition.Operator, value, c.Condition.Operands[0] ?? ''))?.NextAction;
}

/** The Condition for `value` when one matches, else NoMatchingCondition (Compare, menus, metrics). */
export function conditionOutcome(t: Transitions, value: string): Outcome {
  return t.Conditions?.some((c) => matches(c.Condition.Operator, value, c.Condition.Operands[0] ?? ''))
    ? condition(value) : error('NoMatchingCondition');
}
