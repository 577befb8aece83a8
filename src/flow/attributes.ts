// Connect's JSONPath references into the contact ("$.Attributes.x", "$.External.x", ...).
// https://docs.aws.amazon.com/connect/latest/adminguide/connect-attrib-list.html

/** The parts of a contact that references can read. */
export interface ContactDataView {
  contactId: string;
  initialContactId: string;
  channel: string;
  instanceArn: string;
  customerAddress?: string;
  systemAddress?: string;
  languageCode?: string;
  attributes: Readonly<Record<string, string>>;
  /** The last function result: flat strings, or nested JSON with ResponseType JSON. */
  external: Readonly<Record<string, unknown>>;
  storedCustomerInput?: string;
  queue?: { arn: string; name: string; id: string };
  /** UpdateFlowAttributes, for the current flow. */
  flowAttributes?: Readonly<Record<string, string>>;
  /** GetMetricData's last reading. */
  metrics?: { queue: { arn: string; name: string }; values: Readonly<Partial<Record<string, number>>> };
}

// GetMetricData's results as Connect's "Queue metrics" attributes (connect-attrib-list.html).
const METRIC_ATTRIBUTES: Record<string, string> = {
  'Queue.Size': 'NumberOfContactsInQueue',
  'Queue.OldestContactAge': 'OldestContactInQueueAgeSeconds',
  'Agents.Online.Count': 'NumberOfAgentsOnline',
  'Agents.Available.Count': 'NumberOfAgentsAvailable',
  'Agents.Staffed.Count': 'NumberOfAgentsStaffed',
};

const REFERENCE = /\$\.(?:[A-Za-z][A-Za-z0-9]*)(?:\.[A-Za-z0-9_\-]+)*/g;

/** Whether a parameter value is a single JSONPath reference (dynamic) rather than a static value. */
export function isReference(value: string): boolean {
  REFERENCE.lastIndex = 0;
  const m = REFERENCE.exec(value.trim());
  return m !== null && m.index === 0 && m[0].length === value.trim().length;
}

/** Resolves one reference; a missing value resolves to "" as Connect does. */
export function resolveReference(ref: string, data: ContactDataView): string {
  const [, root = '', ...rest] = ref.trim().split('.');
  const key = rest.join('.');
  switch (root) {
    case 'Attributes':
      return data.attributes[key] ?? '';
    case 'External':
      return stringify(pick(data.external, rest));
    case 'FlowAttributes':
      return data.flowAttributes?.[key] ?? '';
    case 'Metrics': {
      const m = data.metrics;
      if (!m) return '';
      if (key === 'Queue.Name') return m.queue.name;
      if (key === 'Queue.ARN') return m.queue.arn;
      const metric = METRIC_ATTRIBUTES[key];
      const v = metric !== undefined ? m.values[metric] : undefined;
      return v === undefined ? '' : String(v);
    }
    case 'StoredCustomerInput':
      return data.storedCustomerInput ?? '';
    case 'ContactId':
      return data.contactId;
    case 'InitialContactId':
      return data.initialContactId;
    case 'Channel':
      return data.channel;
    case 'InstanceARN':
      return data.instanceArn;
    case 'LanguageCode':
      return data.languageCode ?? '';
    case 'Queue':
      if (!data.queue) return '';
      if (key === 'Name') return data.queue.name;
      if (key === 'ARN') return data.queue.arn;
      return '';
    case 'CustomerEndpoint':
      return key === 'Address' ? data.customerAddress ?? '' : key === 'Type' ? 'TELEPHONE_NUMBER' : '';
    case 'SystemEndpoint':
      return key === 'Address' ? data.systemAddress ?? '' : key === 'Type' ? 'TELEPHONE_NUMBER' : '';
    default:
      return '';
  }
}

/** Replaces every reference inside a text ("本日は$.External.holidayNameのため…"). */
export function interpolate(text: string, data: ContactDataView): string {
  return text.replace(REFERENCE, (ref) => resolveReference(ref, data));
}

/** A parameter that is either static or one reference. */
export function resolveValue(value: string, data: ContactDataView): string {
  return isReference(value) ? resolveReference(value, data) : value;
}

function pick(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
