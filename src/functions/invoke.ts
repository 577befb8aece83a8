import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { FunctionMapping } from '../instance/types.ts';
import type { ConnectContactFlowEvent, ConnectLambdaHandler } from './connect-event.ts';

export type FunctionResult =
  | { ok: true; result: Record<string, string>; durationMs: number }
  | { ok: false; error: 'Timeout' | 'HandlerError' | 'InvalidResponse'; message: string; durationMs: number };

/** Connect rejects a function response larger than 32 KB. */
const MAX_RESPONSE_BYTES = 32 * 1024;

const TIMED_OUT = Symbol('timed out');

/**
 * Invokes a handler as Amazon Connect would: within the block's time limit, and accepting only a
 * flat map whose values become strings (STRING_MAP response validation).
 */
export async function invokeFunction(
  handler: ConnectLambdaHandler,
  event: ConnectContactFlowEvent,
  options: { functionName: string; timeLimitMs: number },
): Promise<FunctionResult> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const context = {
    functionName: options.functionName,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, options.timeLimitMs - elapsed()),
  };
  let timer: NodeJS.Timeout | undefined;
  let response: unknown;
  try {
    const running = Promise.resolve().then(() => handler(event, context));
    const timeout = new Promise<typeof TIMED_OUT>((done) => {
      timer = setTimeout(() => done(TIMED_OUT), options.timeLimitMs);
    });
    response = await Promise.race([running, timeout]);
  } catch (err) {
    return { ok: false, error: 'HandlerError', message: err instanceof Error ? err.message : String(err), durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
  if (response === TIMED_OUT) {
    return {
      ok: false, error: 'Timeout', durationMs: elapsed(),
      message: `${options.functionName} did not respond within ${options.timeLimitMs} ms`,
    };
  }
  const flat = toStringMap(response);
  if (!flat.ok) return { ok: false, error: 'InvalidResponse', message: flat.message, durationMs: elapsed() };
  return { ok: true, result: flat.map, durationMs: elapsed() };
}

function toStringMap(response: unknown): { ok: true; map: Record<string, string> } | { ok: false; message: string } {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    return { ok: false, message: `response must be an object of flat values, got ${response === null ? 'null' : Array.isArray(response) ? 'an array' : typeof response}` };
  }
  const proto: unknown = Object.getPrototypeOf(response);
  if (proto !== Object.prototype && proto !== null) return { ok: false, message: 'response must be a plain object' };
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(response)) {
    switch (typeof value) {
      case 'string':
        map[key] = value;
        break;
      case 'number':
      case 'boolean':
      case 'bigint':
        map[key] = String(value);
        break;
      case 'undefined':
        break; // dropped, as JSON serialization of the Lambda response drops it
      case 'object':
        if (value === null) {
          map[key] = '';
          break;
        }
        return { ok: false, message: `response key "${key}" holds ${Array.isArray(value) ? 'an array' : 'an object'}; Connect accepts only flat values` };
      default:
        return { ok: false, message: `response key "${key}" holds a ${typeof value}` };
    }
  }
  const size = Buffer.byteLength(JSON.stringify(map));
  if (size > MAX_RESPONSE_BYTES) {
    return { ok: false, message: `response is ${size} bytes; Connect accepts at most ${MAX_RESPONSE_BYTES}` };
  }
  return { ok: true, map };
}

/** A function mapping that cannot be used; names the ARN so the definition file can be fixed. */
export class FunctionMappingError extends Error {
  readonly arn: string;

  constructor(arn: string, message: string, options?: { cause?: unknown }) {
    super(`function ${arn}: ${message}`, options);
    this.name = 'FunctionMappingError';
    this.arn = arn;
  }
}

export interface ResolvedFunction {
  handler: ConnectLambdaHandler;
  timeLimitMs: number;
  name: string;
}

const DEFAULT_TIMEOUT_SECONDS = 3;
// The InvokeLambdaFunction block's timeout range in Amazon Connect.
const MIN_TIMEOUT_SECONDS = 1;
const MAX_TIMEOUT_SECONDS = 8;

/**
 * Maps each function ARN of the instance definition to its handler: a built-in by name, or the
 * `handler` export of a module (path relative to baseDir), as the same module deploys to Lambda.
 */
export async function resolveHandlers(
  mappings: FunctionMapping[],
  builtIns: Record<string, ConnectLambdaHandler>,
  baseDir: string,
): Promise<Map<string, ResolvedFunction>> {
  const resolved = new Map<string, ResolvedFunction>();
  for (const mapping of mappings) {
    if (resolved.has(mapping.arn)) throw new FunctionMappingError(mapping.arn, 'mapped more than once');
    const seconds = mapping.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (!Number.isInteger(seconds) || seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS) {
      throw new FunctionMappingError(
        mapping.arn, `timeoutSeconds ${seconds} is outside ${MIN_TIMEOUT_SECONDS}..${MAX_TIMEOUT_SECONDS}, the range Connect allows`);
    }
    const builtIn = Object.hasOwn(builtIns, mapping.handler) ? builtIns[mapping.handler] : undefined;
    resolved.set(mapping.arn, {
      handler: builtIn ?? (await loadModuleHandler(mapping, baseDir)),
      timeLimitMs: seconds * 1000,
      name: mapping.arn.split(':').at(-1) ?? mapping.arn,
    });
  }
  return resolved;
}

async function loadModuleHandler(mapping: FunctionMapping, baseDir: string): Promise<ConnectLambdaHandler> {
  const path = resolve(baseDir, mapping.handler);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new FunctionMappingError(
      mapping.arn, `handler "${mapping.handler}" is neither a built-in nor a loadable module (${path})`, { cause: err });
  }
  const exported = module['handler'];
  if (typeof exported !== 'function') {
    throw new FunctionMappingError(mapping.arn, `module ${path} has no exported function "handler"`);
  }
  // Its response is untrusted; invokeFunction validates it as Connect would.
  return exported as ConnectLambdaHandler;
}
