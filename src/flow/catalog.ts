import type { Flow, QueueMetricType } from './types.ts';

export interface QueueInfo {
  id: string;
  arn: string;
  name: string;
  hoursOfOperationId?: string;
  /** Set on an agent's own queue (Connect gives every agent one, for transfers to that agent). */
  agentId?: string;
}

/**
 * An hours of operation as a flow sees it: the catalog answers whether it is open, so the flow needs
 * neither the schedule nor the instance's time zone.
 */
export interface HoursInfo {
  id: string;
  arn: string;
  name: string;
  /** Whether the hours are open at `at` (epoch ms). */
  isOpen(at: number): boolean;
}

export interface PromptInfo {
  id: string;
  arn: string;
  name: string;
  text?: string;
  file?: string;
}

/**
 * What a running flow may look up in its instance. Every lookup takes an id, an ARN or a name,
 * as Connect accepts ids and ARNs (and chokutsu also names, for hand-written flows).
 */
export interface FlowCatalog {
  instanceArn: string;
  languageCode: string;
  flow(ref: string): Flow | undefined;
  queue(ref: string): QueueInfo | undefined;
  /** The agent queue of one agent, by the agent's id or ARN (CheckMetricData's AgentId). */
  agentQueue(agentRef: string): QueueInfo | undefined;
  hoursOfOperation(ref: string): HoursInfo | undefined;
  prompt(ref: string): PromptInfo | undefined;
  /** Real-time queue metrics for CheckMetricData; absent when no router runs (the text channel). */
  queueMetric?(queueId: string, metric: QueueMetricType): number | undefined;
}

interface Named { id: string; arn: string; name: string }

/** Indexes resources by id, ARN and name. */
export class ResourceIndex<T extends Named> {
  private readonly byKey = new Map<string, T>();
  constructor(items: Iterable<T>) {
    for (const item of items) {
      for (const key of [item.id, item.arn, item.name]) if (!this.byKey.has(key)) this.byKey.set(key, item);
    }
  }
  get(ref: string): T | undefined {
    return this.byKey.get(ref.trim());
  }
  values(): T[] {
    return [...new Set(this.byKey.values())];
  }
}

/** Looks up the static references a flow makes (ids, ARNs or names), when an instance is known. */
export interface ReferenceResolver {
  flow(ref: string): boolean;
  queue(ref: string): boolean;
  hoursOfOperation(ref: string): boolean;
  prompt(ref: string): boolean;
  lambdaFunction(arn: string): boolean;
}

/** Lets the validator report references a flow makes that this instance cannot satisfy. */
export function resolverFor(
  catalog: Pick<FlowCatalog, 'queue' | 'hoursOfOperation' | 'prompt'>,
  flowRefs: (ref: string) => boolean,
  lambdaArns: ReadonlySet<string>,
): ReferenceResolver {
  return {
    flow: flowRefs,
    queue: (r) => catalog.queue(r) !== undefined,
    hoursOfOperation: (r) => catalog.hoursOfOperation(r) !== undefined,
    prompt: (r) => catalog.prompt(r) !== undefined,
    lambdaFunction: (arn) => lambdaArns.has(arn),
  };
}
