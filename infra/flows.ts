// A flow of the definition as it deploys to Amazon Connect: every static reference (queues, hours,
// prompts, Lambda ARNs, other flows — by id, name or local ARN) rewritten to the deployed resource,
// and the queue ranks turned into "Set routing criteria" steps before each transfer to a queue.
// Pure: the deployed ARNs come in as strings (CDK tokens in the stack, fixed strings in tests).
import { actions as definitions } from '../src/flow/actions/index.ts';
import { isReference } from '../src/flow/attributes.ts';
import { isSupportedType } from '../src/flow/action-specs.ts';
import { isObject } from '../src/flow/parameters.ts';
import type { RawAction, Transitions } from '../src/flow/types.ts';
import { instanceCatalog } from '../src/instance/catalog.ts';
import { resourceArn } from '../src/instance/arn.ts';
import type { InstanceDefinition, Queue } from '../src/instance/types.ts';

/** The deployed resources, by the definition's ids (function ARNs for functions). */
export interface DeployedRefs {
  queueArn(queueId: string): string;
  /** The agent queue of one agent: `<instance ARN>/queue/agent/<user id>`. */
  agentQueueArn(agentId: string): string;
  /** The Connect user id (AgentIds in routing criteria take ids, not ARNs). */
  userId(agentId: string): string;
  hoursArn(hoursId: string): string;
  flowArn(flowId: string): string;
  promptArn(promptId: string): string;
  /** By the function ARN the definition (and the local flow) uses. */
  lambdaArn(definitionArn: string): string;
}

/** A static reference the flow makes that the definition does not have. */
export class FlowReferenceError extends Error {
  constructor(flow: string, actionId: string, key: string, value: string) {
    super(`flow ${flow}, action ${actionId}: ${key} names nothing in the definition: ${value}`);
    this.name = 'FlowReferenceError';
  }
}

interface FlowDocumentLike {
  Version: string;
  StartAction: string;
  Metadata?: Record<string, unknown>;
  Actions: RawAction[];
}

/** Identifiers of the actions the deploy adds start with this, so they never clash with the flow's own. */
export const GENERATED_PREFIX = 'chokutsu-';

export function deployFlowDocument(
  flowId: string, doc: FlowDocumentLike, def: InstanceDefinition, refs: DeployedRefs,
): FlowDocumentLike {
  const resolve = referenceResolver(def, refs);
  const actions = doc.Actions.map((raw) => rewritePrompts(flowId, rewriteAction(flowId, raw, resolve), def, refs.promptArn));
  const routed = withRoutingCriteria(actions, def, refs);
  return { ...doc, StartAction: routed.retarget(doc.StartAction), Actions: routed.actions };
}

type Resolve = (resource: 'queue' | 'hoursOfOperation' | 'flow' | 'lambdaFunction', value: string) => string | undefined;

function referenceResolver(def: InstanceDefinition, refs: DeployedRefs): Resolve {
  const catalog = instanceCatalog(def, []);
  const flowId = (ref: string): string | undefined =>
    def.flows.find((f) => f.id === ref || f.name === ref || resourceArn(def, 'contact-flow', f.id) === ref)?.id;
  return (resource, value) => {
    switch (resource) {
      case 'queue': {
        const queue = catalog.queue(value);
        if (queue === undefined) return undefined;
        return queue.agentId !== undefined ? refs.agentQueueArn(queue.agentId) : refs.queueArn(queue.id);
      }
      case 'hoursOfOperation': {
        const hours = catalog.hoursOfOperation(value);
        return hours && refs.hoursArn(hours.id);
      }
      case 'flow': {
        const id = flowId(value);
        return id && refs.flowArn(id);
      }
      case 'lambdaFunction':
        return def.functions.some((f) => f.arn === value) ? refs.lambdaArn(value) : undefined;
    }
  };
}

function rewriteAction(flowId: string, raw: RawAction, resolve: Resolve): RawAction {
  const params = structuredClone(raw.Parameters ?? {});
  if (isSupportedType(raw.Type)) {
    for (const { key, resource } of definitions[raw.Type].references?.(params) ?? []) {
      if (resource === 'prompt') continue;
      const path = key.split('.');
      const holder = path.slice(0, -1).reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), params);
      const last = path[path.length - 1] as string;
      if (!isObject(holder)) continue;
      const value = holder[last];
      if (typeof value !== 'string' || isReference(value)) continue;
      const deployed = resolve(resource, value);
      if (deployed === undefined) throw new FlowReferenceError(flowId, raw.Identifier, key, value);
      holder[last] = deployed;
    }
  }
  return { ...raw, Parameters: params };
}

/** Prompts: a PromptId anywhere in the Parameters (MessageParticipant, GetParticipantInput, Messages[]). */
export function rewritePrompts(
  flowId: string, action: RawAction, def: InstanceDefinition, promptArn: (promptId: string) => string,
): RawAction {
  const catalog = instanceCatalog(def, []);
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = visit(v);
    const ref = out['PromptId'];
    if (typeof ref === 'string' && !isReference(ref)) {
      const prompt = catalog.prompt(ref);
      if (prompt === undefined) throw new FlowReferenceError(flowId, action.Identifier, 'PromptId', ref);
      const definition = def.prompts.find((p) => p.id === prompt.id);
      if (definition?.file === undefined && definition?.text !== undefined) {
        // A text prompt is spoken by Connect's own text-to-speech (Amazon Polly) in the flow's voice.
        delete out['PromptId'];
        out['Text'] = definition.text;
      } else {
        out['PromptId'] = promptArn(prompt.id);
      }
    }
    return out;
  };
  return { ...action, Parameters: visit(action.Parameters ?? {}) as Record<string, unknown> };
}

/**
 * The queue's ranks as routing steps: step k prefers ranks 1..k for the queue's ring timeout, then
 * widens to the next rank; the last step (every ranked agent) never expires, so a contact stays with
 * the queue's ranked agents as it does locally. A queue with no ranked agents gets no criteria.
 */
export function routingCriteriaSteps(queue: Queue, userId: (agentId: string) => string): Record<string, unknown>[] {
  const ranked = [...queue.agents].sort((a, b) => a.rank - b.rank);
  const expiry = queue.ringTimeoutSeconds ?? 20;
  return ranked.map((_, k) => ({
    Expression: {
      AttributeCondition: {
        ComparisonOperator: 'Match',
        MatchCriteria: { AgentsCriteria: { AgentIds: ranked.slice(0, k + 1).map((m) => userId(m.agent)) } },
      },
    },
    ...(k < ranked.length - 1 ? { Expiry: { DurationInSeconds: expiry } } : {}),
  }));
}

/**
 * Before every TransferContactToQueue: a Compare on the working queue ($.Queue.ARN) that sets the
 * routing criteria of that queue's ranks, then goes on to the transfer. A contact whose working queue
 * has no ranks (or is an agent queue, where Connect ignores criteria) goes straight to the transfer.
 */
function withRoutingCriteria(
  actions: RawAction[], def: InstanceDefinition, refs: DeployedRefs,
): { actions: RawAction[]; retarget: (id: string) => string } {
  const transfers = actions.filter((a) => a.Type === 'TransferContactToQueue');
  const rankedQueues = def.queues.filter((q) => q.agents.length > 0);
  if (transfers.length === 0 || rankedQueues.length === 0) return { actions, retarget: (id) => id };
  const added: RawAction[] = [];
  const renamed = new Map<string, string>();
  for (const transfer of transfers) {
    const selectId = `${GENERATED_PREFIX}routing-${transfer.Identifier}`.slice(0, 50);
    renamed.set(transfer.Identifier, selectId);
    added.push({
      Identifier: selectId,
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.Queue.ARN' },
      Transitions: {
        NextAction: transfer.Identifier,
        Errors: [{ NextAction: transfer.Identifier, ErrorType: 'NoMatchingCondition' }],
        Conditions: rankedQueues.map((q, i) => ({
          NextAction: criteriaId(selectId, i),
          Condition: { Operator: 'Equals', Operands: [refs.queueArn(q.id)] },
        })),
      },
    });
    rankedQueues.forEach((q, i) => added.push({
      Identifier: criteriaId(selectId, i),
      Type: 'UpdateRoutingCriteria',
      Parameters: { RoutingCriteria: { Steps: routingCriteriaSteps(q, refs.userId) } },
      // Criteria that cannot be set must not lose the call: transfer without them.
      Transitions: { NextAction: transfer.Identifier, Errors: [{ NextAction: transfer.Identifier, ErrorType: 'NoMatchingError' }] },
    }));
  }
  const retarget = (id: string): string => renamed.get(id) ?? id;
  const rewired = actions.map((a) => {
    const transitions = retargetTransitions(a.Transitions, retarget);
    return transitions === undefined ? a : { ...a, Transitions: transitions };
  });
  return { actions: [...rewired, ...added], retarget };
}

function criteriaId(selectId: string, i: number): string {
  const suffix = `-q${i}`;
  return selectId.slice(0, 50 - suffix.length) + suffix;
}

function retargetTransitions(t: Transitions | undefined, retarget: (id: string) => string): Transitions | undefined {
  if (t === undefined) return t;
  return {
    ...t,
    ...(t.NextAction !== undefined ? { NextAction: retarget(t.NextAction) } : {}),
    ...(t.Errors ? { Errors: t.Errors.map((e) => ({ ...e, NextAction: retarget(e.NextAction) })) } : {}),
    ...(t.Conditions ? { Conditions: t.Conditions.map((c) => ({ ...c, NextAction: retarget(c.NextAction) })) } : {}),
  };
}
