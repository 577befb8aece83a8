// The event Amazon Connect sends to a Lambda function from an InvokeLambdaFunction block. Shape per
// the Connect Administrator Guide, "Invoke AWS Lambda functions" (connect-lambda-functions.html), so
// the same handler module deploys to AWS unchanged. The flow builds it; src/functions re-exports it.

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
