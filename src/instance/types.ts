// The instance definition: one file describing the whole line, in Amazon Connect's vocabulary.
// The same definition runs locally and deploys to Amazon Connect (infra/).
import type { Closure, HoursOfOperation, HoursOfOperationConfig, Weekday } from '../calendar/types.ts';
import type { Rates } from '../contacts/cost.ts';
import type { FlowType } from '../flow/types.ts';

export type { Closure, HoursOfOperation, HoursOfOperationConfig, Rates, Weekday };

export interface QueueMember {
  agent: string; // agent id
  rank: number; // 1 knows the project best
}

export interface Queue {
  id: string;
  name: string;
  description?: string;
  hoursOfOperation: string; // hours id
  /** Ranked members; rank 1 first. */
  agents: QueueMember[];
  ringTimeoutSeconds?: number; // default 20
  maxContacts?: number; // queue capacity; unlimited when absent
  maxWaitSeconds?: number;
  overflow?: { queue: string; afterSeconds: number };
}

export interface RoutingProfile {
  id: string;
  name: string;
  afterContactWorkTimeoutSeconds?: number; // 0 = no ACW timeout
}

export interface Agent {
  id: string;
  name: string;
  username: string;
  routingProfile?: string;
  /** SIP extension of the agent's phone, when they use one. */
  extension?: string;
  /** What routing criteria (UpdateRoutingCriteria) match: Connect's UserProficiency. */
  proficiencies?: UserProficiency[];
}

/** A predefined attribute's value the agent is proficient in, at level 1–5 (Connect's UserProficiency). */
export interface UserProficiency {
  attributeName: string;
  attributeValue: string;
  level: number;
}

export interface Prompt {
  id: string;
  name: string;
  /** A WAV file relative to the data directory, or text rendered by TTS. */
  file?: string;
  text?: string;
  language?: string;
}

/** A local stand-in for a Lambda function: the flow's LambdaFunctionARN maps to a handler. */
export interface FunctionMapping {
  arn: string;
  /** A built-in handler name ('holiday-check', 'customer-lookup') or a module path exporting `handler`. */
  handler: string;
  timeoutSeconds?: number; // Connect allows 1..8, default 3
}

export interface FlowReference {
  id: string;
  name: string;
  file: string; // relative to the definition file
  /** Connect's flow type (CONTACT_FLOW when absent), or `module`: a flow module that InvokeFlowModule runs. */
  type?: FlowType;
}

export interface PhoneNumber {
  number: string; // E.164
  flow: string; // flow id or name
}

/** Where and how the line sends its outbound INVITEs: sip:<number>@host:port, digest when challenged (401/407). */
export interface OutboundTrunk {
  host: string;
  /** Default 5060. */
  port?: number;
  /** Default udp. */
  transport?: 'udp' | 'tcp';
  username?: string;
  password?: string;
  /** E.164 caller ID presented when the flow sets none (CallerId.Number); default: the caller's own number. */
  callerId?: string;
}

/** SIP and RTP for the embedded line (ignored when the definition deploys to Amazon Connect). */
export interface TelephonyConfig {
  sip?: { host?: string; port?: number; udp?: boolean; tcp?: boolean; realm?: string };
  rtp?: {
    host?: string; portMin?: number; portMax?: number;
    /** Threads that carry RTP, bridging and recording (0: all on the signalling thread); default one per core. */
    mediaWorkers?: number;
  };
  /**
   * SIP trunks allowed to send calls in: by source address (IP or CIDR) and/or digest credentials.
   * The one trunk with `outbound` is where the line dials out (TransferParticipantToThirdParty).
   */
  trunks?: { name: string; addresses?: string[]; username?: string; password?: string; outbound?: OutboundTrunk }[];
  /** Text-to-speech for prompts given as text: espeak-ng offline, or Amazon Polly with AWS credentials. */
  tts?: { engine: 'espeak-ng' | 'polly'; /** espeak-ng's speed (-s), 80–450; default 175. */ wordsPerMinute?: number };
}

/** The API's sessions: signed out after `sessionIdleMinutes` unused (default 60) and `sessionMaxHours` after login (default 12). */
export interface SecurityConfig {
  sessionIdleMinutes?: number;
  sessionMaxHours?: number;
}

/** Call recordings: WAV files under the data directory locally, an S3 bucket on Amazon Connect. */
export interface RecordingsConfig {
  /** Recordings older than this are deleted (on AWS by the bucket's lifecycle rule); kept without limit when absent. */
  retentionDays?: number;
}

export interface InstanceDefinition {
  name: string;
  /** Used to build ARNs; any 12 digits locally. */
  awsAccountId?: string;
  awsRegion?: string; // ap-northeast-1
  instanceId?: string;
  timeZone: string; // Asia/Tokyo
  language: 'ja-JP' | 'en-US';
  phoneNumbers: PhoneNumber[];
  hoursOfOperation: HoursOfOperation[];
  routingProfiles: RoutingProfile[];
  agents: Agent[];
  queues: Queue[];
  prompts: Prompt[];
  functions: FunctionMapping[];
  flows: FlowReference[];
  closures: Closure[];
  holidays?: { icalUrl?: string; icalCacheHours?: number };
  rates?: Rates;
  telephony?: TelephonyConfig;
  security?: SecurityConfig;
  recordings?: RecordingsConfig;
}
