// The event Amazon Connect sends to a Lambda function from an InvokeLambdaFunction block, and the
// Lambda handler signature. Shape per the Connect Administrator Guide, "Invoke AWS Lambda functions"
// (connect-lambda-functions.html), so the same handler module deploys to AWS unchanged.

export type ConnectChannel = 'VOICE' | 'CHAT' | 'TASK' | 'EMAIL';

export type ConnectInitiationMethod = 'INBOUND' | 'OUTBOUND' | 'TRANSFER' | 'QUEUE_TRANSFER' | 'CALLBACK' | 'API';

export interface ConnectEndpoint {
  Address: string;
  Type: 'TELEPHONE_NUMBER';
}

export interface ConnectQueueRef {
  ARN: string;
  Name: string;
}

export interface ConnectMediaStreams {
  Customer: {
    /** null until media streaming has been started on the contact. */
    Audio: { StartFragmentNumber?: string; StartTimestamp?: string; StreamARN?: string; StopFragmentNumber?: string; StopTimestamp?: string } | null;
  };
}

export interface ConnectContactData {
  Attributes: Record<string, string>;
  Channel: ConnectChannel;
  ContactId: string;
  CustomerEndpoint: ConnectEndpoint | null;
  SystemEndpoint: ConnectEndpoint | null;
  InitialContactId: string;
  InitiationMethod: ConnectInitiationMethod;
  InstanceARN: string;
  PreviousContactId: string;
  Queue: ConnectQueueRef | null;
  LanguageCode?: string;
  MediaStreams?: ConnectMediaStreams;
}

export interface ConnectContactFlowEvent {
  Name: 'ContactFlowEvent';
  Details: {
    ContactData: ConnectContactData;
    /** The block's function input parameters, always strings. */
    Parameters: Record<string, string>;
  };
}

/** The part of the Lambda context object our handlers use. */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** A handler's response must be a flat string map (Connect's STRING_MAP response validation). */
export type ConnectLambdaHandler = (event: ConnectContactFlowEvent, context: LambdaContext) => Promise<Record<string, string>>;
