// The customer directory in DynamoDB: the table of the original system, read by the deployed
// customer-lookup function and filled by `chokutsu export --to dynamodb`. One item per customer:
// CustomerId (the partition key, a string so leading zeros survive), CustomerName, QueueName.
import {
  BatchWriteItemCommand, GetItemCommand, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Customer, CustomerDirectory } from '../directory/customers.ts';

/** The item's attribute names, as the original table had them. */
export const CUSTOMER_TABLE_KEY = 'CustomerId';
export const CUSTOMER_NAME_ATTRIBUTE = 'CustomerName';
export const QUEUE_NAME_ATTRIBUTE = 'QueueName';

/** BatchWriteItem takes at most 25 put or delete requests. */
export const BATCH_SIZE = 25;
const MAX_ATTEMPTS = 8;

export class DynamoDbCustomerDirectory implements CustomerDirectory {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(client: DynamoDBClient, table: string, options: { sleep?: (ms: number) => Promise<void> } = {}) {
    this.#client = client;
    this.#table = table;
    this.#sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
  }

  /** Rejects when DynamoDB fails; the lookup turns that into status 500. */
  async find(customerNumber: string): Promise<Customer | undefined> {
    const out = await this.#client.send(new GetItemCommand({
      TableName: this.#table,
      Key: { [CUSTOMER_TABLE_KEY]: { S: customerNumber } },
    }));
    const item = out.Item;
    const queue = item?.[QUEUE_NAME_ATTRIBUTE]?.S;
    if (item === undefined || queue === undefined) return undefined;
    return { customerNumber, name: item[CUSTOMER_NAME_ATTRIBUTE]?.S ?? '', queue };
  }

  /**
   * Puts up to 25 customers with one BatchWriteItem, retrying the items DynamoDB leaves unprocessed
   * (throttling) with exponential backoff. A put replaces the item, so a batch may be written twice.
   */
  async putBatch(customers: readonly Customer[]): Promise<void> {
    if (customers.length > BATCH_SIZE) throw new RangeError(`a batch holds at most ${BATCH_SIZE} customers, not ${customers.length}`);
    let pending: WriteRequest[] = customers.map((c) => ({
      PutRequest: {
        Item: {
          [CUSTOMER_TABLE_KEY]: { S: c.customerNumber },
          [CUSTOMER_NAME_ATTRIBUTE]: { S: c.name },
          [QUEUE_NAME_ATTRIBUTE]: { S: c.queue },
        },
      },
    }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} items unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await this.#sleep(Math.min(50 * 2 ** attempt, 5000));
      const out = await this.#client.send(new BatchWriteItemCommand({ RequestItems: { [this.#table]: pending } }));
      pending = out.UnprocessedItems?.[this.#table] ?? [];
    }
  }
}
