// What the deployed functions are told by the CDK app (infra/), through environment variables:
// the one place a Lambda entry point reads them. Names are shared with infra/ so they cannot drift.
import type { Closure } from '../../instance/types.ts';

export const ENV = {
  /** The DynamoDB customer table. */
  customerTable: 'CUSTOMER_TABLE',
  /** JSON: [{ id, name, arn }] — the deployed queues, so the lookup returns a queue ARN Connect accepts. */
  queues: 'CHOKUTSU_QUEUES',
  /** The instance's time zone (Asia/Tokyo). */
  timeZone: 'CHOKUTSU_TIME_ZONE',
  /** JSON: the definition's company closures [{ from, to, name }]. */
  closures: 'CHOKUTSU_CLOSURES',
} as const;

export interface DeployedQueue {
  id: string;
  name: string;
  arn: string;
}

export function requiredEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set (the CDK app in infra/ sets it)`);
  return value;
}

export function jsonEnv<T>(env: NodeJS.ProcessEnv, name: string): T {
  const text = requiredEnv(env, name);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`environment variable ${name} is not JSON: ${(err as Error).message}`);
  }
}

export type { Closure };
