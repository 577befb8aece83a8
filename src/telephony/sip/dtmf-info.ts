// DTMF carried in SIP INFO bodies (no RFC; the de-facto formats phones and carriers send):
// application/dtmf-relay (`Signal=5\r\nDuration=160`, as Cisco and most phones send it) and
// application/dtmf (the bare digit). Pure: a Content-Type and a body in, a digit or nothing out.

export interface DtmfEvent {
  readonly digit: string;
  readonly durationMs: number | undefined;
}

const EVENT_DIGITS = '0123456789*#ABCD';

function normalizeDigit(signal: string): string | undefined {
  const upper = signal.toUpperCase();
  if (upper.length === 1 && EVENT_DIGITS.includes(upper)) return upper;
  // Some phones send the RFC 4733 event code (10 = *, 11 = #).
  const code = Number(signal);
  return Number.isInteger(code) && code >= 10 && code <= 15 ? EVENT_DIGITS[code] : undefined;
}

/** `Signal=5\r\nDuration=160` (application/dtmf-relay, as Cisco and most phones send it). */
export function parseDtmfRelay(body: string): DtmfEvent | undefined {
  const fields = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const digit = normalizeDigit(fields.get('signal') ?? '');
  if (digit === undefined) return undefined;
  const duration = Number(fields.get('duration'));
  return { digit, durationMs: Number.isFinite(duration) && duration > 0 ? duration : undefined };
}

/** The digit an INFO request carries, by its Content-Type; undefined for any other body. */
export function dtmfFromInfo(contentType: string, body: string): DtmfEvent | undefined {
  const type = contentType.toLowerCase();
  if (type.startsWith('application/dtmf-relay')) return parseDtmfRelay(body);
  if (!type.startsWith('application/dtmf')) return undefined;
  const digit = normalizeDigit(body.trim());
  return digit === undefined ? undefined : { digit, durationMs: undefined };
}
