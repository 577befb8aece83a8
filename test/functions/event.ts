import type { ConnectContactFlowEvent } from '../../src/functions/connect-event.ts';

export const INSTANCE_ARN = 'arn:aws:connect:ap-northeast-1:123456789012:instance/0c5c0b8e-0000-4000-8000-000000000001';

/** A Connect event as an InvokeLambdaFunction block on an inbound voice call sends it. */
export function contactFlowEvent(parameters: Record<string, string> = {}): ConnectContactFlowEvent {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: 'contact-1',
        CustomerEndpoint: { Address: '+81312345678', Type: 'TELEPHONE_NUMBER' },
        SystemEndpoint: { Address: '+81501234567', Type: 'TELEPHONE_NUMBER' },
        InitialContactId: 'contact-1',
        InitiationMethod: 'INBOUND',
        InstanceARN: INSTANCE_ARN,
        PreviousContactId: '',
        Queue: null,
        LanguageCode: 'ja-JP',
      },
      Parameters: parameters,
    },
  };
}

export const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 3000 };
