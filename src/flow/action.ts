// What one supported action type is (xstate's actions/*): its validator spec, its own parameter and
// reference checks, how it runs and, for an action that waits, how it takes the events it waits for.
// Each type has one module in ./actions/, registered in actions/index.ts.
import type { ContactDataView } from './attributes.ts';
import type { FlowCatalog, ReferenceResolver } from './catalog.ts';
import type { Outcome } from './outcome.ts';
import type { ContactEvent, Run, Waiting, WaitingFor } from './state.ts';
import type { ActionOf, FlowErrorType, SupportedAction, SupportedActionType } from './types.ts';

/** What the validator needs to know about one supported action type. */
export interface ActionSpec {
  /** Parameters that must be present (dotted paths into Parameters). */
  required: string[];
  /** Error types the action can raise; those listed in `mustHandle` need a transition. */
  errors: FlowErrorType[];
  mustHandle: FlowErrorType[];
  /** Condition results the action produces; undefined = no conditions allowed. 'any' = free-form values. */
  conditions?: readonly string[] | 'any';
  /** Condition results that need a transition. */
  mustHandleConditions?: string[];
  /** The action needs a NextAction (its success path). */
  needsNext: boolean;
  /** The contact's flow run ends here. */
  terminal: boolean;
  /** Names the parameters this spec depends on, for messages (" with StoreInput True"). */
  variant?: string;
}

export const spec = (s: Partial<ActionSpec>): ActionSpec => ({
  required: [], errors: [], mustHandle: [], needsNext: true, terminal: false, ...s,
});

/** Reports problems in the Parameters of one action (severity error). */
export interface ParameterChecks {
  /** Parameters.<key> is not valid. */
  invalid(key: string, message: string): void;
  /** A parameter is missing that `required` cannot name (one of several). */
  missing(message: string): void;
  /** A static Parameters.<key> (not a reference) must be a number the rule allows. */
  number(key: string, rule: NumberRule): void;
}

/**
 * A numeric parameter's limits. `min`, `max` and `integer` are the reference's: a value outside them
 * is an error. Where the reference gives no maximum, `usualMax` is chokutsu's: a larger value (real
 * exports may hold one) is accepted with an `unverified-value` warning.
 */
export interface NumberRule {
  min: number;
  max?: number;
  integer?: boolean;
  usualMax?: number;
}

/** A static reference Parameters.<key> makes to the instance (checked when an instance is known). */
export interface Reference {
  key: string;
  resource: keyof ReferenceResolver;
}

export interface ActionContext<T extends SupportedActionType> {
  catalog: FlowCatalog;
  /** The step so far: the action updates its state and adds effects. */
  out: Run;
  action: ActionOf<T>;
  /** What references in the parameters ($.Attributes.x …) read. */
  data: ContactDataView;
}

export interface EventContext<W extends Waiting = Waiting> {
  out: Run;
  action: SupportedAction;
  waiting: W;
}

/** How a waiting action takes events: the next outcome, or undefined when the event does not apply. */
export interface WaitHandler {
  kind: Waiting['kind'];
  onEvent(ctx: EventContext, event: ContactEvent): Outcome | undefined;
}

export function waitsFor<K extends Waiting['kind']>(
  kind: K, onEvent: (ctx: EventContext<WaitingFor<K>>, event: ContactEvent) => Outcome | undefined,
): WaitHandler {
  return {
    kind,
    onEvent: (ctx, event) => (ctx.waiting.kind === kind ? onEvent(ctx as EventContext<WaitingFor<K>>, event) : undefined),
  };
}

export interface ActionDefinition<T extends SupportedActionType> {
  spec: ActionSpec;
  /** The spec for these Parameters, when it depends on them. */
  specFor?(params: Record<string, unknown>): ActionSpec;
  checkParameters?(params: Record<string, unknown>, checks: ParameterChecks): void;
  references?(params: Record<string, unknown>): Reference[];
  /** Runs the action: how it leaves, or what it waits for. */
  execute(ctx: ActionContext<T>): Outcome;
  waits?: WaitHandler;
}
