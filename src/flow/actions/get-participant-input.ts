// GetParticipantInput: plays a prompt and collects DTMF, either a menu choice (a Condition per key)
// or digits stored as $.StoredCustomerInput (StoreInput True).
import { resolveValue, type ContactDataView } from '../attributes.ts';
import { spec, waitsFor, type ActionSpec, type EventContext } from '../action.ts';
import type { ActionDefinition } from '../action.ts';
import { conditionOutcome } from '../conditions.ts';
import { get } from '../parameters.ts';
import { error, NEXT, wait, type Outcome } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import { checkPromptSource, describePrompt, play, promptOf, promptReference } from '../prompts.ts';
import type { InputConfig, WaitingFor } from '../state.ts';
import { nextTimer } from '../timers.ts';
import type { PromptParameters } from '../types.ts';

export interface GetParticipantInputParameters extends PromptParameters {
  InputTimeLimitSeconds?: string;
  StoreInput?: 'True' | 'False';
  InputValidation?: {
    PhoneNumberValidation?: { NumberFormat: 'Local' | 'E164'; CountryCode?: string };
    CustomValidation?: { MaximumLength: string };
  };
  InputEncryption?: { EncryptionKeyId: string; Key: string };
  DTMFConfiguration?: {
    DisableCancelKey?: 'True' | 'False';
    InputTerminationSequence?: string;
    InterdigitTimeLimitSeconds?: string;
  };
}

declare module '../types.ts' {
  interface ActionParameters { GetParticipantInput: GetParticipantInputParameters }
}

const DEFAULT_INPUT_SECONDS = 5;
const DEFAULT_INTERDIGIT_SECONDS = 5;
const DEFAULT_MAX_DIGITS = 20;

const menu: ActionSpec = spec({
  errors: ['NoMatchingError', 'NoMatchingCondition', 'InputTimeLimitExceeded', 'InvalidPhoneNumber'],
  conditions: 'any',
});

export const getParticipantInput: ActionDefinition<'GetParticipantInput'> = {
  spec: menu,
  // A menu must handle a key that matches no Condition and no key at all; stored input takes NextAction.
  specFor: (p) => (p.StoreInput === 'True'
    ? { ...menu, conditions: undefined, needsNext: true, variant: ' with StoreInput True' }
    : { ...menu, mustHandle: ['NoMatchingCondition', 'InputTimeLimitExceeded'] }),
  checkParameters(p, checks) {
    checkPromptSource(p, checks);
    // "a valid integer larger than zero" (participant-actions-getparticipantinput), no maximum given.
    checks.number('InputTimeLimitSeconds', { min: 1, integer: true, usualMax: 180 });
    // "a number representing the maximum length": no bounds given.
    checks.number('InputValidation.CustomValidation.MaximumLength', { min: 1, integer: true, usualMax: 20 });
    // Not on the reference page; real exports carry it.
    checks.number('DTMFConfiguration.InterdigitTimeLimitSeconds', { min: 1, usualMax: 20 });
    const seq = get(p, 'DTMFConfiguration.InputTerminationSequence');
    if (typeof seq === 'string' && !/^[0-9#*]{1,5}$/.test(seq)) checks.invalid('DTMFConfiguration.InputTerminationSequence', 'a termination sequence is 1–5 of 0-9 # *');
  },
  references: () => [promptReference],
  execute({ catalog, out, action, data }) {
    const content = promptOf(catalog, action.Parameters, data);
    if (!content) return error('NoMatchingError');
    const config = inputConfig(action.Parameters, data);
    lastDetail(out, describePrompt(content));
    play(out, content, true);
    return wait({ kind: 'input', config, phase: 'prompt', digits: '' });
  },
  waits: waitsFor('input', (ctx, event) => {
    const { out, waiting: w } = ctx;
    switch (event.type) {
      case 'PromptPlayed':
        if (w.phase !== 'prompt') return undefined;
        return wait({ ...w, phase: 'collecting', timerId: nextTimer(out, w.config.timeLimitSeconds) });
      case 'TimerExpired':
        if (event.timerId !== w.timerId) return undefined;
        if (!w.config.store) return finish(ctx, { timeout: true });
        // Connect stores "Timeout" when nothing was entered and takes the success branch.
        return finish(ctx, { value: w.digits.length > 0 ? w.digits : 'Timeout' });
      case 'Dtmf':
        return /^[0-9*#A-D]$/.test(event.digit) ? onKey(ctx, event.digit) : undefined;
      default:
        return undefined;
    }
  }),
};

type Input = EventContext<WaitingFor<'input'>>;

function onKey(ctx: Input, digit: string): Outcome {
  const { out, waiting: w } = ctx;
  const c = w.config;
  if (w.phase === 'prompt') out.effects.push({ type: 'StopPrompt' }); // a key interrupts the prompt
  if (w.timerId) out.effects.push({ type: 'CancelTimer', timerId: w.timerId });
  const { timerId: _cancelled, ...base } = { ...w, phase: 'collecting' as const };

  if (!c.store) return finish(ctx, { value: digit });
  if (digit === '*' && c.cancelKey) {
    // The cancel key clears what was entered; the customer starts again.
    return wait({ ...base, digits: '', timerId: nextTimer(out, c.timeLimitSeconds) });
  }
  const digits = w.digits + digit;
  if (c.terminator && digits.endsWith(c.terminator)) return finish(ctx, { value: digits.slice(0, -c.terminator.length) });
  if (digits.length >= c.maxDigits) return finish(ctx, { value: digits });
  return wait({ ...base, digits, timerId: nextTimer(out, c.interdigitSeconds) });
}

function finish({ out, action, waiting: w }: Input, result: { value: string } | { timeout: true }): Outcome {
  const { waiting: _w, ...rest } = out.state;
  out.state = rest;
  if ('timeout' in result) {
    lastDetail(out, { input: '(none: timed out)' });
    return error('InputTimeLimitExceeded');
  }
  lastDetail(out, { input: result.value });
  if (!w.config.store) return conditionOutcome(action.Transitions, result.value);
  let value = result.value;
  const pv = w.config.phoneValidation;
  if (pv && value !== 'Timeout') {
    const e164 = toE164(value, pv);
    if (!e164) return error('InvalidPhoneNumber');
    value = e164;
  }
  out.state = { ...out.state, storedCustomerInput: value };
  return NEXT;
}

const CALLING_CODES: Record<string, string> = { JP: '81', US: '1', CA: '1', GB: '44', AU: '61', DE: '49', FR: '33', KR: '82', CN: '86' };

function toE164(digits: string, v: { format: 'Local' | 'E164'; countryCode?: string }): string | undefined {
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const full = v.format === 'E164' ? digits : `${CALLING_CODES[v.countryCode ?? 'US'] ?? ''}${digits.replace(/^0/, '')}`;
  return /^[1-9][0-9]{6,14}$/.test(full) ? `+${full}` : undefined;
}

function inputConfig(p: GetParticipantInputParameters, d: ContactDataView): InputConfig {
  const num = (v: string | undefined, fallback: number) => {
    const n = v === undefined ? NaN : Number(resolveValue(v, d));
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const dtmf = p.DTMFConfiguration ?? {};
  const phone = p.InputValidation?.PhoneNumberValidation;
  return {
    store: p.StoreInput === 'True',
    timeLimitSeconds: num(p.InputTimeLimitSeconds, DEFAULT_INPUT_SECONDS),
    interdigitSeconds: num(dtmf.InterdigitTimeLimitSeconds, DEFAULT_INTERDIGIT_SECONDS),
    maxDigits: num(p.InputValidation?.CustomValidation?.MaximumLength, DEFAULT_MAX_DIGITS),
    terminator: dtmf.InputTerminationSequence ?? (p.StoreInput === 'True' ? '#' : ''),
    cancelKey: dtmf.DisableCancelKey !== 'True',
    ...(phone ? { phoneValidation: { format: phone.NumberFormat, ...(phone.CountryCode ? { countryCode: phone.CountryCode } : {}) } } : {}),
  };
}
