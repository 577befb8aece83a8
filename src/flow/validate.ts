// Loads a Flow Language document and lists every problem before any call is taken.
import { actionSpecs, isSupportedType, knownUnsupportedTypes } from './action-specs.ts';
import { isReference } from './attributes.ts';
import type { Flow, FlowDocument, RawAction, SupportedAction, Transitions } from './types.ts';

export type ProblemCode =
  | 'invalid-json' | 'invalid-document' | 'unknown-version' | 'missing-start-action'
  | 'duplicate-identifier' | 'invalid-identifier' | 'unknown-type' | 'unsupported-type'
  | 'missing-parameter' | 'invalid-parameter' | 'dangling-transition' | 'missing-transition'
  | 'invalid-condition' | 'unreachable-action' | 'placeholder' | 'unresolved-reference';

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

/** Looks up the static references a flow makes (ids, ARNs or names), when an instance is known. */
export interface ReferenceResolver {
  flow(ref: string): boolean;
  queue(ref: string): boolean;
  hoursOfOperation(ref: string): boolean;
  prompt(ref: string): boolean;
  lambdaFunction(arn: string): boolean;
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
}

export const FLOW_LANGUAGE_VERSION = '2019-10-30';
const OPERATORS = new Set([
  'Equals', 'NumberGreaterThan', 'NumberGreaterOrEqualTo', 'NumberLessThan', 'NumberLessOrEqualTo',
  'TextStartsWith', 'TextEndsWith', 'TextContains',
]);
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
  const actionTypes = new Map<string, number>();
  const unsupported = new Set<string>();
  const add = (p: Omit<FlowProblem, 'severity'> & { severity?: FlowProblem['severity'] }) =>
    problems.push({ severity: 'error', ...p });

  if (!isObject(doc)) {
    add({ code: 'invalid-document', message: 'a flow is a JSON object with Version, StartAction and Actions', path: '$' });
    return { problems, actionTypes, unsupportedTypes: [] };
  }
  if (doc.Version !== FLOW_LANGUAGE_VERSION) {
    add({ code: 'unknown-version', message: `Version is ${JSON.stringify(doc.Version)}, expected "${FLOW_LANGUAGE_VERSION}"`, path: '$.Version' });
  }
  if (!Array.isArray(doc.Actions)) {
    add({ code: 'invalid-document', message: 'Actions must be an array', path: '$.Actions' });
    return { problems, actionTypes, unsupportedTypes: [] };
  }

  const actions: RawAction[] = [];
  // Each action's own position in the document (a duplicate Identifier must not borrow the first one's).
  const position = new Map<RawAction, number>();
  const indexById = new Map<string, number>();
  doc.Actions.forEach((a: unknown, i: number) => {
    const path = `$.Actions[${i}]`;
    if (!isObject(a) || typeof a.Identifier !== 'string' || typeof a.Type !== 'string') {
      add({ code: 'invalid-document', message: 'an action needs a string Identifier and Type', path });
      return;
    }
    const raw = a as unknown as RawAction;
    if (indexById.has(raw.Identifier)) {
      add({ code: 'duplicate-identifier', actionId: raw.Identifier, message: `Identifier "${raw.Identifier}" is used by more than one action`, path: `${path}.Identifier` });
    } else {
      indexById.set(raw.Identifier, i);
    }
    if (raw.Identifier.length === 0 || raw.Identifier.length > 50 || IDENTIFIER_FORBIDDEN.test(raw.Identifier)) {
      add({ code: 'invalid-identifier', actionId: raw.Identifier, message: 'an Identifier is 1–50 characters without % : ( \\ / ) = $ , ; [ ] { }', path: `${path}.Identifier` });
    }
    if (IDENTIFIER_RESERVED.has(raw.Identifier)) {
      add({ code: 'invalid-identifier', actionId: raw.Identifier, message: `"${raw.Identifier}" is reserved and cannot be an Identifier`, path: `${path}.Identifier` });
    }
    actionTypes.set(raw.Type, (actionTypes.get(raw.Type) ?? 0) + 1);
    actions.push(raw);
    position.set(raw, i);
  });

  const start = typeof doc.StartAction === 'string' ? doc.StartAction : undefined;
  if (start === undefined || !indexById.has(start)) {
    add({ code: 'missing-start-action', message: `StartAction ${JSON.stringify(doc.StartAction)} is not an action of this flow`, path: '$.StartAction' });
  }

  for (const raw of actions) {
    const i = position.get(raw) ?? -1;
    checkAction(raw, `$.Actions[${i}]`, indexById, options.resolver, add, unsupported);
  }

  // Unreachable: not on any path from StartAction.
  if (start !== undefined && indexById.has(start)) {
    const byId = new Map(actions.map((a) => [a.Identifier, a]));
    const seen = new Set<string>([start]);
    const todo = [start];
    while (todo.length > 0) {
      const a = byId.get(todo.pop() as string);
      for (const next of targets(a?.Transitions)) {
        if (!seen.has(next) && byId.has(next)) { seen.add(next); todo.push(next); }
      }
    }
    for (const a of actions) {
      if (!seen.has(a.Identifier)) {
        add({ code: 'unreachable-action', severity: 'warning', actionId: a.Identifier, message: `no path from StartAction reaches "${a.Identifier}" (${a.Type})`, path: `$.Actions[${position.get(a)}]` });
      }
    }
  }

  const result: FlowCheck = { problems, actionTypes, unsupportedTypes: [...unsupported].sort() };
  if (!problems.some((p) => p.severity === 'error') && start !== undefined) {
    result.flow = {
      id: options.id,
      name: options.name ?? options.id,
      ...(options.arn !== undefined ? { arn: options.arn } : {}),
      startAction: start,
      actions: new Map(actions.map((a) => [a.Identifier, normalize(a)])),
      document: doc as unknown as FlowDocument,
    };
  }
  return result;
}

type Add = (p: Omit<FlowProblem, 'severity'> & { severity?: FlowProblem['severity'] }) => void;

function checkAction(
  raw: RawAction, path: string, ids: Map<string, number>, resolver: ReferenceResolver | undefined,
  add: Add, unsupported: Set<string>,
): void {
  const actionId = raw.Identifier;
  const t = raw.Transitions ?? {};
  const params = raw.Parameters ?? {};

  // Dangling transitions, whatever the type.
  if (t.NextAction !== undefined && !ids.has(t.NextAction)) {
    add({ code: 'dangling-transition', actionId, message: `NextAction "${t.NextAction}" is not an action of this flow`, path: `${path}.Transitions.NextAction` });
  }
  (t.Errors ?? []).forEach((e, j) => {
    if (!ids.has(e.NextAction)) add({ code: 'dangling-transition', actionId, message: `error ${e.ErrorType} goes to "${e.NextAction}", which is not an action of this flow`, path: `${path}.Transitions.Errors[${j}].NextAction` });
  });
  (t.Conditions ?? []).forEach((c, j) => {
    if (!ids.has(c.NextAction)) add({ code: 'dangling-transition', actionId, message: `condition goes to "${c.NextAction}", which is not an action of this flow`, path: `${path}.Transitions.Conditions[${j}].NextAction` });
  });

  // Placeholders left by templating tools (Terraform ${...}, CDK "PLACEHOLDER").
  for (const [key, value] of Object.entries(flatten(params))) {
    if (typeof value === 'string' && PLACEHOLDER.test(value) && !isReference(value)) {
      add({ code: 'placeholder', severity: 'warning', actionId, message: `${key} holds an unsubstituted placeholder: ${value}`, path: `${path}.Parameters.${key}` });
    }
  }

  if (!isSupportedType(raw.Type)) {
    if (knownUnsupportedTypes.has(raw.Type)) {
      unsupported.add(raw.Type);
      add({ code: 'unsupported-type', actionId, message: `${raw.Type} is an Amazon Connect action type chokutsu does not run yet`, path: `${path}.Type` });
    } else {
      const hint = raw.Type === 'TransferToQueue' ? ' (Amazon Connect calls it TransferContactToQueue)' : '';
      add({ code: 'unknown-type', actionId, message: `"${raw.Type}" is not an Amazon Connect Flow Language action type${hint}`, path: `${path}.Type` });
    }
    return;
  }

  const spec = actionSpecs[raw.Type];
  for (const req of spec.required) {
    if (get(params, req) === undefined) {
      add({ code: 'missing-parameter', actionId, message: `${raw.Type} needs Parameters.${req}`, path: `${path}.Parameters.${req}` });
    }
  }

  const conditions = t.Conditions ?? [];
  const errors = new Set((t.Errors ?? []).map((e) => e.ErrorType));
  const storeInput = raw.Type === 'GetParticipantInput' && params.StoreInput === 'True';
  const allowed = storeInput ? undefined : spec.conditions;
  conditions.forEach((c, j) => {
    const cpath = `${path}.Transitions.Conditions[${j}].Condition`;
    if (allowed === undefined) {
      add({ code: 'invalid-condition', actionId, message: `${raw.Type}${storeInput ? ' with StoreInput True' : ''} takes no Conditions`, path: cpath });
    } else if (!OPERATORS.has(c.Condition?.Operator)) {
      add({ code: 'invalid-condition', actionId, message: `unknown operator ${JSON.stringify(c.Condition?.Operator)}`, path: `${cpath}.Operator` });
    } else if (!Array.isArray(c.Condition.Operands) || c.Condition.Operands.length !== 1) {
      add({ code: 'invalid-condition', actionId, message: 'a Condition has exactly one operand', path: `${cpath}.Operands` });
    } else if (allowed !== 'any' && !allowed.includes(c.Condition.Operands[0] as string)) {
      add({ code: 'invalid-condition', actionId, message: `${raw.Type} results are ${allowed.join(', ')}, not ${JSON.stringify(c.Condition.Operands[0])}`, path: `${cpath}.Operands[0]` });
    }
  });
  for (const result of spec.mustHandleConditions ?? []) {
    if (!conditions.some((c) => c.Condition?.Operands?.[0] === result)) {
      add({ code: 'missing-transition', actionId, message: `${raw.Type} needs a Condition for ${result}`, path: `${path}.Transitions.Conditions` });
    }
  }
  const mustHandle = raw.Type === 'GetParticipantInput' && !storeInput
    ? ['NoMatchingCondition', 'InputTimeLimitExceeded'] : spec.mustHandle;
  for (const err of mustHandle) {
    if (!errors.has(err)) add({ code: 'missing-transition', actionId, message: `${raw.Type} needs an Errors entry for ${err}`, path: `${path}.Transitions.Errors` });
  }
  for (const err of errors) {
    if (!spec.errors.includes(err)) add({ code: 'invalid-condition', severity: 'warning', actionId, message: `${raw.Type} never raises ${err}`, path: `${path}.Transitions.Errors` });
  }
  if ((spec.needsNext || storeInput) && t.NextAction === undefined) {
    // An action with no transitions at all is a dead end: the flow ends there (hold flows do this).
    const deadEnd = conditions.length === 0 && errors.size === 0;
    add({
      code: 'missing-transition', actionId, severity: deadEnd ? 'warning' : 'error',
      message: `${raw.Type} needs a NextAction${deadEnd ? '; the flow ends after it' : ''}`,
      path: `${path}.Transitions.NextAction`,
    });
  }

  checkParameters(raw.Type, params, path, actionId, add);
  if (resolver) checkReferences(raw.Type, params, path, actionId, resolver, add);
}

function checkParameters(type: string, p: Record<string, unknown>, path: string, actionId: string, add: Add): void {
  const bad = (key: string, message: string) => add({ code: 'invalid-parameter', actionId, message, path: `${path}.Parameters.${key}` });
  const staticNumber = (key: string, min: number, max: number) => {
    const v = get(p, key);
    if (typeof v !== 'string' || isReference(v)) return;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) bad(key, `${key} must be a number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  };
  const prompts = ['Text', 'SSML', 'PromptId'].filter((k) => p[k] !== undefined);
  if ((type === 'MessageParticipant' || type === 'GetParticipantInput') && prompts.length > 1) {
    bad(prompts[1] as string, `only one of Text, SSML and PromptId may be given (found ${prompts.join(', ')})`);
  }
  if (type === 'MessageParticipant' && prompts.length === 0 && p.Media === undefined) {
    add({ code: 'missing-parameter', actionId, message: 'MessageParticipant needs Text, SSML or PromptId', path: `${path}.Parameters` });
  }
  if (type === 'GetParticipantInput') {
    staticNumber('InputTimeLimitSeconds', 1, 180);
    staticNumber('InputValidation.CustomValidation.MaximumLength', 1, 20);
    staticNumber('DTMFConfiguration.InterdigitTimeLimitSeconds', 1, 20);
    const seq = get(p, 'DTMFConfiguration.InputTerminationSequence');
    if (typeof seq === 'string' && !/^[0-9#*]{1,5}$/.test(seq)) bad('DTMFConfiguration.InputTerminationSequence', 'a termination sequence is 1–5 of 0-9 # *');
  }
  if (type === 'InvokeLambdaFunction') staticNumber('InvocationTimeLimitSeconds', 1, 8);
  if (type === 'Loop') staticNumber('LoopCount', 0, 100);
  if (type === 'Wait') staticNumber('TimeLimitSeconds', 0, 7 * 24 * 3600);
  if (type === 'UpdateContactAttributes' && p.Attributes !== undefined && !isStringMap(p.Attributes)) bad('Attributes', 'Attributes is a map of string values');
  if (type === 'InvokeLambdaFunction' && p.LambdaInvocationAttributes !== undefined && !isStringMap(p.LambdaInvocationAttributes)) bad('LambdaInvocationAttributes', 'LambdaInvocationAttributes is a map of string values');
}

function checkReferences(type: string, p: Record<string, unknown>, path: string, actionId: string, r: ReferenceResolver, add: Add): void {
  const check = (key: string, kind: string, found: (ref: string) => boolean) => {
    const v = get(p, key);
    if (typeof v !== 'string' || isReference(v) || PLACEHOLDER.test(v)) return;
    if (!found(v)) add({ code: 'unresolved-reference', severity: 'warning', actionId, message: `${key} names a ${kind} this instance does not have: ${v}`, path: `${path}.Parameters.${key}` });
  };
  if (type === 'CheckHoursOfOperation') check('HoursOfOperationId', 'hours of operation', (v) => r.hoursOfOperation(v));
  if (type === 'UpdateContactTargetQueue') check('QueueId', 'queue', (v) => r.queue(v));
  if (type === 'MessageParticipant' || type === 'GetParticipantInput') check('PromptId', 'prompt', (v) => r.prompt(v));
  if (type === 'InvokeLambdaFunction') check('LambdaFunctionARN', 'function mapping', (v) => r.lambdaFunction(v));
  if (type === 'TransferToFlow') check('ContactFlowId', 'flow', (v) => r.flow(v));
  if (type === 'UpdateContactEventHooks' && isObject(p.EventHooks)) {
    for (const hook of Object.keys(p.EventHooks)) check(`EventHooks.${hook}`, 'flow', (v) => r.flow(v));
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringMap(v: unknown): boolean {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

function get(obj: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}
