// The Lambda handler signature for functions invoked from a flow. The event shape belongs to the
// flow (src/flow/connect-event.ts), which builds it; handlers import it from here.
import type { ConnectContactFlowEvent } from '../flow/connect-event.ts';

export type {
  ConnectChannel, ConnectContactData, ConnectContactFlowEvent, ConnectEndpoint, ConnectInitiationMethod,
  ConnectMediaStreams, ConnectQueueRef,
} from '../flow/connect-event.ts';

/** The part of the Lambda context object our handlers use. */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** A handler's response must be a flat string map (Connect's STRING_MAP response validation). */
export type ConnectLambdaHandler = (event: ConnectContactFlowEvent, context: LambdaContext) => Promise<Record<string, string>>;
