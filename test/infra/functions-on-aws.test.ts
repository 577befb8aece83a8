// The functions as deployed: the customer lookup reads the DynamoDB table (dynalite here) through the
// same CustomerDirectory interface, and answers the deployed queue's ARN.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { customerLookupFromEnv } from '../../src/functions/aws/customer-lookup.ts';
import { holidayCheckFromEnv } from '../../src/functions/aws/holiday-check.ts';
import { ENV } from '../../src/functions/aws/env.ts';
import { DynamoDbCustomerDirectory } from '../../src/functions/dynamodb-customers.ts';
import { context, contactFlowEvent, INSTANCE_ARN } from '../functions/event.ts';
import { createCustomerTable, startDynalite, type LocalDynamo } from './dynalite.ts';

const SALES_ARN = `${INSTANCE_ARN}/queue/6f1c0a52-1111-4000-8000-000000000001`;
const queues = [
  { id: 'q-sales', name: 'Sales', arn: SALES_ARN },
  { id: 'q-support', name: 'Support', arn: `${INSTANCE_ARN}/queue/6f1c0a52-2222-4000-8000-000000000002` },
];

describe('the customer lookup on AWS (DynamoDB)', () => {
  let dynamo: LocalDynamo;
  let lookup: ReturnType<typeof customerLookupFromEnv>;

  before(async () => {
    dynamo = await startDynalite();
    await createCustomerTable(dynamo.client, 'customers');
    await new DynamoDbCustomerDirectory(dynamo.client, 'customers').putBatch([
      { customerNumber: '1001', name: '山田商事', queue: 'Sales' },
      { customerNumber: '0042', name: '佐藤工業', queue: 'q-support' },
    ]);
    lookup = customerLookupFromEnv({ [ENV.customerTable]: 'customers', [ENV.queues]: JSON.stringify(queues) }, dynamo.client);
  });
  after(() => dynamo.close());

  test('finds a customer: 200 with the deployed queue ARN, which Connect takes as a queue', async () => {
    assert.deepEqual(await lookup(contactFlowEvent({ customerNumber: '1001' }), context), {
      status: '200', customer_number: '1001', customer_name: '山田商事',
      queue_name: 'Sales', queue_id: 'q-sales', queue_arn: SALES_ARN,
    });
  });

  test('an unknown customer number is 404', async () => {
    assert.deepEqual(await lookup(contactFlowEvent({ customerNumber: '9999' }), context), { status: '404' });
  });

  test('leading zeros are part of the number: 42 is not 0042', async () => {
    assert.deepEqual(await lookup(contactFlowEvent({ customerNumber: '42' }), context), { status: '404' });
    assert.equal((await lookup(contactFlowEvent({ customerNumber: '0042' }), context))['status'], '200');
  });

  test('a store failure is 500, never a thrown error', async () => {
    const broken = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9', region: 'ap-northeast-1', maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const failing = customerLookupFromEnv({ [ENV.customerTable]: 'customers', [ENV.queues]: JSON.stringify(queues) }, broken);
    const original = console.error;
    console.error = () => {};
    try {
      assert.deepEqual(await failing(contactFlowEvent({ customerNumber: '1001' }), context), { status: '500' });
    } finally {
      console.error = original;
      broken.destroy();
    }
  });

  test('a missing table name says which variable the CDK app sets', () => {
    assert.throws(() => customerLookupFromEnv({ [ENV.queues]: '[]' }), /CUSTOMER_TABLE is not set/);
  });
});

describe('the holiday check on AWS', () => {
  const check = holidayCheckFromEnv({
    [ENV.timeZone]: 'Asia/Tokyo',
    [ENV.closures]: JSON.stringify([{ from: '12-29', to: '01-03', name: '年末年始休業' }]),
  }, () => new Date('2025-12-30T01:00:00Z'));

  test("answers the definition's closures, as the local line does", async () => {
    assert.deepEqual(await check(contactFlowEvent(), context), { isHoliday: 'true', holidayName: '年末年始休業' });
  });
});
