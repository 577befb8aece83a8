/** One caller: their customer number and the queue (id or name) of their project. */
export interface Customer {
  customerNumber: string;
  name: string;
  queue: string;
}

/** What the customer-lookup function needs; the DynamoDB table in the original. */
export interface CustomerDirectory {
  find(customerNumber: string): Customer | undefined;
}
