// SDP (RFC 4566) for one audio stream, and the offer/answer rules of RFC 3264 that
// chokutsu needs: G.711 PCMU/PCMA plus RFC 4733 telephone-event.
import { G711_PAYLOAD_TYPE, type G711Law } from '../rtp/g711.ts';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface RtpMap {
  encoding: string;
  clockRate: number;
  channels?: number;
}

export interface MediaDescription {
  media: string;
  port: number;
  protocol: string;
  /** Payload types in the offerer's order of preference. */
  formats: number[];
  connection?: string;
  rtpmap: Map<number, RtpMap>;
  fmtp: Map<number, string>;
  direction?: MediaDirection;
  ptime?: number;
  /** Attributes kept as written (a=name:value or a=name), for what we do not interpret. */
  attributes: string[];
}

export interface SessionDescription {
  origin: { username: string; sessionId: string; sessionVersion: string; address: string };
  sessionName: string;
  connection?: string;
  direction?: MediaDirection;
  media: MediaDescription[];
}

export interface SdpProblem {
  line: number;
  message: string;
}

export type SdpParseResult = { ok: true; sdp: SessionDescription } | { ok: false; problems: SdpProblem[] };

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function isDirection(value: string): value is MediaDirection {
  return DIRECTIONS.has(value);
}

/** Parses an SDP body; every malformed line is listed with its 1-based line number. */
export function parseSdp(text: string): SdpParseResult {
  const problems: SdpProblem[] = [];
  const sdp: SessionDescription = {
    origin: { username: '-', sessionId: '0', sessionVersion: '0', address: '0.0.0.0' },
    sessionName: '-',
    media: [],
  };
  let sawVersion = false;
  let sawOrigin = false;
  let current: MediaDescription | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw === '') return;
    const match = /^([a-z])=(.*)$/.exec(raw);
    if (!match) {
      problems.push({ line, message: `not a type=value line: ${JSON.stringify(raw)}` });
      return;
    }
    const type = match[1] ?? '';
    const value = match[2] ?? '';
    switch (type) {
      case 'v':
        if (value !== '0') problems.push({ line, message: `unsupported version v=${value}` });
        sawVersion = true;
        return;
      case 'o': {
        const parts = value.split(' ');
        sawOrigin = true;
        if (parts.length !== 6 || parts[3] !== 'IN' || (parts[4] !== 'IP4' && parts[4] !== 'IP6')) {
          problems.push({ line, message: `malformed origin o=${value}` });
          return;
        }
        sdp.origin = { username: parts[0] ?? '-', sessionId: parts[1] ?? '0', sessionVersion: parts[2] ?? '0', address: parts[5] ?? '' };
        return;
      }
      case 's':
        sdp.sessionName = value;
        return;
      case 'c': {
        const parts = value.split(' ');
        const address = parts[2]?.split('/')[0];
        if (parts.length !== 3 || parts[0] !== 'IN' || (parts[1] !== 'IP4' && parts[1] !== 'IP6') || !address) {
          problems.push({ line, message: `malformed connection c=${value}` });
          return;
        }
        if (current) current.connection = address;
        else sdp.connection = address;
        return;
      }
      case 'm': {
        const parts = value.split(' ');
        const port = Number.parseInt(parts[1]?.split('/')[0] ?? '', 10);
        const formats = parts.slice(3).map((f) => Number.parseInt(f, 10));
        if (parts.length < 4 || !Number.isInteger(port) || port < 0 || port > 65535) {
          problems.push({ line, message: `malformed media m=${value}` });
          current = undefined;
          return;
        }
        current = {
          media: parts[0] ?? '',
          port,
          protocol: parts[2] ?? '',
          // Non-RTP transports use non-numeric formats; they are never ours, keep what parses.
          formats: formats.filter((f) => Number.isInteger(f)),
          rtpmap: new Map(),
          fmtp: new Map(),
          attributes: [],
        };
        sdp.media.push(current);
        return;
      }
      case 'a':
        parseAttribute(value, line, current, sdp, problems);
        return;
      default:
        // b=, t=, i=, u=, e=, p=, z=, k=, r= carry nothing we act on.
        return;
    }
  });
  if (!sawVersion) problems.push({ line: 1, message: 'missing v= line' });
  if (!sawOrigin) problems.push({ line: 1, message: 'missing o= line' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, sdp };
}

function parseAttribute(
  value: string,
  line: number,
  media: MediaDescription | undefined,
  sdp: SessionDescription,
  problems: SdpProblem[],
): void {
  const colon = value.indexOf(':');
  const name = colon === -1 ? value : value.slice(0, colon);
  const rest = colon === -1 ? '' : value.slice(colon + 1);
  if (isDirection(name)) {
    if (media) media.direction = name;
    else sdp.direction = name;
    return;
  }
  if (!media) return;
  media.attributes.push(value);
  if (name === 'rtpmap') {
    const m = /^(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?$/.exec(rest.trim());
    if (!m) {
      problems.push({ line, message: `malformed rtpmap a=${value}` });
      return;
    }
    const map: RtpMap = { encoding: m[2] ?? '', clockRate: Number(m[3]) };
    if (m[4] !== undefined) map.channels = Number(m[4]);
    media.rtpmap.set(Number(m[1]), map);
  } else if (name === 'fmtp') {
    const m = /^(\d+) (.*)$/.exec(rest.trim());
    if (!m) {
      problems.push({ line, message: `malformed fmtp a=${value}` });
      return;
    }
    media.fmtp.set(Number(m[1]), m[2] ?? '');
  } else if (name === 'ptime') {
    const ptime = Number(rest);
    if (!Number.isFinite(ptime) || ptime <= 0) problems.push({ line, message: `malformed ptime a=${value}` });
    else media.ptime = ptime;
  }
}

/** Encoding name of a payload type: the rtpmap if present, else the RFC 3551 static assignment. */
function encodingOf(media: MediaDescription, pt: number): RtpMap | undefined {
  const mapped = media.rtpmap.get(pt);
  if (mapped) return mapped;
  if (pt === 0) return { encoding: 'PCMU', clockRate: 8000 };
  if (pt === 8) return { encoding: 'PCMA', clockRate: 8000 };
  return undefined;
}

/** What both sides agreed on for the audio stream: everything an RtpSession needs. */
export interface NegotiatedAudio {
  codec: G711Law;
  payloadType: number;
  /** Payload type of telephone-event (RFC 4733), when both sides support it. */
  telephoneEventPt?: number;
  /** The peer's RTP address and port, from its c= and m= lines. */
  remoteAddress: string;
  remotePort: number;
  /** Our direction, as written in our SDP. */
  direction: MediaDirection;
  ptime: number;
}

/** No payload type in the offer is one we can send: the SIP layer answers 488 (RFC 3261 §21.4.26). */
export class NoCommonCodecError extends Error {
  override readonly name = 'NoCommonCodecError';
  constructor(readonly offered: string[]) {
    super(`no common audio codec; offered: ${offered.join(', ') || 'nothing'}`);
  }
}

export interface LocalMediaOptions {
  localAddress: string;
  localPort: number;
  /** Codecs we accept, in our order of preference when we make the offer. */
  codecs: G711Law[];
  /** Used in o=; bump sessionVersion on every re-offer (RFC 3264 §8). */
  sessionId?: string;
  sessionVersion?: number;
  direction?: MediaDirection;
  ptime?: number;
  username?: string;
}

export interface OfferOptions extends LocalMediaOptions {
  /** Dynamic payload type we advertise for telephone-event. */
  telephoneEventPt?: number;
}

export type AnswerResult =
  | { ok: true; sdp: string; negotiated: NegotiatedAudio }
  | { ok: false; error: NoCommonCodecError };

const TELEPHONE_EVENT = 'telephone-event';
const DEFAULT_TELEPHONE_EVENT_PT = 101;
const DEFAULT_PTIME = 20;

function reciprocal(direction: MediaDirection): MediaDirection {
  if (direction === 'sendonly') return 'recvonly';
  if (direction === 'recvonly') return 'sendonly';
  return direction;
}

/** Combines the offered direction with ours: we never send when they will not receive. */
function answerDirection(offered: MediaDirection, wanted: MediaDirection): MediaDirection {
  const theyAllow = reciprocal(offered);
  const send = (theyAllow === 'sendrecv' || theyAllow === 'sendonly') && (wanted === 'sendrecv' || wanted === 'sendonly');
  const recv = (theyAllow === 'sendrecv' || theyAllow === 'recvonly') && (wanted === 'sendrecv' || wanted === 'recvonly');
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

function telephoneEventPtOf(media: MediaDescription): number | undefined {
  return media.formats.find((pt) => encodingOf(media, pt)?.encoding.toLowerCase() === TELEPHONE_EVENT);
}

function isAudioRtp(media: MediaDescription): boolean {
  return media.media === 'audio' && media.port !== 0 && media.protocol.toUpperCase() === 'RTP/AVP';
}

function lawOf(map: RtpMap | undefined, accepted: G711Law[]): G711Law | undefined {
  if (!map || map.clockRate !== 8000) return undefined;
  const name = map.encoding.toUpperCase();
  return accepted.find((law) => law === name);
}

/**
 * Answers an offer (RFC 3264 §6): the first offered codec we support on the first usable
 * audio stream; telephone-event kept with the offer's payload type; other streams rejected
 * with port 0, keeping the m-line count.
 */
export function answer(offer: SessionDescription, options: LocalMediaOptions): AnswerResult {
  const offered: string[] = [];
  let chosen: { index: number; law: G711Law; pt: number; telephoneEventPt?: number } | undefined;
  offer.media.forEach((media, index) => {
    if (chosen || !isAudioRtp(media)) return;
    for (const pt of media.formats) {
      const map = encodingOf(media, pt);
      offered.push(map ? `${map.encoding}/${map.clockRate} (${pt})` : String(pt));
      const law = lawOf(map, options.codecs);
      if (law && !chosen) {
        const telephoneEventPt = telephoneEventPtOf(media);
        chosen = telephoneEventPt === undefined ? { index, law, pt } : { index, law, pt, telephoneEventPt };
      }
    }
  });
  if (!chosen) return { ok: false, error: new NoCommonCodecError(offered) };

  const picked = chosen;
  const offeredMedia = offer.media[picked.index];
  const remoteAddress = offeredMedia?.connection ?? offer.connection ?? offer.origin.address;
  const offeredDirection = offeredMedia?.direction ?? offer.direction ?? 'sendrecv';
  const direction = answerDirection(offeredDirection, options.direction ?? 'sendrecv');
  const ptime = offeredMedia?.ptime ?? options.ptime ?? DEFAULT_PTIME;

  const mLines = offer.media.map((media, index) => {
    if (index !== picked.index) return `m=${media.media} 0 ${media.protocol} ${media.formats.join(' ') || '0'}`;
    const pts = picked.telephoneEventPt === undefined ? [picked.pt] : [picked.pt, picked.telephoneEventPt];
    const lines = [`m=audio ${options.localPort} RTP/AVP ${pts.join(' ')}`];
    lines.push(`a=rtpmap:${picked.pt} ${picked.law}/8000`);
    if (picked.telephoneEventPt !== undefined) {
      lines.push(`a=rtpmap:${picked.telephoneEventPt} ${TELEPHONE_EVENT}/8000`);
      lines.push(`a=fmtp:${picked.telephoneEventPt} 0-16`);
    }
    lines.push(`a=ptime:${ptime}`, `a=${direction}`);
    return lines.join('\r\n');
  });

  const negotiated: NegotiatedAudio = {
    codec: picked.law,
    payloadType: picked.pt,
    remoteAddress,
    remotePort: offeredMedia?.port ?? 0,
    direction,
    ptime,
  };
  if (picked.telephoneEventPt !== undefined) negotiated.telephoneEventPt = picked.telephoneEventPt;
  return { ok: true, sdp: sessionLines(options) + mLines.join('\r\n') + '\r\n', negotiated };
}

function sessionLines(options: LocalMediaOptions): string {
  const family = options.localAddress.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=${options.username ?? 'chokutsu'} ${options.sessionId ?? '0'} ${options.sessionVersion ?? 0} IN ${family} ${options.localAddress}`,
    's=chokutsu',
    `c=IN ${family} ${options.localAddress}`,
    't=0 0',
    '',
  ].join('\r\n');
}

/** Builds our offer (calls to agent phones): each codec with its static payload type, then telephone-event. */
export function offer(options: OfferOptions): string {
  const telephoneEventPt = options.telephoneEventPt ?? DEFAULT_TELEPHONE_EVENT_PT;
  const pts = options.codecs.map((law) => G711_PAYLOAD_TYPE[law]);
  const lines = [`m=audio ${options.localPort} RTP/AVP ${[...pts, telephoneEventPt].join(' ')}`];
  for (const law of options.codecs) lines.push(`a=rtpmap:${G711_PAYLOAD_TYPE[law]} ${law}/8000`);
  lines.push(`a=rtpmap:${telephoneEventPt} ${TELEPHONE_EVENT}/8000`, `a=fmtp:${telephoneEventPt} 0-16`);
  lines.push(`a=ptime:${options.ptime ?? DEFAULT_PTIME}`, `a=${options.direction ?? 'sendrecv'}`);
  return sessionLines(options) + lines.join('\r\n') + '\r\n';
}

/**
 * Reads the answer to our offer (RFC 3264 §7). The answerer may pick any codec we offered;
 * the first one it lists is what it will send, and we send the same.
 */
export function acceptAnswer(
  answerSdp: SessionDescription,
  ourOffer: OfferOptions,
): { ok: true; negotiated: NegotiatedAudio } | { ok: false; error: NoCommonCodecError } {
  const media = answerSdp.media.find(isAudioRtp);
  const offered = media ? media.formats.map((pt) => `${encodingOf(media, pt)?.encoding ?? '?'} (${pt})`) : [];
  if (!media) return { ok: false, error: new NoCommonCodecError(offered) };
  for (const pt of media.formats) {
    const law = lawOf(encodingOf(media, pt), ourOffer.codecs);
    if (!law) continue;
    const negotiated: NegotiatedAudio = {
      codec: law,
      payloadType: pt,
      remoteAddress: media.connection ?? answerSdp.connection ?? answerSdp.origin.address,
      remotePort: media.port,
      direction: answerDirection(media.direction ?? answerSdp.direction ?? 'sendrecv', ourOffer.direction ?? 'sendrecv'),
      ptime: media.ptime ?? ourOffer.ptime ?? DEFAULT_PTIME,
    };
    const telephoneEventPt = telephoneEventPtOf(media);
    if (telephoneEventPt !== undefined) negotiated.telephoneEventPt = telephoneEventPt;
    return { ok: true, negotiated };
  }
  return { ok: false, error: new NoCommonCodecError(offered) };
}
