// Phone numbers as dialled (a SIP Request-URI user, a tel: URI, `chokutsu call --to`, the API's
// `to`) normalised to E.164 (ITU-T E.164, RFC 3966), and matched against the line's numbers.
// Pure: the numbering plan is passed in; Japan's is the default.

/** How national numbers are written where the line is (Japan: 0AB-J national, 010 international). */
export interface NumberingPlan {
  /** Country calling code, without `+`. */
  countryCode: string;
  /** Dialled before a national number (Japan: 0). */
  trunkPrefix: string;
  /** Dialled before an international number (Japan: 010). */
  internationalPrefix: string;
}

export const JAPAN: NumberingPlan = { countryCode: '81', trunkPrefix: '0', internationalPrefix: '010' };

export type E164Result = { ok: true; e164: string } | { ok: false; reason: string };

const E164 = /^\+[1-9][0-9]{1,14}$/;
// RFC 3966 §3 visual separators, and spaces as people write them.
const SEPARATORS = /[-.() \u00a0]/g;

/**
 * `+81 50-1234-5678`, `0501234567`, `81501234567`, `%2B81501234567`, `tel:0501234567;phone-context=+81`
 * all give `+81501234567`. Digits without `+` or a prefix are taken as already international
 * (carriers often send E.164 without the `+`).
 */
export function toE164(dialled: string, plan: NumberingPlan = JAPAN): E164Result {
  const decoded = percentDecode(dialled.trim().replace(/^tel:/i, ''));
  if (decoded === undefined) return { ok: false, reason: `${printable(dialled)} has a broken %-escape` };
  const [main = '', ...params] = decoded.split(';');
  const number = main.replace(SEPARATORS, '');
  if (!/^\+?[0-9]+$/.test(number)) return { ok: false, reason: `${printable(dialled)} is not a phone number` };
  const context = params.map((p) => /^phone-context=(.*)$/i.exec(p)?.[1]).find((c) => c !== undefined)?.replace(SEPARATORS, '');
  const e164 = number.startsWith('+') ? number : globalise(number, context, plan);
  return E164.test(e164) ? { ok: true, e164 } : { ok: false, reason: `${printable(dialled)} is not an E.164 number (${e164})` };
}

/** A local number in its context (RFC 3966 §5.1.5): a `+CC` context is the country; a domain means ours. */
function globalise(local: string, context: string | undefined, plan: NumberingPlan): string {
  if (context?.startsWith('+') && context !== `+${plan.countryCode}`) return `${context}${local}`;
  if (local.startsWith(plan.internationalPrefix)) return `+${local.slice(plan.internationalPrefix.length)}`;
  if (local.startsWith(plan.trunkPrefix)) return `+${plan.countryCode}${local.slice(plan.trunkPrefix.length)}`;
  return `+${local}`;
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** For messages: control and non-ASCII characters escaped, at most 40 characters. */
function printable(text: string): string {
  const escaped = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return escaped.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export type LineNumberResult =
  | { ok: true; number: string }
  | { ok: false; problem: 'not-a-number' | 'not-on-this-line'; message: string };

/** Which of the line's numbers (E.164) `dialled` is, however it was written. */
export function lineNumberFor(dialled: string, lineNumbers: readonly string[], plan: NumberingPlan = JAPAN): LineNumberResult {
  const parsed = toE164(dialled, plan);
  if (!parsed.ok) return { ok: false, problem: 'not-a-number', message: parsed.reason };
  if (lineNumbers.includes(parsed.e164)) return { ok: true, number: parsed.e164 };
  const known = lineNumbers.length > 0 ? lineNumbers.join(', ') : 'none';
  return { ok: false, problem: 'not-on-this-line', message: `${parsed.e164} is not one of the line's numbers (${known})` };
}
