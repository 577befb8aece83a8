import { test, describe, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.ts';
import { SqliteCustomerDirectory } from '../../src/store/customers.ts';
import { createCustomerLookup } from '../../src/functions/customer-lookup.ts';
import { INSTANCE_ARN, context, contactFlowEvent } from './event.ts';

const queues = [
  { id: 'q-sales', name: 'Sales' },
  { id: 'q-support', name: 'Support' },
];

describe('customer lookup', () => {
  let dir: string;
  let db: Database.Database;
  let lookup: ReturnType<typeof createCustomerLookup>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    db = openDatabase(dir);
    const directory = new SqliteCustomerDirectory(db);
    directory.importAll([
      { customerNumber: '1001', name: '山田商事', queue: 'q-sales' },
      { customerNumber: '1002', name: '佐藤工業', queue: 'Support' },
      { customerNumber: '1003', name: 'Orphan', queue: 'q-deleted' },
    ], new Date('2025-04-01T00:00:00Z'));
    lookup = createCustomerLookup({ directory, queues });
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('returns 200 with the queue of a known customer, matched by queue id', async () => {
    assert.deepEqual(await lookup(contactFlowEvent({ customerNumber: '1001' }), context), {
      status: '200',
      customer_number: '1001',
      customer_name: '山田商事',
      queue_name: 'Sales',
      queue_id: 'q-sales',
      queue_arn: `${INSTANCE_ARN}/queue/q-sales`,
    });
  });

  test('matches a customer queue by name and trims the keyed-in digits', async () => {
    const result = await lookup(contactFlowEvent({ customerNumber: ' 1002 ' }), context);
    assert.equal(result['status'], '200');
    assert.equal(result['queue_id'], 'q-support');
    assert.equal(result['queue_name'], 'Support');
  });

  for (const [label, input] of [
    ['empty input', ''],
    ['letters', 'abc'],
    ['digits with a letter', '12a'],
    ['21 digits', '123456789012345678901'],
    ['an unknown number', '9999'],
  ] as const) {
    test(`returns 404 for ${label}`, async () => {
      assert.deepEqual(await lookup(contactFlowEvent({ customerNumber: input }), context), { status: '404' });
    });
  }

  test('returns 404 when the parameter is missing altogether', async () => {
    assert.deepEqual(await lookup(contactFlowEvent(), context), { status: '404' });
  });

  test('returns 500 and logs when a customer points at a queue that does not exist', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    assert.deepEqual(await lookup(contactFlowEvent({ customerNumber: '1003' }), context), { status: '500' });
    assert.equal(logged.mock.callCount(), 1);
    assert.match(String(logged.mock.calls[0]?.arguments[0]), /q-deleted.*contact-1/);
  });

  test('returns 500 and logs the contact id when the directory throws', async () => {
    const logged = mock.method(console, 'error', () => undefined);
    try {
      const failing = createCustomerLookup({
        directory: { find: () => { throw new Error('database is locked'); } },
        queues,
      });
      assert.deepEqual(await failing(contactFlowEvent({ customerNumber: '1001' }), context), { status: '500' });
      assert.equal(logged.mock.callCount(), 1);
      assert.match(String(logged.mock.calls[0]?.arguments[0]), /contact-1/);
    } finally {
      logged.mock.restore();
    }
  });
});
