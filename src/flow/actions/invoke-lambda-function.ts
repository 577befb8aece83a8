// InvokeLambdaFunction: calls a function with the contact's data; its result becomes $.External.
import { resolveValue } from '../attributes.ts';
import { spec, waitsFor, type ActionDefinition } from '../action.ts';
import type { ConnectContactFlowEvent } from '../connect-event.ts';
import type { ContactState } from '../state.ts';
import { isStringMap } from '../parameters.ts';
import { error, NEXT, wait } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface InvokeLambdaFunctionParameters {
  LambdaFunctionARN: string;
  InvocationTimeLimitSeconds?: string;
  LambdaInvocationAttributes?: Record<string, string>;
  ResponseValidation?: { ResponseType: 'STRING_MAP' | 'JSON' };
}

declare module '../types.ts' {
  interface ActionParameters { InvokeLambdaFunction: InvokeLambdaFunctionParameters }
}

const DEFAULT_FUNCTION_SECONDS = 3;

export const invokeLambdaFunction: ActionDefinition<'InvokeLambdaFunction'> = {
  spec: spec({ required: ['LambdaFunctionARN'], errors: ['NoMatchingError'], mustHandle: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    checks.number('InvocationTimeLimitSeconds', { min: 1, max: 8, integer: true }); // "greater than 0, no larger than 8, and an integer"
    if (p.LambdaInvocationAttributes !== undefined && !isStringMap(p.LambdaInvocationAttributes)) checks.invalid('LambdaInvocationAttributes', 'LambdaInvocationAttributes is a map of string values');
  },
  references: () => [{ key: 'LambdaFunctionARN', resource: 'lambdaFunction' }],
  execute({ out, action, data }) {
    const p = action.Parameters;
    const functionArn = resolveValue(p.LambdaFunctionARN, data);
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.LambdaInvocationAttributes ?? {})) parameters[k] = resolveValue(v, data);
    const limit = Number(resolveValue(p.InvocationTimeLimitSeconds ?? String(DEFAULT_FUNCTION_SECONDS), data));
    const timeLimitSeconds = Number.isFinite(limit) && limit >= 1 && limit <= 8 ? limit : DEFAULT_FUNCTION_SECONDS;
    lastDetail(out, { function: functionArn, parameters: JSON.stringify(parameters) });
    out.effects.push({
      type: 'InvokeFunction', actionId: action.Identifier, functionArn, timeLimitSeconds,
      responseType: p.ResponseValidation?.ResponseType ?? 'STRING_MAP',
      event: contactFlowEvent(out.state, parameters),
    });
    return wait({ kind: 'function', functionArn });
  },
  waits: waitsFor('function', ({ out }, event) => {
    if (event.type === 'FunctionReturned') {
      out.state = { ...out.state, external: event.result, waiting: undefined };
      lastDetail(out, { result: JSON.stringify(event.result) });
      return NEXT;
    }
    if (event.type === 'FunctionFailed') {
      out.state = { ...out.state, waiting: undefined };
      lastDetail(out, { error: `${event.error}: ${event.message}` });
      return error('NoMatchingError');
    }
    return undefined;
  }),
};

/** The event for a function invoked from the contact's current action, with the block's parameters. */
export function contactFlowEvent(state: ContactState, parameters: Record<string, string>): ConnectContactFlowEvent {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: { ...state.attributes },
        Channel: state.channel,
        ContactId: state.contactId,
        CustomerEndpoint: state.customerAddress !== undefined ? { Address: state.customerAddress, Type: 'TELEPHONE_NUMBER' } : null,
        SystemEndpoint: state.systemAddress !== undefined ? { Address: state.systemAddress, Type: 'TELEPHONE_NUMBER' } : null,
        InitialContactId: state.initialContactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: state.instanceArn,
        PreviousContactId: '',
        Queue: state.queue ? { ARN: state.queue.arn, Name: state.queue.name } : null,
        LanguageCode: state.languageCode,
        MediaStreams: { Customer: { Audio: null } },
      },
      Parameters: parameters,
    },
  };
}
