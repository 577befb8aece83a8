// What the API answers, as the app reads it (the server's own types live in src/; the app is built
// apart from them, so these are the JSON shapes, kept to the fields the app uses).

export type Role = 'admin' | 'supervisor' | 'agent';

export interface User {
  id: number;
  username: string;
  role: Role;
  agentId?: string;
}

export interface Instance {
  name: string;
  timeZone: string;
  language: string;
  phoneNumbers: string[];
  queues: { id: string; name: string }[];
  agents: { id: string; name: string; afterContactWorkSeconds: number }[];
  statuses: string[];
  /** The line has a SIP side, so browsers can be phones (POST /api/phone/credentials). */
  browserPhones?: boolean;
  /** The line's clock when the session started. */
  now: string;
}

export type AgentStatus = 'Offline' | 'Available' | 'Ringing' | 'OnContact' | 'AfterContactWork' | 'Missed' | 'Custom';

export interface AgentState {
  agentId: string;
  name?: string;
  status: AgentStatus;
  customStatus?: string;
  /** Epoch ms today; ISO 8601 once the API says so everywhere. */
  since: number | string;
  contactId?: string;
  queues: string[];
}

export interface LiveContact {
  contactId: string;
  from: string;
  to: string;
  phase: string;
  queueId?: string;
  agentId?: string;
  customerNumber?: string;
  customerName?: string;
  project?: string;
  initiatedAt: string;
  enqueuedAt?: string;
}

export interface AgentDesk {
  agent: AgentState;
  offers: LiveContact[];
  contacts: LiveContact[];
}

// Times in events are ISO 8601, as everywhere in the API.
export type CenterEvent =
  | { type: 'contact.started'; contactId: string; from: string; to: string; at: string }
  | { type: 'contact.step'; contactId: string }
  | { type: 'contact.queued'; contactId: string; queueId: string; position: number; at: string }
  | { type: 'contact.offered'; contactId: string; agentId: string; queueId: string; ringUntil: string; at: string; customerNumber?: string; customerName?: string; project?: string }
  | { type: 'contact.offerWithdrawn'; contactId: string; agentId: string; reason: string; at: string }
  | { type: 'contact.connected'; contactId: string; agentId: string; at: string }
  | { type: 'contact.disconnected'; contactId: string; agentId?: string; by: string; at: string }
  | { type: 'contact.acwFinished'; contactId: string; agentId: string; at: string }
  | { type: 'agent.status'; agentId: string; from: string; to: string; customStatus?: string; at: string };

export interface AgentOffer {
  agentId: string;
  at: string;
  endedAt?: string;
  outcome: string;
}

export interface ContactRecord {
  contactId: string;
  customerEndpoint: string;
  systemEndpoint: string;
  customerNumber?: string;
  customerName?: string;
  queue?: { id: string; name: string };
  agent?: { id: string; name: string; username: string };
  initiationTimestamp: string;
  enqueueTimestamp?: string;
  offeredTimestamp?: string;
  connectedToAgentTimestamp?: string;
  disconnectTimestamp: string;
  afterContactWorkEndTimestamp?: string;
  queueDuration: number;
  ringDuration: number;
  talkDuration: number;
  holdDuration: number;
  afterContactWorkDuration: number;
  totalDuration: number;
  disconnectReason: string;
  attributes: Record<string, string>;
  flowPath: string[];
  recording?: { location: string; participants: string[] };
  agentOffers: AgentOffer[];
  cost: { currency: string; amount: number; billedMinutes: number };
  notes?: string;
}

export const DISCONNECT_REASONS = [
  'CUSTOMER_DISCONNECT', 'AGENT_DISCONNECT', 'ABANDONED_IN_QUEUE', 'AFTER_HOURS', 'HOLIDAY',
  'CUSTOMER_NOT_FOUND', 'QUEUE_AT_CAPACITY', 'QUEUE_TIMEOUT', 'FLOW_ERROR', 'FLOW_DISCONNECT',
  'LINE_SHUTDOWN', 'LINE_CRASH', 'THIRD_PARTY_DISCONNECT',
] as const;

export interface Customer {
  customerNumber: string;
  name: string;
  queue: string;
}

export interface QueueDef {
  id: string;
  name: string;
  description?: string;
  hoursOfOperation: string;
  agents: { agent: string; rank: number }[];
}
