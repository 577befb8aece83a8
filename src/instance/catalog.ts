// The instance definition seen from a running flow: resources by id, ARN or name.
import { isWithinHours } from '../calendar/hours.ts';
import {
  ResourceIndex, resolverFor, type FlowCatalog, type HoursInfo, type PromptInfo, type QueueInfo,
} from '../flow/catalog.ts';
import type { ReferenceResolver } from '../flow/catalog.ts';
import type { Flow } from '../flow/types.ts';
import { agentQueueId } from '../routing/router.ts';
import { instanceArn, resourceArn } from './arn.ts';
import type { InstanceDefinition } from './types.ts';

export interface InstanceCatalog extends FlowCatalog {
  timeZone: string;
  queues: QueueInfo[];
  flows: Flow[];
}

/** The router's agent queue ids are `agent:<id>`. */
const AGENT_QUEUE_PREFIX = agentQueueId('');

export function instanceCatalog(def: InstanceDefinition, flows: readonly Flow[]): InstanceCatalog {
  const queues = def.queues.map((q): QueueInfo => ({
    id: q.id, arn: resourceArn(def, 'queue', q.id), name: q.name, hoursOfOperationId: q.hoursOfOperation,
  }));
  // An hours of operation without its own time zone keeps the instance's.
  const hours = new ResourceIndex(def.hoursOfOperation.map((h): HoursInfo => ({
    id: h.id, arn: resourceArn(def, 'operating-hours', h.id), name: h.name,
    isOpen: (at) => isWithinHours(h, new Date(at), def.timeZone),
  })));
  const prompts = new ResourceIndex(def.prompts.map((p): PromptInfo => ({
    id: p.id, arn: resourceArn(def, 'prompt', p.id), name: p.name,
    ...(p.text !== undefined ? { text: p.text } : {}), ...(p.file !== undefined ? { file: p.file } : {}),
  })));
  const queueIndex = new ResourceIndex(queues);
  // Agent queues (Connect: one per agent, for transfers to that agent).
  const agentQueue = (id: string | undefined): QueueInfo | undefined => {
    const agent = id !== undefined ? def.agents.find((a) => a.id === id) : undefined;
    return agent
      ? { id: agentQueueId(agent.id), arn: resourceArn(def, 'agent', agent.id), name: agent.name, agentId: agent.id }
      : undefined;
  };
  // As a queue reference, an agent queue is `agent:<id>` or the agent's ARN.
  const agentQueueByRef = (ref: string): QueueInfo | undefined =>
    agentQueue(ref.startsWith(AGENT_QUEUE_PREFIX) ? ref.slice(AGENT_QUEUE_PREFIX.length) : /\/agent\/([^/]+)$/.exec(ref)?.[1]);
  const flowIndex = new ResourceIndex(flows.map((f) => ({ ...f, arn: f.arn ?? resourceArn(def, 'contact-flow', f.id) })));
  return {
    instanceArn: instanceArn(def),
    timeZone: def.timeZone,
    languageCode: def.language,
    queues,
    flows: flowIndex.values(),
    flow: (ref) => flowIndex.get(ref),
    queue: (ref) => queueIndex.get(ref) ?? agentQueueByRef(ref.trim()),
    // An agent's id or ARN: its last path segment is the id.
    agentQueue: (ref) => agentQueue(ref.split('/').pop()?.trim()),
    hoursOfOperation: (ref) => hours.get(ref),
    prompt: (ref) => prompts.get(ref),
  };
}

/** What a flow may refer to in this instance, for `checkFlow` before the flows are loaded. */
export function instanceResolver(def: InstanceDefinition): ReferenceResolver {
  const flowRefs = new Set(def.flows.flatMap((f) => [f.id, f.name, resourceArn(def, 'contact-flow', f.id)]));
  return resolverFor(instanceCatalog(def, []), (r) => flowRefs.has(r), new Set(def.functions.map((f) => f.arn)));
}

/** The names a customer's queue may be given by (CSV import, admin API): ids and names. */
export function queueRefs(def: InstanceDefinition): ReadonlySet<string> {
  return new Set(def.queues.flatMap((q) => [q.id, q.name]));
}
