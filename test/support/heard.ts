// What a leg hears, decoded, as a test reads it: a sink on the leg (MediaLeg.listen), which is how
// the line itself takes a party's audio.
import { decodeG711 } from '../../src/telephony/rtp/g711.ts';
import type { MediaLeg } from '../../src/telephony/media/leg.ts';

/** Calls `heard` with each frame the leg receives, decoded, and its RTP timestamp; returns the function that stops it. */
export function onAudio(leg: MediaLeg, heard: (pcm: Int16Array, timestamp: number) => void): () => void {
  return leg.listen({
    g711: (law, payload, timestamp) => heard(decodeG711(law, payload), timestamp ?? 0),
    dtmf: () => {},
  });
}
