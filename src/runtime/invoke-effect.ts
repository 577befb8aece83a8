// The flow's InvokeLambdaFunction effect, performed: the mapped handler under Connect's time limit,
// its outcome as the event the interpreter expects (`at` is the caller's to set).
import type { ContactEffect, ContactEvent } from '../flow/interpreter.ts';
import { invokeFunction, type ResolvedFunction } from '../functions/invoke.ts';

/** FunctionReturned or FunctionFailed, without its time. */
export type FunctionOutcome = Extract<ContactEvent, { type: 'FunctionReturned' | 'FunctionFailed' }> extends infer E
  ? E extends unknown ? Omit<E, 'at'> : never : never;

export async function performInvocation(
  functions: ReadonlyMap<string, ResolvedFunction>,
  effect: Extract<ContactEffect, { type: 'InvokeFunction' }>,
): Promise<{ outcome: FunctionOutcome; /** absent when no handler ran */ durationMs?: number }> {
  const fn = functions.get(effect.functionArn);
  if (!fn) {
    return { outcome: { type: 'FunctionFailed', error: 'ResourceNotFound', message: `no function mapped to ${effect.functionArn}` } };
  }
  // The block's limit wins over the mapping's when it is shorter (Connect's InvocationTimeLimitSeconds).
  const timeLimitMs = Math.min(fn.timeLimitMs, effect.timeLimitSeconds * 1000);
  const result = await invokeFunction(fn.handler, effect.event, { functionName: fn.name, timeLimitMs });
  return {
    outcome: result.ok
      ? { type: 'FunctionReturned', result: result.result }
      : { type: 'FunctionFailed', error: result.error, message: result.message },
    durationMs: result.durationMs,
  };
}
