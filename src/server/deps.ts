// What the HTTP adapter needs from the line, declared here by the server (the consumer) and
// supplied by the composition root (src/app/). The server imports cores and the runtime, never
// the store, telephony or the app: a SQLite store satisfies these interfaces by its shape.
import type { Closure } from '../calendar/types.ts';
import type { StoredClosure } from '../calendar/closures.ts';
import type { MonthlyCost } from '../contacts/cost.ts';
import type { HistoricalMetrics, RealtimeSnapshot } from '../contacts/metrics.ts';
import type { ContactRecord } from '../contacts/record.ts';
import type { ContactSearchFilter, ContactSearchPage, ContactSearchResult } from '../contacts/search.ts';
import type { Customer } from '../directory/customers.ts';
import type { CustomerPage, CustomerQuery } from '../directory/search.ts';
import type { HoursOfOperationConfig, InstanceDefinition, Queue, QueueMember } from '../instance/types.ts';
import type { Router } from '../routing/router.ts';
import type { ContactCenter } from '../runtime/contact-center.ts';
import type { EventBus } from '../runtime/events.ts';
import type { Clock, Scheduler } from '../runtime/scheduler.ts';
import type { User, UserStore } from '../users/users.ts';

/** The contact center as the API drives it: agents' actions, test calls, live contacts. */
export type ContactCenterPort = Pick<
  ContactCenter,
  | 'startContact' | 'dtmf' | 'promptFinished' | 'customerHangUp'
  | 'setAgentStatus' | 'accept' | 'decline' | 'agentHangUp' | 'agentHold' | 'finishAfterContactWork'
  | 'contact' | 'liveContacts' | 'offersFor' | 'summary'
>;

/** Agents' states as the router keeps them. */
export type AgentStates = Pick<Router, 'agent' | 'agents' | 'settableStatuses'>;

export type EventSource = Pick<EventBus, 'subscribe'>;

/** Finished contacts' records (store/contacts.ts in SQLite). */
export interface ContactRecords {
  /** Newest first; throws InvalidContactSearchError listing every bad field. */
  search(filter: ContactSearchFilter, page: ContactSearchPage): ContactSearchResult;
  get(contactId: string): ContactRecord | undefined;
}

/** The customer directory as admins edit it. */
export interface CustomerAdmin {
  /** The whole directory (the CSV export). */
  list(): Customer[];
  page(query: CustomerQuery): CustomerPage;
  find(customerNumber: string): Customer | undefined;
  importAll(customers: Customer[], now: Date): { inserted: number; updated: number };
  remove(customerNumber: string): boolean;
}

/** Company closures as admins edit them. */
export interface ClosureAdmin {
  list(): StoredClosure[];
  /** The new closure's id; throws when the closure is invalid. */
  add(closure: Closure): number;
  remove(id: number): boolean;
}

/** Contacts initiated in [from, to), epoch ms. */
export interface HistoricalPeriod {
  from: number;
  to: number;
  serviceLevelSeconds?: number;
}

/** Reports computed from the live line and its records. */
export interface Reports {
  realtime(): RealtimeSnapshot;
  historical(period: HistoricalPeriod): HistoricalMetrics;
  /** A billing month, YYYY-MM. */
  cost(month: string): MonthlyCost;
  /** The Prometheus text exposition for GET /metrics. */
  prometheusText(): Promise<string>;
}

/** A WebSocket handed to the SIP side (the `ws` socket @fastify/websocket gives satisfies it). */
export interface SipWebSocketLike {
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Short-lived SIP credentials for browser phones, tied to the web session that asked (src/app/phone-credentials.ts). */
export interface PhoneCredentialsPort {
  /** An agent's extension (`agent`) or the staff test phone's `test-<username>` (`test-phone`); or why not. */
  issue(user: User, sessionToken: string, use: 'agent' | 'test-phone', now: Date):
    | { ok: true; username: string; password: string; expiresAt: string }
    | { ok: false; status: 403 | 409; message: string };
  /** Logout: the session's credentials stop working and their registrations end. */
  revokeSession(sessionToken: string): void;
}

/** Edits written to the definition file and applied to the running line at once (src/app/admin-edits.ts). */
export interface DefinitionEdits {
  setHours(hoursId: string, config: readonly HoursOfOperationConfig[]): InstanceDefinition;
  setNumberFlow(number: string, flow: string): InstanceDefinition;
  addFlow(flow: { id: string; name: string; text: string }): InstanceDefinition;
  addPrompt(prompt: { id: string; name: string; language?: string; text?: string; wav?: Buffer }): Promise<InstanceDefinition>;
  /** 8 kHz mono PCM16 WAV; undefined when there is no such prompt. */
  promptAudio(promptId: string): Promise<Buffer | undefined>;
  speak(text: string, language?: string): Promise<Buffer>;
}

export interface ServerDeps {
  clock: Clock;
  /** Test calls play their prompts on it. */
  scheduler: Scheduler;
  log(message: string): void;
  /** The data directory; recordings are served from its recordings/ folder only. */
  dataDir: string;
  /** The instance definition as it is now (an admin's queue-rank edit replaces it). */
  definition(): InstanceDefinition;
  users: UserStore;
  center: ContactCenterPort;
  agents: AgentStates;
  events: EventSource;
  records: ContactRecords;
  customers: CustomerAdmin;
  closures: ClosureAdmin;
  reports: Reports;
  /** Rewrites a queue's ranked members; throws DefinitionEditError (no such queue, invalid edit). */
  updateQueueRanks(queueId: string, agents: readonly QueueMember[]): Queue;
  /** The admin's other edits of the definition (hours, numbers' flows, flows, prompts); each throws DefinitionEditError. */
  edits: DefinitionEdits;
  newContactId(): string;
  /** A flow file of the definition as written, by flow id; undefined when there is no such flow. */
  flowText(flowId: string): string | undefined;
  /** The built browser app (web/dist), served at /; absent: the server has no app. */
  webDir?: string;
  /** SIP over WebSocket at /sip (RFC 7118): the SIP side adopts the socket; absent when the line has no SIP. */
  /** Browser phones' credentials; absent when the line has no SIP side. */
  phoneCredentials?: PhoneCredentialsPort;
  sipWebSocket?: (socket: SipWebSocketLike, peer: { address: string; port: number; secure: boolean }) => void;
}
