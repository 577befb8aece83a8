/** One caller: their customer number and the queue (id or name) of their project. */
export interface Customer {
  customerNumber: string;
  name: string;
  queue: string;
}

/**
 * What the customer-lookup function needs; the DynamoDB table in the original. SQLite answers at
 * once, DynamoDB (src/functions/dynamodb-customers.ts) over the network: callers await either.
 */
export interface CustomerDirectory {
  find(customerNumber: string): Customer | undefined | Promise<Customer | undefined>;
}
