// The instance definition seen from a running flow: resources by id, ARN or name.
import { ResourceIndex, resolverFor, type FlowCatalog, type PromptInfo, type QueueInfo } from '../flow/catalog.ts';
import type { ReferenceResolver } from '../flow/validate.ts';
import type { Flow } from '../flow/types.ts';
import { instanceArn, resourceArn } from './arn.ts';
import type { HoursOfOperation, InstanceDefinition } from './types.ts';

export interface InstanceCatalog extends FlowCatalog {
  queues: QueueInfo[];
  flows: Flow[];
}

export function instanceCatalog(def: InstanceDefinition, flows: readonly Flow[]): InstanceCatalog {
  const queues = def.queues.map((q): QueueInfo => ({
    id: q.id, arn: resourceArn(def, 'queue', q.id), name: q.name, hoursOfOperationId: q.hoursOfOperation,
  }));
  const hours = new ResourceIndex(def.hoursOfOperation.map((h) => ({ ...h, arn: resourceArn(def, 'operating-hours', h.id) })));
  const prompts = new ResourceIndex(def.prompts.map((p): PromptInfo => ({
    id: p.id, arn: resourceArn(def, 'prompt', p.id), name: p.name,
    ...(p.text !== undefined ? { text: p.text } : {}), ...(p.file !== undefined ? { file: p.file } : {}),
  })));
  const queueIndex = new ResourceIndex(queues);
  // Agent queues (Connect: one per agent, for transfers to that agent): `agent:<id>` or the agent's ARN.
  const agentQueue = (ref: string): QueueInfo | undefined => {
    const id = ref.startsWith('agent:') ? ref.slice('agent:'.length) : /\/agent\/([^/]+)$/.exec(ref)?.[1];
    const agent = id !== undefined ? def.agents.find((a) => a.id === id) : undefined;
    return agent ? { id: `agent:${agent.id}`, arn: resourceArn(def, 'agent', agent.id), name: agent.name } : undefined;
  };
  const flowIndex = new ResourceIndex(flows.map((f) => ({ ...f, arn: f.arn ?? resourceArn(def, 'contact-flow', f.id) })));
  return {
    instanceArn: instanceArn(def),
    timeZone: def.timeZone,
    languageCode: def.language,
    queues,
    flows: flowIndex.values(),
    flow: (ref) => flowIndex.get(ref),
    queue: (ref) => queueIndex.get(ref) ?? agentQueue(ref.trim()),
    hoursOfOperation: (ref): HoursOfOperation | undefined => hours.get(ref),
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
