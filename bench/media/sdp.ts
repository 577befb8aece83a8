// The far ends' SDP: PCMA only, 20 ms, on 127.0.0.1; and the one thing read back from a peer's SDP.

/** The port of the first m= line of an SDP. */
export function sdpAudioPort(sdp: string): number {
  const m = /^m=audio (\d+) /m.exec(sdp);
  if (!m) throw new Error(`no m=audio line in SDP:\n${sdp}`);
  return Number(m[1]);
}

export const farEndSdp = (port: number, session: string): string =>
  ['v=0', `o=${session} 1 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} RTP/AVP 8`, 'a=rtpmap:8 PCMA/8000', 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
