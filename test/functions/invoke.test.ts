import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionMappingError, invokeFunction, resolveHandlers } from '../../src/functions/invoke.ts';
import type { ConnectLambdaHandler } from '../../src/functions/connect-event.ts';
import { contactFlowEvent } from './event.ts';

const options = { functionName: 'lookup', timeLimitMs: 1000 };

/** A handler returning something a TypeScript handler could not, as a plain JS module might. */
function returning(value: unknown): ConnectLambdaHandler {
  return async () => value as Record<string, string>;
}

describe('invokeFunction', () => {
  test('returns the flat string map of a well-behaved handler', async () => {
    const result = await invokeFunction(async () => ({ status: '200' }), contactFlowEvent(), options);
    assert.ok(result.ok);
    assert.deepEqual(result.result, { status: '200' });
    assert.ok(result.durationMs >= 0);
  });

  test('passes the event and a context with the function name and remaining time', async () => {
    const event = contactFlowEvent({ customerNumber: '42' });
    const result = await invokeFunction(async (e, ctx) => ({
      same: String(e === event), name: ctx.functionName, remaining: String(ctx.getRemainingTimeInMillis() > 0),
    }), event, options);
    assert.ok(result.ok);
    assert.deepEqual(result.result, { same: 'true', name: 'lookup', remaining: 'true' });
  });

  test('converts numbers and booleans to strings and null to an empty string', async () => {
    const result = await invokeFunction(returning({ count: 3, ratio: 0.5, open: false, note: null }), contactFlowEvent(), options);
    assert.ok(result.ok);
    assert.deepEqual(result.result, { count: '3', ratio: '0.5', open: 'false', note: '' });
  });

  test('times out a handler that never resolves', async () => {
    const result = await invokeFunction(() => new Promise(() => undefined), contactFlowEvent(), { functionName: 'slow', timeLimitMs: 30 });
    assert.equal(result.ok, false);
    assert.equal(result.ok ? undefined : result.error, 'Timeout');
    assert.ok(result.durationMs >= 25);
  });

  test('a rejection is a HandlerError carrying its message', async () => {
    const result = await invokeFunction(async () => { throw new Error('table not found'); }, contactFlowEvent(), options);
    assert.deepEqual(result.ok ? undefined : [result.error, result.message], ['HandlerError', 'table not found']);
  });

  test('a synchronous throw is a HandlerError too', async () => {
    const throwing: ConnectLambdaHandler = () => { throw new TypeError('boom'); };
    const result = await invokeFunction(throwing, contactFlowEvent(), options);
    assert.deepEqual(result.ok ? undefined : [result.error, result.message], ['HandlerError', 'boom']);
  });

  for (const [label, response] of [
    ['a nested object', { status: '200', queue: { name: 'Sales' } }],
    ['an array value', { status: '200', agents: ['a', 'b'] }],
    ['an array response', ['200']],
    ['a string response', '200'],
    ['no response', undefined],
  ] as const) {
    test(`${label} is an InvalidResponse`, async () => {
      const result = await invokeFunction(returning(response), contactFlowEvent(), options);
      assert.equal(result.ok ? undefined : result.error, 'InvalidResponse');
    });
  }

  test('a response over 32 KB is an InvalidResponse; one just under is accepted', async () => {
    const over = await invokeFunction(returning({ big: 'x'.repeat(32 * 1024) }), contactFlowEvent(), options);
    assert.equal(over.ok ? undefined : over.error, 'InvalidResponse');
    const under = await invokeFunction(returning({ big: 'x'.repeat(32 * 1024 - 20) }), contactFlowEvent(), options);
    assert.ok(under.ok);
  });
});

describe('resolveHandlers', () => {
  const builtIn: ConnectLambdaHandler = async () => ({ isHoliday: 'false', holidayName: '' });
  const arn = 'arn:aws:lambda:ap-northeast-1:123456789012:function:chokutsu-holiday-check';

  test('maps a built-in by name, with the default 3 s limit and the ARN\'s function name', async () => {
    const resolved = await resolveHandlers([{ arn, handler: 'holiday-check' }], { 'holiday-check': builtIn }, '/nowhere');
    assert.deepEqual(resolved.get(arn), { handler: builtIn, timeLimitMs: 3000, name: 'chokutsu-holiday-check' });
  });

  test('loads the handler export of a module relative to the base directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    try {
      writeFileSync(join(dir, 'custom.mjs'), 'export const handler = async (event) => ({ got: event.Details.Parameters.x });\n');
      const moduleArn = 'arn:aws:lambda:ap-northeast-1:123456789012:function:custom';
      const resolved = await resolveHandlers([{ arn: moduleArn, handler: './custom.mjs', timeoutSeconds: 8 }], {}, dir);
      const fn = resolved.get(moduleArn);
      assert.ok(fn);
      assert.equal(fn.timeLimitMs, 8000);
      const result = await invokeFunction(fn.handler, contactFlowEvent({ x: 'hello' }), { functionName: fn.name, timeLimitMs: fn.timeLimitMs });
      assert.deepEqual(result.ok ? result.result : result, { got: 'hello' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const timeoutSeconds of [0, 9, 2.5]) {
    test(`rejects timeoutSeconds ${timeoutSeconds}, naming the ARN`, async () => {
      await assert.rejects(
        resolveHandlers([{ arn, handler: 'holiday-check', timeoutSeconds }], { 'holiday-check': builtIn }, '/nowhere'),
        (err: unknown) => err instanceof FunctionMappingError && err.arn === arn && err.message.includes(arn),
      );
    });
  }

  test('rejects a handler that is neither a built-in nor a module, and a module without handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    try {
      writeFileSync(join(dir, 'nohandler.mjs'), 'export const main = () => ({});\n');
      await assert.rejects(resolveHandlers([{ arn, handler: 'customer-lookup' }], {}, dir),
        (err: unknown) => err instanceof FunctionMappingError && err.arn === arn);
      await assert.rejects(resolveHandlers([{ arn, handler: './nohandler.mjs' }], {}, dir),
        (err: unknown) => err instanceof FunctionMappingError && /no exported function "handler"/.test(err.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects the same ARN mapped twice', async () => {
    await assert.rejects(
      resolveHandlers([{ arn, handler: 'holiday-check' }, { arn, handler: 'holiday-check' }], { 'holiday-check': builtIn }, '/nowhere'),
      FunctionMappingError);
  });
});
