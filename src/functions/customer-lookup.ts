import type { Customer, CustomerDirectory } from '../directory/customers.ts';
import type { ConnectLambdaHandler } from './connect-event.ts';

const MAX_CUSTOMER_NUMBER_DIGITS = 20;

/**
 * The customer-lookup function: `Details.Parameters.customerNumber` (the caller's DTMF input) to the
 * queue of their project. Responds with `status` "200", "404" (bad input or unknown number) or
 * "500" (directory failure or a customer pointing at a queue that does not exist), never throwing,
 * so the flow's Compare on `$.External.status` always has a branch to take.
 */
export function createCustomerLookup(deps: {
  directory: CustomerDirectory;
  /**
   * The instance's queues. `arn` is the deployed queue's ARN (Connect gives queues generated ids);
   * without it the ARN is built from the contact's instance ARN and the queue id, as locally.
   */
  queues: readonly { id: string; name: string; arn?: string }[];
}): ConnectLambdaHandler {
  return async (event): Promise<Record<string, string>> => {
    const { ContactData, Parameters } = event.Details;
    const customerNumber = (Parameters['customerNumber'] ?? '').trim();
    if (!/^\d+$/.test(customerNumber) || customerNumber.length > MAX_CUSTOMER_NUMBER_DIGITS) {
      return { status: '404' };
    }
    let customer: Customer | undefined;
    try {
      customer = await deps.directory.find(customerNumber);
    } catch (err) {
      console.error(`customer-lookup: directory failed for contact ${ContactData.ContactId}:`, err);
      return { status: '500' };
    }
    if (customer === undefined) return { status: '404' };
    const queue = deps.queues.find((q) => q.id === customer.queue) ?? deps.queues.find((q) => q.name === customer.queue);
    if (queue === undefined) {
      console.error(
        `customer-lookup: customer ${customer.customerNumber} names unknown queue "${customer.queue}" (contact ${ContactData.ContactId})`);
      return { status: '500' };
    }
    return {
      status: '200',
      customer_number: customer.customerNumber,
      customer_name: customer.name,
      queue_name: queue.name,
      queue_id: queue.id,
      queue_arn: queue.arn ?? `${ContactData.InstanceARN}/queue/${queue.id}`,
    };
  };
}
