// ARNs in Amazon Connect's forms, so a flow written here imports into Connect unchanged.
import type { InstanceDefinition } from './types.ts';

export const DEFAULT_REGION = 'ap-northeast-1';
export const DEFAULT_ACCOUNT = '000000000000';
export const DEFAULT_INSTANCE_ID = 'chokutsu';

/** The resource kinds as they appear in a Connect ARN path. */
export type ConnectResourceKind = 'queue' | 'operating-hours' | 'contact-flow' | 'prompt' | 'agent';

const KINDS: readonly ConnectResourceKind[] = ['queue', 'operating-hours', 'contact-flow', 'prompt', 'agent'];

type ArnParts = Pick<InstanceDefinition, 'awsRegion' | 'awsAccountId' | 'instanceId'>;

/** `arn:aws:connect:<region>:<account>:instance/<instanceId>` */
export function instanceArn(def: ArnParts): string {
  const region = def.awsRegion ?? DEFAULT_REGION;
  const account = def.awsAccountId ?? DEFAULT_ACCOUNT;
  return `arn:aws:connect:${region}:${account}:instance/${def.instanceId ?? DEFAULT_INSTANCE_ID}`;
}

/** `<instanceArn>/<kind>/<id>`, e.g. `.../instance/chokutsu/queue/general`. */
export function resourceArn(def: ArnParts, kind: ConnectResourceKind, id: string): string {
  return `${instanceArn(def)}/${kind}/${id}`;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` */
export function lambdaArn(def: ArnParts, functionName: string): string {
  const region = def.awsRegion ?? DEFAULT_REGION;
  const account = def.awsAccountId ?? DEFAULT_ACCOUNT;
  return `arn:aws:lambda:${region}:${account}:function:${functionName}`;
}

export interface ConnectArn {
  region: string;
  account: string;
  instanceId: string;
  kind?: ConnectResourceKind;
  id?: string;
}

const CONNECT_ARN = /^arn:aws:connect:([a-z0-9-]+):([0-9]{12}):instance\/([^/]+)(?:\/([a-z-]+)\/([^/]+))?$/;

/** Parses an instance or resource ARN; undefined for anything else (including unknown resource kinds). */
export function parseConnectArn(arn: string): ConnectArn | undefined {
  const m = CONNECT_ARN.exec(arn);
  if (!m) return undefined;
  const [, region, account, instanceId, kind, id] = m;
  if (region === undefined || account === undefined || instanceId === undefined) return undefined;
  if (kind === undefined || id === undefined) return { region, account, instanceId };
  if (!isKind(kind)) return undefined;
  return { region, account, instanceId, kind, id };
}

function isKind(s: string): s is ConnectResourceKind {
  return (KINDS as readonly string[]).includes(s);
}
