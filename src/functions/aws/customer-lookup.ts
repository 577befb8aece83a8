// The customer-lookup function as deployed to AWS Lambda: the same handler as the local line's,
// reading the DynamoDB table named by CUSTOMER_TABLE and answering deployed queue ARNs.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCustomerLookup } from '../customer-lookup.ts';
import { DynamoDbCustomerDirectory } from '../dynamodb-customers.ts';
import { ENV, jsonEnv, requiredEnv, type DeployedQueue } from './env.ts';
import type { ConnectLambdaHandler } from '../connect-event.ts';

/** Built from the environment once per Lambda execution environment, not per call. */
export function customerLookupFromEnv(env: NodeJS.ProcessEnv, client = new DynamoDBClient({})): ConnectLambdaHandler {
  const directory = new DynamoDbCustomerDirectory(client, requiredEnv(env, ENV.customerTable));
  return createCustomerLookup({ directory, queues: jsonEnv<DeployedQueue[]>(env, ENV.queues) });
}

let built: ConnectLambdaHandler | undefined;

/** Lambda's entry point; built on the first call, so importing the module reads no environment. */
export const handler: ConnectLambdaHandler = (event, context) => (built ??= customerLookupFromEnv(process.env))(event, context);
