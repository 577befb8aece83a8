// Loads a Flow Language document and lists every problem before any call is taken. The checks
// every action gets are here; each action type's own (its spec, parameters, references) come from
// its module in ./actions/.
import type { ActionSpec, ParameterChecks, Reference } from './action.ts';
import { allowedIn, isSupportedType, knownUnsupportedTypes } from './action-specs.ts';
import { actions as definitions } from './actions/index.ts';
import { isReference } from './attributes.ts';
import { OPERATORS } from './conditions.ts';
import { flatten, get, isObject } from './parameters.ts';
import type { ReferenceResolver } from './catalog.ts';
import type { Flow, FlowDocument, FlowType, RawAction, SupportedAction, Transitions } from './types.ts';

export type ProblemCode =
  | 'invalid-json' | 'invalid-document' | 'unknown-version' | 'missing-start-action'
  | 'duplicate-identifier' | 'invalid-identifier' | 'unknown-type' | 'unsupported-type'
  | 'missing-parameter' | 'invalid-parameter' | 'dangling-transition' | 'missing-transition'
  | 'invalid-condition' | 'unreachable-action' | 'placeholder' | 'unresolved-reference' | 'foreign-reference'
  | 'unverified-value' | 'not-in-flow-type';

export interface FlowProblem {
  code: ProblemCode;
  /** Errors stop the flow from running; warnings do not (Connect would take an error branch at run time). */
  severity: 'error' | 'warning';
  message: string;
  /** The action's Identifier, when the problem belongs to one. */
  actionId?: string;
  /** JSONPath into the document, e.g. $.Actions[3].Transitions.Errors[0].NextAction */
  path: string;
}

export interface FlowCheck {
  /** Present when there is no error: the flow can run. */
  flow?: Flow;
  problems: FlowProblem[];
  /** Action type → how many actions of it. */
  actionTypes: Map<string, number>;
  unsupportedTypes: string[];
}

export interface LoadOptions {
  id: string;
  name?: string;
  arn?: string;
  resolver?: ReferenceResolver;
  /** The flow's type: each action must be allowed in it. Unknown for a lone export: not checked. */
  type?: FlowType;
}

/**
 * Problems that do not stop `flow check` from passing (exit 0) unless --strict: what a templating
 * tool left to substitute, references to the exporting instance's resources, and numbers above
 * chokutsu's usual maximum where the reference gives none.
 */
export const LENIENT_CODES: ReadonlySet<ProblemCode> = new Set(['placeholder', 'foreign-reference', 'unverified-value']);

/** Whether a check passes: no problems, or (unless strict) only lenient warnings. */
export function checkPasses(check: FlowCheck, strict = false): boolean {
  return check.problems.every((p) => !strict && p.severity === 'warning' && LENIENT_CODES.has(p.code));
}

export const FLOW_LANGUAGE_VERSION = '2019-10-30';
const IDENTIFIER_FORBIDDEN = /[%:()\\/=$,;[\]{}]/;
// Connect also refuses these strings as Identifiers (flow-language-actions, "Identifier").
const IDENTIFIER_RESERVED = new Set([
  '__proto__', 'constructor', '__defineGetter__', '__defineSetter__', 'toString', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'valueOf',
]);
const PLACEHOLDER = /\$\{[^}]*\}|PLACEHOLDER/;

/** Parses the text first, so a file that is not JSON is a problem, not a crash. */
export function checkFlowText(text: string, options: LoadOptions): FlowCheck {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    const where = at ? ` (line ${lineAndColumn(text, Number(at[1]))})` : '';
    return {
      problems: [{ code: 'invalid-json', severity: 'error', message: `not valid JSON${where}: ${message}`, path: '$' }],
      actionTypes: new Map(),
      unsupportedTypes: [],
    };
  }
  return checkFlow(doc, options);
}

export function checkFlow(doc: unknown, options: LoadOptions): FlowCheck {
  const problems: FlowProblem[] = [];
  const add: Add = (p) => problems.push({ severity: 'error', ...p });

  if (!isObject(doc)) {
    add({ code: 'invalid-document', message: 'a flow is a JSON object with Version, StartAction and Actions', path: '$' });
    return { problems, actionTypes: new Map(), unsupportedTypes: [] };
  }
  if (doc.Version !== FLOW_LANGUAGE_VERSION) {
    add({ code: 'unknown-version', message: `Version is ${JSON.stringify(doc.Version)}, expected "${FLOW_LANGUAGE_VERSION}"`, path: '$.Version' });
  }
  if (!Array.isArray(doc.Actions)) {
    add({ code: 'invalid-document', message: 'Actions must be an array', path: '$.Actions' });
    return { problems, actionTypes: new Map(), unsupportedTypes: [] };
  }

  const found = collectActions(doc.Actions, add);
  const start = typeof doc.StartAction === 'string' ? doc.StartAction : undefined;
  if (start === undefined || !found.indexById.has(start)) {
    add({ code: 'missing-start-action', message: `StartAction ${JSON.stringify(doc.StartAction)} is not an action of this flow`, path: '$.StartAction' });
  }
  const unsupported = new Set<string>();
  for (const raw of found.actions) {
    checkAction(raw, `$.Actions[${found.position.get(raw) ?? -1}]`, found.indexById, options, add, unsupported);
  }
  if (start !== undefined && found.indexById.has(start)) checkReachable(start, found, add);

  const result: FlowCheck = { problems, actionTypes: found.actionTypes, unsupportedTypes: [...unsupported].sort() };
  if (!problems.some((p) => p.severity === 'error') && start !== undefined) {
    result.flow = {
      id: options.id,
      name: options.name ?? options.id,
      ...(options.arn !== undefined ? { arn: options.arn } : {}),
      ...(options.type !== undefined ? { type: options.type } : {}),
      startAction: start,
      actions: new Map(found.actions.map((a) => [a.Identifier, normalize(a)])),
      document: doc as unknown as FlowDocument,
    };
  }
  return result;
}

type Add = (p: Omit<FlowProblem, 'severity'> & { severity?: FlowProblem['severity'] }) => void;

interface FoundActions {
  actions: RawAction[];
  /** Each action's own position in the document (a duplicate Identifier must not borrow the first one's). */
  position: Map<RawAction, number>;
  indexById: Map<string, number>;
  actionTypes: Map<string, number>;
}

/** The entries of Actions that are actions, with their Identifiers checked. */
function collectActions(entries: unknown[], add: Add): FoundActions {
  const found: FoundActions = { actions: [], position: new Map(), indexById: new Map(), actionTypes: new Map() };
  entries.forEach((a: unknown, i: number) => {
    const path = `$.Actions[${i}]`;
    if (!isObject(a) || typeof a.Identifier !== 'string' || typeof a.Type !== 'string') {
      add({ code: 'invalid-document', message: 'an action needs a string Identifier and Type', path });
      return;
    }
    const raw = a as unknown as RawAction;
    const actionId = raw.Identifier;
    if (found.indexById.has(actionId)) {
      add({ code: 'duplicate-identifier', actionId, message: `Identifier "${actionId}" is used by more than one action`, path: `${path}.Identifier` });
    } else {
      found.indexById.set(actionId, i);
    }
    if (actionId.length === 0 || actionId.length > 50 || IDENTIFIER_FORBIDDEN.test(actionId)) {
      add({ code: 'invalid-identifier', actionId, message: 'an Identifier is 1–50 characters without % : ( \\ / ) = $ , ; [ ] { }', path: `${path}.Identifier` });
    }
    if (IDENTIFIER_RESERVED.has(actionId)) {
      add({ code: 'invalid-identifier', actionId, message: `"${actionId}" is reserved and cannot be an Identifier`, path: `${path}.Identifier` });
    }
    found.actionTypes.set(raw.Type, (found.actionTypes.get(raw.Type) ?? 0) + 1);
    found.actions.push(raw);
    found.position.set(raw, i);
  });
  return found;
}

/** Unreachable: not on any path from StartAction. */
function checkReachable(start: string, found: FoundActions, add: Add): void {
  const byId = new Map(found.actions.map((a) => [a.Identifier, a]));
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length > 0) {
    const a = byId.get(todo.pop() as string);
    for (const next of targets(a?.Transitions)) {
      if (!seen.has(next) && byId.has(next)) { seen.add(next); todo.push(next); }
    }
  }
  for (const a of found.actions) {
    if (!seen.has(a.Identifier)) {
      add({ code: 'unreachable-action', severity: 'warning', actionId: a.Identifier, message: `no path from StartAction reaches "${a.Identifier}" (${a.Type})`, path: `$.Actions[${found.position.get(a)}]` });
    }
  }
}

function checkAction(
  raw: RawAction, path: string, ids: Map<string, number>, { resolver, type: flowType }: LoadOptions,
  add: Add, unsupported: Set<string>,
): void {
  const actionId = raw.Identifier;
  const params = raw.Parameters ?? {};
  checkTargets(raw, path, ids, add);

  // Placeholders left by templating tools (Terraform ${...}, CDK "PLACEHOLDER").
  for (const [key, value] of Object.entries(flatten(params))) {
    if (typeof value === 'string' && PLACEHOLDER.test(value) && !isReference(value)) {
      add({ code: 'placeholder', severity: 'warning', actionId, message: `${key} holds an unsubstituted placeholder: ${value}`, path: `${path}.Parameters.${key}` });
    }
  }

  if (!isSupportedType(raw.Type)) {
    if (knownUnsupportedTypes.has(raw.Type)) {
      unsupported.add(raw.Type);
      add({ code: 'unsupported-type', actionId, message: `${raw.Type} is an Amazon Connect action type, known but not supported here: ${knownUnsupportedTypes.get(raw.Type) ?? ''}`, path: `${path}.Type` });
    } else {
      const hint = raw.Type === 'TransferToQueue' ? ' (Amazon Connect calls it TransferContactToQueue)' : '';
      add({ code: 'unknown-type', actionId, message: `"${raw.Type}" is not an Amazon Connect Flow Language action type${hint}`, path: `${path}.Type` });
    }
    return;
  }

  if (flowType !== undefined && !allowedIn(raw.Type, flowType)) {
    add({ code: 'not-in-flow-type', actionId, message: `${raw.Type} is not allowed in a ${flowType} flow (Connect's reference, "Restrictions")`, path: `${path}.Type` });
  }
  const definition = definitions[raw.Type];
  const spec = definition.specFor?.(params) ?? definition.spec;
  for (const req of spec.required) {
    if (get(params, req) === undefined) {
      add({ code: 'missing-parameter', actionId, message: `${raw.Type} needs Parameters.${req}`, path: `${path}.Parameters.${req}` });
    }
  }
  checkTransitions(raw, spec, path, add);
  definition.checkParameters?.(params, parameterChecks(params, path, actionId, add));
  if (resolver) checkReferences(definition.references?.(params) ?? [], params, path, actionId, resolver, add);
}

/** Dangling transitions, whatever the type. */
function checkTargets(raw: RawAction, path: string, ids: Map<string, number>, add: Add): void {
  const actionId = raw.Identifier;
  const t = raw.Transitions ?? {};
  if (t.NextAction !== undefined && !ids.has(t.NextAction)) {
    add({ code: 'dangling-transition', actionId, message: `NextAction "${t.NextAction}" is not an action of this flow`, path: `${path}.Transitions.NextAction` });
  }
  (t.Errors ?? []).forEach((e, j) => {
    if (!ids.has(e.NextAction)) add({ code: 'dangling-transition', actionId, message: `error ${e.ErrorType} goes to "${e.NextAction}", which is not an action of this flow`, path: `${path}.Transitions.Errors[${j}].NextAction` });
  });
  (t.Conditions ?? []).forEach((c, j) => {
    if (!ids.has(c.NextAction)) add({ code: 'dangling-transition', actionId, message: `condition goes to "${c.NextAction}", which is not an action of this flow`, path: `${path}.Transitions.Conditions[${j}].NextAction` });
  });
}

/** The Conditions and Errors the action's spec allows and needs, and its NextAction. */
function checkTransitions(raw: RawAction, spec: ActionSpec, path: string, add: Add): void {
  const actionId = raw.Identifier;
  const t = raw.Transitions ?? {};
  const conditions = t.Conditions ?? [];
  const errors = new Set((t.Errors ?? []).map((e) => e.ErrorType));
  checkConditions(raw, spec, path, add);
  for (const result of spec.mustHandleConditions ?? []) {
    if (!conditions.some((c) => c.Condition?.Operands?.[0] === result)) {
      add({ code: 'missing-transition', actionId, message: `${raw.Type} needs a Condition for ${result}`, path: `${path}.Transitions.Conditions` });
    }
  }
  for (const err of spec.mustHandle) {
    if (!errors.has(err)) add({ code: 'missing-transition', actionId, message: `${raw.Type} needs an Errors entry for ${err}`, path: `${path}.Transitions.Errors` });
  }
  const raised: readonly string[] = spec.errors;
  for (const err of errors) {
    // NoMatchingError is Connect's catch-all ("if no other Error matches"): a branch for it is never
    // wrong, even on actions whose reference page lists "Errors: None" (TagContact, UpdateFlowAttributes).
    if (err !== 'NoMatchingError' && !raised.includes(err)) add({ code: 'invalid-condition', severity: 'warning', actionId, message: `${raw.Type} never raises ${err}`, path: `${path}.Transitions.Errors` });
  }
  if (spec.needsNext && t.NextAction === undefined) {
    // An action with no transitions at all is a dead end: the flow ends there (hold flows do this).
    const deadEnd = conditions.length === 0 && errors.size === 0;
    add({
      code: 'missing-transition', actionId, severity: deadEnd ? 'warning' : 'error',
      message: `${raw.Type} needs a NextAction${deadEnd ? '; the flow ends after it' : ''}`,
      path: `${path}.Transitions.NextAction`,
    });
  }
}

function checkConditions(raw: RawAction, spec: ActionSpec, path: string, add: Add): void {
  const actionId = raw.Identifier;
  const allowed = spec.conditions;
  (raw.Transitions?.Conditions ?? []).forEach((c, j) => {
    const cpath = `${path}.Transitions.Conditions[${j}].Condition`;
    if (allowed === undefined) {
      add({ code: 'invalid-condition', actionId, message: `${raw.Type}${spec.variant ?? ''} takes no Conditions`, path: cpath });
    } else if (!OPERATORS.has(c.Condition?.Operator)) {
      add({ code: 'invalid-condition', actionId, message: `unknown operator ${JSON.stringify(c.Condition?.Operator)}`, path: `${cpath}.Operator` });
    } else if (!Array.isArray(c.Condition.Operands) || c.Condition.Operands.length !== 1) {
      add({ code: 'invalid-condition', actionId, message: 'a Condition has exactly one operand', path: `${cpath}.Operands` });
    } else if (allowed !== 'any' && !allowed.includes(c.Condition.Operands[0] as string)) {
      add({ code: 'invalid-condition', actionId, message: `${raw.Type} results are ${allowed.join(', ')}, not ${JSON.stringify(c.Condition.Operands[0])}`, path: `${cpath}.Operands[0]` });
    }
  });
}

function parameterChecks(p: Record<string, unknown>, path: string, actionId: string, add: Add): ParameterChecks {
  const invalid = (key: string, message: string) => add({ code: 'invalid-parameter', actionId, message, path: `${path}.Parameters.${key}` });
  return {
    invalid,
    missing: (message) => add({ code: 'missing-parameter', actionId, message, path: `${path}.Parameters` }),
    number: (key, { min, max, integer, usualMax }) => {
      const v = get(p, key);
      if ((typeof v !== 'string' && typeof v !== 'number') || (typeof v === 'string' && isReference(v))) return;
      const n = Number(v);
      const what = `${integer ? 'an integer' : 'a number'} ${max !== undefined ? `from ${min} to ${max}` : `of at least ${min}`}`;
      if (String(v).trim() === '' || !Number.isFinite(n) || n < min || (max !== undefined && n > max) || (integer && !Number.isInteger(n))) {
        invalid(key, `${key} must be ${what}, not ${JSON.stringify(v)}`);
      } else if (usualMax !== undefined && n > usualMax) {
        add({ code: 'unverified-value', severity: 'warning', actionId, message: `${key} ${JSON.stringify(v)} is above ${usualMax}, the most chokutsu has seen (the reference gives no maximum): accepted`, path: `${path}.Parameters.${key}` });
      }
    },
  };
}

const RESOURCE_NAMES: Record<Reference['resource'], string> = {
  flow: 'flow', queue: 'queue', hoursOfOperation: 'hours of operation', prompt: 'prompt', lambdaFunction: 'function mapping',
};

function checkReferences(
  references: Reference[], p: Record<string, unknown>, path: string, actionId: string, r: ReferenceResolver, add: Add,
): void {
  for (const { key, resource } of references) {
    const v = get(p, key);
    if (typeof v !== 'string' || isReference(v) || PLACEHOLDER.test(v)) continue;
    if (r[resource](v)) continue;
    // An ARN of the instance the flow was exported from: Connect would take the error branch here too.
    if (v.startsWith('arn:aws:connect:')) add({ code: 'foreign-reference', severity: 'warning', actionId, message: `${key} is an ARN of another instance (no such ${RESOURCE_NAMES[resource]} here): ${v}`, path: `${path}.Parameters.${key}` });
    else add({ code: 'unresolved-reference', severity: 'warning', actionId, message: `${key} names a ${RESOURCE_NAMES[resource]} this instance does not have: ${v}`, path: `${path}.Parameters.${key}` });
  }
}

function normalize(raw: RawAction): SupportedAction {
  // Types and required parameters were checked above; exports omit empty Parameters.
  return { ...raw, Parameters: raw.Parameters ?? {}, Transitions: raw.Transitions ?? {} } as unknown as SupportedAction;
}

function targets(t: Transitions | undefined): string[] {
  if (!t) return [];
  return [
    ...(t.NextAction !== undefined ? [t.NextAction] : []),
    ...(t.Errors ?? []).map((e) => e.NextAction),
    ...(t.Conditions ?? []).map((c) => c.NextAction),
  ];
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}
