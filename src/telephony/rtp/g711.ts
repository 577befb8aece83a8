// ITU-T G.711 µ-law (PCMU) and A-law (PCMA) for 16-bit linear PCM.
// Written here rather than pulled from npm (alawmulaw is not installed): the codec is
// two small bit-layout functions, precomputed into lookup tables once at load.

export type G711Law = 'PCMU' | 'PCMA';

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

function mulawEncodeSample(sample: number): number {
  let magnitude = sample;
  let sign = 0;
  if (magnitude < 0) {
    sign = 0x80;
    magnitude = -magnitude;
  }
  if (magnitude > MULAW_CLIP) magnitude = MULAW_CLIP;
  magnitude += MULAW_BIAS;
  // The segment is the position of the highest set bit above bit 7.
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function mulawDecodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

function alawEncodeSample(sample: number): number {
  // A-law works on 13-bit magnitudes; even bits are inverted on the wire (XOR 0x55).
  let value = sample >> 3;
  let mask: number;
  if (value >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > (0x20 << segment) - 1) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

function alawDecodeSample(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a >> 4) & 0x07;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function encodeTable(encode: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode(i - 32768);
  return table;
}

function decodeTable(decode: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i);
  return table;
}

const ENCODE: Record<G711Law, Uint8Array> = {
  PCMU: encodeTable(mulawEncodeSample),
  PCMA: encodeTable(alawEncodeSample),
};
const DECODE: Record<G711Law, Int16Array> = {
  PCMU: decodeTable(mulawDecodeSample),
  PCMA: decodeTable(alawDecodeSample),
};

// Per-packet table lookups by law: a comparison, not TABLE[law], whose key of two names made the
// load polymorphic in the media workers' hot path (perf).
const encodeTableOf = (law: G711Law): Uint8Array => (law === 'PCMA' ? ENCODE.PCMA : ENCODE.PCMU);
const decodeTableOf = (law: G711Law): Int16Array => (law === 'PCMA' ? DECODE.PCMA : DECODE.PCMU);

/** Static RTP payload types of RFC 3551. */
export const G711_PAYLOAD_TYPE: Record<G711Law, number> = { PCMU: 0, PCMA: 8 };

/** The encoded byte of digital silence (used for keep-alive frames). */
/** The law of a received payload type: the negotiated one, or either static G.711 type a peer may switch to. */
export function g711LawOf(payloadType: number, negotiatedType: number, negotiatedLaw: G711Law): G711Law | undefined {
  if (payloadType === negotiatedType) return negotiatedLaw;
  return payloadType === 0 ? 'PCMU' : payloadType === 8 ? 'PCMA' : undefined;
}

export const G711_SILENCE: Record<G711Law, number> = { PCMU: 0xff, PCMA: 0xd5 };

// One law's byte as the other law's byte (through the linear value): a bridge between a PCMU
// leg and a PCMA leg converts bytes, it does not decode and re-encode frames.
function convertTable(from: G711Law, to: G711Law): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) table[i] = encodeTableOf(to)[(decodeTableOf(from)[i] ?? 0) + 32768] ?? 0;
  return table;
}

const PCMU_TO_PCMA = convertTable('PCMU', 'PCMA');
const PCMA_TO_PCMU = convertTable('PCMA', 'PCMU');

export function encodeG711(law: G711Law, pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  encodeG711Into(law, pcm, out, 0);
  return out;
}

/** Encodes `pcm` into `out` from `offset` (a packet being built): no allocation. */
export function encodeG711Into(law: G711Law, pcm: Int16Array, out: Uint8Array, offset: number): void {
  const table = encodeTableOf(law);
  for (let i = 0; i < pcm.length; i++) out[offset + i] = table[(pcm[i] ?? 0) + 32768] ?? 0;
}

export function decodeG711(law: G711Law, payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  const table = decodeTableOf(law);
  for (let i = 0; i < payload.length; i++) out[i] = table[payload[i] ?? 0] ?? 0;
  return out;
}

/**
 * Copies G.711 bytes of law `from` as law `to` into one channel of interleaved stereo: byte `i` goes
 * to `out[offset + 2 * i]` (a recording's frames, written as they arrive).
 */
export function interleaveG711(from: G711Law, payload: Uint8Array, to: G711Law, out: Uint8Array, offset: number): void {
  const n = payload.length;
  if (from === to) {
    for (let i = 0; i < n; i++) out[offset + 2 * i] = payload[i] ?? 0;
    return;
  }
  const table = from === 'PCMU' ? PCMU_TO_PCMA : PCMA_TO_PCMU;
  for (let i = 0; i < n; i++) out[offset + 2 * i] = table[payload[i] ?? 0] ?? 0;
}

/** Copies G.711 bytes of law `from` into `out` at `offset` as law `to` (a plain copy when they are the same). */
export function copyG711(from: G711Law, payload: Uint8Array, to: G711Law, out: Uint8Array, offset: number): void {
  if (from === to) {
    out.set(payload, offset);
    return;
  }
  const table = from === 'PCMU' ? PCMU_TO_PCMA : PCMA_TO_PCMU;
  for (let i = 0; i < payload.length; i++) out[offset + i] = table[payload[i] ?? 0] ?? 0;
}
